// The client the screens use (docs/field-app.md, "The client the screens use"). It owns
// the signed-in user's database, the api, the leadership and, in the leader tab, the sync
// engine; follower tabs ask the leader over the channel. No DOM rendering here: screens
// call these methods and listen to 'change' and 'status'. 'change' names entity types,
// and also 'outbox' (the queue changed), 'inbox' (the server's list was refreshed) and
// 'session' (signed in or out, here or in another tab). Every use of the database goes
// through its Connection (../db/connection.js): lost under the app, it is opened again and
// the use tried once more; failing again it is `storage_lost`, and an action the user
// took is kept in localStorage until it can be queued (unsaved.js). A full disk is
// `storage_full`: the action is not stored, and the screen keeps what was typed.
import { isQuotaError, storageError } from '../db/connection.js';
import { done, settle } from '../db/schema.js';
import { createApi } from './api.js';
import { blobOf, storeBlob } from './blobs.js';
import { deleteDraft, draftKeys, readDraft, writeDraft } from '../db/drafts.js';
import { createEngine } from './engine.js';
import { electLeader, openChannel } from './leader.js';
import { countPending, enqueue, readMeta } from './outbox.js';
import * as session from './session.js';
import { keepUnsaved, replayUnsaved } from './unsaved.js';

/**
 * @typedef {object} ClientOptions
 * @property {IDBFactory} [indexedDB]
 * @property {typeof fetch} [fetch]
 * @property {string} [baseUrl] default: the page's origin
 * @property {Storage | null} [storage] default: localStorage (last user, device id)
 * @property {LockManager | null} [locks] default: navigator.locks
 * @property {(name: string) => BroadcastChannel | null} [channel] makes the 'rounds' channel
 * @property {Record<string, any>} [env] the engine's window, document and timers
 * @property {string} [deviceName] sent at login; default from the user agent
 * @property {number} [leaderWaitMs] how long a follower waits for the leader's sync
 * @property {() => void} [onQueued] an op was queued (the app registers Background Sync)
 */

/** @param {string} message @param {string} code @param {Record<string, unknown>} [extra] */
const clientError = (message, code, extra = {}) => Object.assign(new Error(message), { code, ...extra });

/**
 * What a storage failure means for the screens.
 * @param {unknown} error
 */
function storageFailure(error) {
  if (isQuotaError(error)) {
    return storageError('storage_full', 'There is no room left on this phone to keep this.', error);
  }
  return error;
}

/**
 * Run a use of the database, opened again once if its connection was lost.
 * @template T
 * @param {any} db a Connection (or a bare IDBDatabase)
 * @param {() => Promise<T>} action
 * @returns {Promise<T>}
 */
const using = (db, action) => (db.run ? db.run(action) : action());

/** @param {import('./engine.js').Outcome} outcome a plain copy: it may cross the channel */
const plain = (outcome) => ({ ...outcome, error: outcome.error?.toJSON?.() ?? outcome.error ?? null });

class Client {
  /** @param {ClientOptions} options */
  constructor(options) {
    this.options = options;
    /** @type {import('./session.js').User | null} */
    this.user = null;
    /** @type {Record<'change' | 'status', Set<(event: any) => void>>} */
    this.listeners = { change: new Set(), status: new Set() };
    /** @type {import('./engine.js').Status} */
    this.status = { state: 'idle', pending: 0, lastSync: null, error: null };
    /** @type {Map<string, (outcome: any) => void>} */
    this.waiting = new Map();
    /** @type {any} */
    this.s = null; // the attached session: db, api, engine, leadership, channel
  }

  /** @param {'change' | 'status'} event @param {any} payload */
  emit(event, payload) {
    if (event === 'status') this.status = payload;
    for (const fn of this.listeners[event]) {
      try { fn(payload); } catch (error) { console.error(error); }
    }
  }

  /**
   * Listen: 'change' {types}, 'status' {state, pending, lastSync, error}.
   * @param {'change' | 'status'} event
   * @param {(payload: any) => void} fn
   * @returns {() => void} stops listening
   */
  on(event, fn) {
    this.listeners[event].add(fn);
    return () => this.listeners[event].delete(fn);
  }

