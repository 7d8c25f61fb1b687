// The client the screens use (docs/field-app.md, "The client the screens use"). It owns
// the signed-in user's database, the api, the leadership and, in the leader tab, the sync
// engine; follower tabs ask the leader over the channel. No DOM rendering here: screens
// call these methods and listen to 'change' and 'status'. 'change' names entity types,
// and also 'outbox' (the queue changed), 'inbox' (the server's list was refreshed) and
// 'session' (signed in or out, here or in another tab).
import { done, settle } from '../db/schema.js';
import { createApi } from './api.js';
import { blobOf, storeBlob } from './blobs.js';
import { deleteDraft, draftKeys, readDraft, writeDraft } from '../db/drafts.js';
import { createEngine } from './engine.js';
import { electLeader, openChannel } from './leader.js';
import { countPending, enqueue, readMeta } from './outbox.js';
import * as session from './session.js';

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
 */

/** @param {string} message @param {string} code @param {Record<string, unknown>} [extra] */
const clientError = (message, code, extra = {}) => Object.assign(new Error(message), { code, ...extra });

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
    if (!this.s) return [];
    const index = this.s.db.transaction('entities', 'readonly').objectStore('entities').index('type');
    const rows = await settle(index.getAll(type));
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
    if (!this.s) return found;
    const store = this.s.db.transaction('entities', 'readonly').objectStore('entities');
    const wanted = [...new Set([...ids].filter(Boolean).map(String))];
    const rows = await Promise.all(wanted.map((id) => settle(store.get([type, id]))));
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
    if (!this.s) return undefined;
    return settle(this.s.db.transaction('entities', 'readonly').objectStore('entities').get([type, String(id)]));
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
    const op = await enqueue(s.db, { name, v, args, blobs }, { onEffect: (written) => { types = [...written, 'outbox']; } });
    this.emit('change', { types });
    s.channel.post({ kind: 'change', types });
    const pending = await countPending(s.db);
    this.emit('status', { ...this.status, pending });
    if (s.leadership.isLeader()) s.engine.sync('change').catch((/** @type {unknown} */ error) => console.error('sync', error));
    else s.channel.post({ kind: 'sync-request', id: globalThis.crypto.randomUUID(), reason: 'change' });
    return op;
  }

  /** @param {ArrayBuffer | ArrayBufferView | Blob} bytes @param {string} mime @returns {Promise<string>} */
  async storeBlob(bytes, mime) {
    return storeBlob(this.need().db, bytes, mime);
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
    let blob = await blobOf(s.db, sha256);
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
    return this.s ? countPending(this.s.db) : 0;
  }

  /** This device's rejected and conflicting ops, with the server's message and advice. */
  async inbox() {
    if (!this.s) return [];
    const rows = await settle(this.s.db.transaction('inbox', 'readonly').objectStore('inbox').getAll());
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
    const stored = await settle(s.db.transaction('cache', 'readonly').objectStore('cache').get(key));
    const age = stored ? Date.now() - Date.parse(stored.fetched_at) : Infinity;
    if (stored && age < maxAgeMs) return stored.value;
    try {
      const value = await fetcher(s.api);
      const tx = s.db.transaction('cache', 'readwrite');
      tx.objectStore('cache').put({ key, value, fetched_at: new Date().toISOString() });
      await done(tx);
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
