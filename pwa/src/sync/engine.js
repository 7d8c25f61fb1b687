// The sync engine of the leader tab: one sync at a time (push, blob upload, pull, inbox),
// started by launch, 'online', the page becoming visible, a minute's tick while visible,
// a new op, and Background Sync (through the service-worker client). A failure backs off,
// 1 s doubling to 5 min with jitter, so a hospital's phones coming back from a server
// outage do not all knock at once; a 503's Retry-After is respected on top.
import { done, settle } from '../db/schema.js';
import { ApiError } from './api.js';
import { collectBlobs, uploadPending } from './blobs.js';
import { countPending, readMeta, writeMeta } from './outbox.js';
import { pull } from './pull.js';
import { push } from './push.js';

export const FIRST_DELAY_MS = 1_000;
export const MAX_DELAY_MS = 5 * 60_000;
export const TICK_MS = 60_000;
/** Triggers that wait for a running backoff; the others (the user, the network) do not. */
const PATIENT = new Set(['interval', 'change']);

/**
 * The wait before retry number `failures`: half fixed, half random.
 * @param {number} failures 1 after the first failure
 * @param {() => number} [random]
 */
export function backoffDelay(failures, random = Math.random) {
  const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(base / 2 + (random() * base) / 2);
}

/**
 * @typedef {{state: 'idle' | 'syncing' | 'offline' | 'error', pending: number,
 *   lastSync: string | null, error: ReturnType<ApiError['toJSON']> | null}} Status
 * @typedef {{ok: boolean, skipped?: boolean, reason: string, error?: ApiError,
 *   pushed?: number, pulled?: number, acked?: number}} Outcome
 */

/**
 * Replace the inbox with the server's list.
 * @param {IDBDatabase} db
 * @param {Array<{op_id: string}>} entries
 */
async function writeInbox(db, entries) {
  const tx = db.transaction('inbox', 'readwrite');
  const store = tx.objectStore('inbox');
  await settle(store.clear());
  for (const entry of entries) store.put(entry);
  await done(tx);
}

/**
 * @param {object} options
 * @param {IDBDatabase} options.db
 * @param {import('./api.js').Api} options.api
 * @param {(status: Status) => void} [options.onStatus]
 * @param {(types: string[]) => void} [options.onChange]
 * @param {object} [options.env] window, document and timers (tests inject fakes)
 */
export function createEngine({ db, api, onStatus = () => {}, onChange = () => {}, env = {} }) {
  const {
    window: win = globalThis.window,
    document: doc = globalThis.document,
    setTimeout: later = globalThis.setTimeout.bind(globalThis),
    clearTimeout: cancel = globalThis.clearTimeout.bind(globalThis),
    setInterval: every = globalThis.setInterval.bind(globalThis),
    clearInterval: stopEvery = globalThis.clearInterval.bind(globalThis),
    random = Math.random,
    now = () => new Date(),
  } = /** @type {Record<string, any>} */ (env);

  /** @type {Status} */
  let status = { state: 'idle', pending: 0, lastSync: null, error: null };
  /** @type {Promise<Outcome> | null} */
  let running = null;
  /** @type {Promise<Outcome> | null} */
  let queued = null;
  let failures = 0;
  let retryAt = 0;
  /** @type {any} */
  let retryTimer = null;
  /** @type {any} */
  let tickTimer = null;
  let stopped = false;

  const emit = (/** @type {Partial<Status>} */ change) => {
    status = { ...status, ...change };
    onStatus(status);
  };

  /** @param {string} reason @returns {Promise<Outcome>} */
  async function run(reason) {
    try {
      emit({ state: 'syncing', pending: await countPending(db) });
      const pushed = await push(db, api);
      if (pushed.error) throw pushed.error;
      await uploadPending(db, api);
      const pulled = await pull(db, api, { onPage: (types) => onChange([...types]) });
      if (pulled.acked > 0) onChange(['outbox']);
      await writeInbox(db, await api.get('/api/v1/sync/inbox'));
      onChange(['inbox']);
      await collectBlobs(db, { now });
      failures = 0;
      retryAt = 0;
      const lastSync = now().toISOString();
      await writeMeta(db, 'last_sync', lastSync);
      emit({ state: 'idle', pending: await countPending(db), lastSync, error: null });
      return { ok: true, reason, pushed: pushed.sent, pulled: pulled.changes, acked: pulled.acked };
    } catch (caught) {
      const error = caught instanceof ApiError ? caught
        : new ApiError({ kind: 'http', code: 'client_error', message: String(caught?.message ?? caught) });
      if (!(caught instanceof ApiError)) console.error('sync failed', caught);
      failures += 1;
      if (!error.signedOut && !stopped) {
        const wait = Math.max(backoffDelay(failures, random), (error.retryAfter ?? 0) * 1000);
        retryAt = now().getTime() + wait;
        if (retryTimer) cancel(retryTimer);
        retryTimer = later(() => { retryTimer = null; sync('retry'); }, wait);
      }
      const pending = await countPending(db).catch(() => status.pending);
      emit({ state: error.offline ? 'offline' : 'error', pending, error: error.toJSON() });
      return { ok: false, reason, error };
    }
  }

  /**
   * Sync now, or join the sync running (one more runs after it: ops queued meanwhile).
   * @param {string} [reason] launch, online, visible, interval, change, manual, background, retry
   * @returns {Promise<Outcome>}
   */
  function sync(reason = 'manual') {
    if (stopped) return Promise.resolve({ ok: false, skipped: true, reason });
    if (PATIENT.has(reason) && now().getTime() < retryAt) {
      return Promise.resolve({ ok: false, skipped: true, reason }); // the retry timer comes
    }
    if (!running) {
      running = run(reason).finally(() => { running = null; });
      return running;
    }
    if (!queued) queued = running.then(() => { queued = null; return sync(reason); });
    return queued;
  }

  const visible = () => !doc || doc.visibilityState !== 'hidden';
  const onOnline = () => sync('online');
  const onVisibility = () => { if (visible()) sync('visible'); };

  return {
    sync,
    /** For the service-worker client: the browser's Background Sync fired. */
    backgroundSync: () => sync('background'),
    status: () => status,
    /** Recount the outbox and tell the listeners (after an op was queued). */
    async refresh() {
      emit({ pending: await countPending(db) });
    },
    /** Listen to the triggers and sync once (launch). */
    start() {
      stopped = false;
      win?.addEventListener?.('online', onOnline);
      doc?.addEventListener?.('visibilitychange', onVisibility);
      tickTimer = every(() => { if (visible()) sync('interval'); }, TICK_MS);
      const launched = sync('launch'); // at once: a caller asking next joins this one
      readMeta(db, 'last_sync').then((stored) => {
        status = { ...status, lastSync: status.lastSync ?? /** @type {string | null} */ (stored) ?? null };
      }, () => {});
      return launched;
    },
    /** Stop listening; a sync running finishes, nothing new starts. */
    async stop() {
      stopped = true;
      win?.removeEventListener?.('online', onOnline);
      doc?.removeEventListener?.('visibilitychange', onVisibility);
      if (tickTimer) stopEvery(tickTimer);
      if (retryTimer) cancel(retryTimer);
      tickTimer = retryTimer = null;
      await running?.catch(() => {});
    },
  };
}

/** @typedef {ReturnType<typeof createEngine>} Engine */