  /** @param {IDBDatabase} db @param {import('./session.js').User} user */
  async attach(db, user) {
    const o = this.options;
    const name = session.dbName(user.employee_no);
    const api = createApi({
      tokens: session.tokenStore(db),
      fetch: o.fetch,
      baseUrl: o.baseUrl,
      locks: o.locks,
      lockName: `rounds-refresh:${user.employee_no}`,
    });
    const s = { db, api, user, name, engine: /** @type {any} */ (null), leadership: /** @type {any} */ (null), channel: /** @type {any} */ (null) };
    s.channel = openChannel(name, (message) => this.hear(s, message), { create: o.channel });
    s.engine = createEngine({
      db,
      api,
      env: o.env,
      onStatus: (status) => {
        this.emit('status', status);
        s.channel.post({ kind: 'status', status });
      },
      onChange: (types) => {
        this.emit('change', { types });
        s.channel.post({ kind: 'change', types });
      },
    });
    this.s = s;
    this.user = user;
    // Actions taken while the database was out of reach, kept since: queued now.
    await replayUnsaved(db, o.storage, user.employee_no).catch((error) => console.error('unsaved actions', error));
    this.emit('status', { ...this.status, pending: await countPending(db), lastSync: (await readMeta(db, 'last_sync')) ?? null, error: null });
    s.leadership = electLeader({
      name: `rounds-sync:${user.employee_no}`,
      locks: o.locks,
      storage: o.storage,
      onChange: (leader) => {
        if (this.s !== s) return;
        (leader ? s.engine.start() : s.engine.stop()).catch((/** @type {unknown} */ error) => console.error('sync engine', error));
      },
    });
  }

  /** @param {any} s @param {Record<string, any>} message from another tab */
  hear(s, message) {
    if (this.s !== s) return;
    switch (message.kind) {
      case 'change': this.emit('change', { types: message.types }); break;
      case 'status': this.emit('status', message.status); break;
      case 'sync-request':
        if (s.leadership?.isLeader()) {
          s.engine.sync(message.reason).then((outcome) => s.channel.post({ kind: 'sync-done', id: message.id, outcome: plain(outcome) }));
        }
        break;
      case 'sync-done': this.waiting.get(message.id)?.(message.outcome); break;
      case 'signed-out': this.detach().then(() => this.emit('change', { types: ['session'] })); break;
      default: break;
    }
  }

  async detach() {
    const s = this.s;
    if (!s) return;
    this.s = null;
    this.user = null;
    s.leadership?.release();
    await s.engine.stop();
    s.channel.close();
    s.db.close();
  }

  /** @returns {any} */
  need() {
    if (!this.s) throw clientError('Nobody is signed in on this phone.', 'signed_out');
    return this.s;
  }

  /**
   * Sign in (online only): registers this phone as the user's device, opens their
   * database and runs the first sync. Resolves with the user.
   * @param {string} employeeNo
   * @param {string} password
   */
  async signIn(employeeNo, password) {
    const o = this.options;
    const { db, pair } = await session.signIn({
      api: createApi({ fetch: o.fetch, baseUrl: o.baseUrl, locks: null }),
      employeeNo,
      password,
      deviceId: session.deviceIdOf(o.storage, this.s ? await readMeta(this.s.db, 'device_id') : null),
      deviceName: o.deviceName ?? String(globalThis.navigator?.userAgent ?? 'browser'),
      indexedDB: o.indexedDB,
    });
    await this.detach();
    session.rememberUser(o.storage, pair.user.employee_no);
    await this.attach(db, pair.user);
    this.emit('change', { types: ['session'] });
    await this.syncNow();
    return pair.user;
  }

  /**
   * Sign out. Refuses while ops wait for the server (they would wait for this user's next
   * sign-in), unless {force: true}; the data and the outbox stay in the user's database.
   * @param {{force?: boolean}} [options]
   */
  async signOut({ force = false } = {}) {
    const s = this.s;
    if (!s) return;
    const pending = await countPending(s.db);
    if (pending > 0 && !force) {
      throw clientError(`${pending} action(s) have not reached the server yet.`, 'pending_ops', { pending });
    }
    await session.endSession(s.db, s.api);
    s.channel.post({ kind: 'signed-out' });
    session.rememberUser(this.options.storage, null);
    await this.detach();
    this.emit('change', { types: ['session'] });
    this.emit('status', { state: 'idle', pending: 0, lastSync: null, error: null });
  }

  /**
   * Rows of one type, as the screens see them (server rows with pending effects).
   * @param {string} type
   * @param {(row: Record<string, any>) => boolean} [predicate]
   * @returns {Promise<Array<Record<string, any>>>}
   */
  async list(type, predicate) {
    const s = this.s;
    if (!s) return [];
    const rows = await using(s.db, () => settle(s.db.transaction('entities', 'readonly').objectStore('entities').index('type').getAll(type)));
    return predicate ? rows.filter(predicate) : rows;
  }

  /**
   * Rows of one type by id, in one read: a screen that shows twenty orders reads their
   * twenty assets, not the tens of thousands a hospital's register holds.
   * @param {string} type
   * @param {Iterable<string | null | undefined>} ids
   * @returns {Promise<Map<string, Record<string, any>>>}
   */
  async getMany(type, ids) {
    const found = new Map();
    const s = this.s;
    if (!s) return found;
    const wanted = [...new Set([...ids].filter(Boolean).map(String))];
    const rows = await using(s.db, () => {
      const store = s.db.transaction('entities', 'readonly').objectStore('entities');
      return Promise.all(wanted.map((id) => settle(store.get([type, id]))));
    });
    for (const row of rows) if (row) found.set(row.id, row);
    return found;
  }

  /**
   * Rows of `entities` by one of its indexes: findBy('tag_code', '7K3M9Q2XWD').
   * @param {string} index
   * @param {IDBValidKey} value
   * @returns {Promise<Array<Record<string, any>>>}
   */
  async findBy(index, value) {
    if (!this.s) return [];
    return settle(this.s.db.transaction('entities', 'readonly').objectStore('entities').index(index).getAll(value));
  }

  /** @param {string} type @param {string} id @returns {Promise<Record<string, any> | undefined>} */
  async get(type, id) {
    const s = this.s;
    if (!s) return undefined;
    return using(s.db, () => settle(s.db.transaction('entities', 'readonly').objectStore('entities').get([type, String(id)])));
  }

  /**
   * Record what the user did: the op is queued and its effect shown at once, then synced.
   * @param {string} name e.g. work_order.start
   * @param {Record<string, unknown>} args
   * @param {{blobs?: string[], v?: number}} [options]
   */
  async act(name, args, { blobs = [], v = 1 } = {}) {
    const s = this.need();
    /** @type {string[]} */
    let types = [];
    // One id and time for every attempt: tried again, or kept for later, it is one intent.
    const intent = { op_id: globalThis.crypto.randomUUID(), name, v, args, blobs, at: new Date().toISOString() };
    let op;
    try {
      op = await using(s.db, () => enqueue(s.db, { name, v, args, blobs }, {
        newId: () => intent.op_id,
        now: () => new Date(intent.at),
        onEffect: (written) => { types = [...written, 'outbox']; },
      }));
    } catch (error) {
      throw this.failedToStore(error, intent);
    }
    this.emit('change', { types });
    s.channel.post({ kind: 'change', types });
    const pending = await countPending(s.db);
    this.emit('status', { ...this.status, pending });
    if (s.leadership.isLeader()) s.engine.sync('change').catch((/** @type {unknown} */ error) => console.error('sync', error));
    else s.channel.post({ kind: 'sync-request', id: globalThis.crypto.randomUUID(), reason: 'change' });
    try { this.options.onQueued?.(); } catch (error) { console.error('onQueued', error); }
    return op;
  }

  /** @param {ArrayBuffer | ArrayBufferView | Blob} bytes @param {string} mime @returns {Promise<string>} */
  async storeBlob(bytes, mime) {
    const s = this.need();
    try {
      return await using(s.db, () => storeBlob(s.db, bytes, mime));
    } catch (error) {
      throw this.failedToStore(error);
    }
  }

  /**
   * What the screens hear when storing failed: the storage closed for good (the action is
   * kept for after the reload the status bar asks for) or full (the screens keep the input).
   * @param {unknown} error
   * @param {import('./unsaved.js').Intent} [intent]
   */
  failedToStore(error, intent) {
    const failure = /** @type {any} */ (storageFailure(error));
    if (failure?.code === 'storage_lost') {
      if (intent && this.s) failure.kept = keepUnsaved(this.options.storage, this.s.user.employee_no, intent);
      this.emit('status', { ...this.status, state: 'error', error: { kind: 'storage', code: 'storage_lost', message: failure.message } });
    }
    if (failure?.code === 'storage_full' || failure?.code === 'storage_lost') this.emit('change', { types: ['storage'] });
    return failure;
  }

  /**
   * An object URL for a blob: from the phone's chunks, else fetched (signed in, online).
   * The caller revokes it (URL.revokeObjectURL) when the image goes.
   * @param {string} sha256
   * @param {{thumbnail?: boolean}} [options]
   * @returns {Promise<string | undefined>}
   */
  async blobUrl(sha256, { thumbnail = false } = {}) {
    const s = this.need();
    let blob = await using(s.db, () => blobOf(s.db, sha256));
    if (!blob) {
      try {
        const response = await s.api.request('GET', `/api/v1/blobs/${sha256}${thumbnail ? '/thumbnail' : ''}`, { raw: true });
        if (response.ok) blob = await response.blob();
      } catch { /* offline: nothing to show */ }
    }
    return blob ? URL.createObjectURL(blob) : undefined;
  }

  /**
   * Drafts: what the user typed and has not recorded yet (src/db/drafts.js). Signed out,
   * there are none and nothing is kept.
   * @param {string} key e.g. note:<work order id>
   */
  async draft(key) {
    return this.s ? readDraft(this.s.db, key) : undefined;
  }

  /** @param {string} key @param {Record<string, unknown>} fields */
  async saveDraft(key, fields) {
    return this.s ? writeDraft(this.s.db, key, fields) : undefined;
  }

  /** @param {string} key */
  async dropDraft(key) {
    if (this.s) await deleteDraft(this.s.db, key);
  }

  /** @param {string} prefix @returns {Promise<string[]>} */
  async draftKeys(prefix) {
    return this.s ? draftKeys(this.s.db, prefix) : [];
  }

  /**
   * An authenticated call to the server (online only): the parsed JSON, or an ApiError.
   * @param {string} method
   * @param {string} path
   * @param {unknown} [json]
   */
  async request(method, path, json) {
    return this.need().api.request(method, path, json === undefined ? {} : { json });
  }

  /** Ops not yet acknowledged by the server. */
  async pendingCount() {
    const s = this.s;
    return s ? using(s.db, () => countPending(s.db)) : 0;
  }

  /** This device's rejected and conflicting ops, with the server's message and advice. */
  async inbox() {
    const s = this.s;
    if (!s) return [];
    const rows = await using(s.db, () => settle(s.db.transaction('inbox', 'readonly').objectStore('inbox').getAll()));
    return rows.sort((a, b) => String(a.received_at).localeCompare(String(b.received_at)));
  }

  /**
   * A read-only extra kept for offline use: fetched when online, else the stored copy.
   * @template T
   * @param {string} key
   * @param {(api: import('./api.js').Api) => Promise<T>} fetcher
   * @param {{maxAgeMs?: number}} [options] a copy younger than this is used without asking
   * @returns {Promise<T | undefined>}
   */
  async cached(key, fetcher, { maxAgeMs = 0 } = {}) {
    const s = this.need();
    const stored = await using(s.db, () => settle(s.db.transaction('cache', 'readonly').objectStore('cache').get(key)));
    const age = stored ? Date.now() - Date.parse(stored.fetched_at) : Infinity;
    if (stored && age < maxAgeMs) return stored.value;
    try {
      const value = await fetcher(s.api);
      try {
        await using(s.db, async () => {
          const tx = s.db.transaction('cache', 'readwrite');
          tx.objectStore('cache').put({ key, value, fetched_at: new Date().toISOString() });
          await done(tx);
        });
      } catch (error) {
        if (!isQuotaError(error)) throw error; // no room to keep a copy: shown all the same
      }
      return value;
    } catch (error) {
      if (stored) return stored.value;
      if (/** @type {any} */ (error)?.offline) return undefined;
      throw error;
    }
  }

  /**
   * Sync now: in the leader tab directly, else by asking the leader (or running it here
   * once this tab becomes leader). Resolves with the outcome, never rejects.
   * @param {string} [reason]
   */
  async syncNow(reason = 'manual') {
    const s = this.s;
    if (!s) return { ok: false, skipped: true, reason };
    if (s.leadership.isLeader()) return plain(await s.engine.sync(reason));
    const id = globalThis.crypto.randomUUID();
    const wait = this.options.leaderWaitMs ?? 120_000;
    /** @type {any} */
    let timer;
    const answered = new Promise((resolve) => {
      this.waiting.set(id, resolve);
      timer = setTimeout(() => resolve({ ok: false, reason, error: { kind: 'offline', code: 'no_leader', message: 'The syncing tab did not answer.' } }), wait);
    });
    const elected = s.leadership.elected.then(async () => plain(await s.engine.sync(reason)));
    s.channel.post({ kind: 'sync-request', id, reason });
    try {
      return await Promise.race([answered, elected]);
    } finally {
      clearTimeout(timer);
      this.waiting.delete(id);
    }
  }

  /**
   * For the service-worker client when the browser's Background Sync fires: unlike
   * syncNow it rejects when the sync failed, which tells the browser to try again later.
   */
  async backgroundSync() {
    const outcome = await this.syncNow('background');
    if (!outcome.ok && !outcome.skipped) throw Object.assign(new Error(outcome.error?.message ?? 'sync failed'), outcome.error ?? {});
    return outcome;
  }

  /** Let go of the database and the lead (tests; a tab switching users). */
  close() {
    return this.detach();
  }
}

/**
 * Open the client: the last signed-in user's database (offline), or nobody.
 * @param {ClientOptions} [options]
 * @returns {Promise<Client>}
 */
export async function openClient(options = {}) {
  const o = { storage: globalThis.localStorage ?? null, indexedDB: globalThis.indexedDB, ...options };
  const client = new Client(o);
  const resumed = await session.resume(o.storage, o.indexedDB);
  if (resumed) await client.attach(resumed.db, resumed.user);
  return client;
}

export { Client };
