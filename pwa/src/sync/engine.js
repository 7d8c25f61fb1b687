// The sync engine of the leader tab (or of the service worker when no window is open): one
// sync at a time (push, blob upload, pull, inbox), started by launch, 'online', the page
// becoming visible, a minute's tick while visible, a new op, and Background Sync. Each
// step runs whatever the one before met, unless the server is out of reach: a push the
// server refuses must not keep the pull (its acks, a reset) or the inbox from coming. A
// reset renumbers the queue (pull.js), and the sync then goes round once more. A failure
// backs off, 1 s doubling to 5 min with jitter, so a hospital's phones coming back from a
// server outage do not all knock at once; a 503's Retry-After is respected on top.
// Progress (rows and pages pulled, ops sent, bytes uploaded) goes out with the status.
import { done, settle } from '../db/schema.js';
import { ApiError } from './api.js';
import { collectBlobs, uploadPending } from './blobs.js';
import { countPending, pending as pendingOps, readMeta, writeMeta } from './outbox.js';
import { pull } from './pull.js';
import { push } from './push.js';
import { purgeRetained } from './retained.js';

export const FIRST_DELAY_MS = 1_000;
export const MAX_DELAY_MS = 5 * 60_000;
export const TICK_MS = 60_000;
/** Ops the server holds but a pull has not acknowledged yet (on PostgreSQL a transaction
 * open anywhere holds the pull's horizon back): pull again after this, doubling, rather
 * than leave the phone saying "not sent" until the next minute. */
export const SETTLE_FIRST_MS = 1_000;
export const SETTLE_MAX_MS = 30_000;
const SETTLED = new Set(['applied', 'duplicate', 'conflict', 'rejected']);
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

/** Storage this full (used over quota) warns the user and frees what the server holds. */
export const STORAGE_SHORT = 0.8;

/**
 * @typedef {{phase: 'push', sent: number, total: number}
 *   | {phase: 'upload', sent: number, total: number}
 *   | {phase: 'pull', pages: number, rows: number, first: boolean}} Progress
 *   push: ops sent of those due; upload: bytes the server holds of the blobs due;
 *   pull: pages and rows so far, first: a first sync (or after a reset), the whole scope
 * @typedef {{state: 'idle' | 'syncing' | 'offline' | 'error', pending: number,
 *   lastSync: string | null, error: ReturnType<ApiError['toJSON']> | null,
 *   progress?: Progress | null}} Status
 * @typedef {{ok: boolean, skipped?: boolean, reason: string, error?: ApiError,
 *   pushed?: number, pulled?: number, acked?: number, renumbered?: number}} Outcome
 */

/** @param {unknown} error */
const asApiError = (error) => (error instanceof ApiError ? error
  : new ApiError({ kind: 'http', code: 'client_error', message: String(/** @type {any} */ (error)?.message ?? error) }));

/** No answer from the server, or no sign-in: the other steps would fail the same way. */
const unreachable = (/** @type {ApiError} */ error) => error.offline || error.signedOut;

/**
 * Whether the origin's storage is nearly full.
 * @param {(() => Promise<{usage?: number, quota?: number}>) | null} estimate
 */
async function storageShort(estimate) {
  try {
    const { usage, quota } = (await estimate?.()) ?? {};
    return Boolean(quota) && Number(usage) / Number(quota) >= STORAGE_SHORT;
  } catch {
    return false;
  }
}

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
 * @param {IDBDatabase | import('../db/connection.js').Connection} options.db a Connection
 *   is opened again when lost under a sync, and the sync run once more
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
    estimate = globalThis.navigator?.storage?.estimate ? () => globalThis.navigator.storage.estimate() : null,
  } = /** @type {Record<string, any>} */ (env);

  /** @type {Status} */
  let status = { state: 'idle', pending: 0, lastSync: null, error: null, progress: null };
  /** @type {Promise<Outcome> | null} */
  let running = null;
  /** @type {Promise<Outcome> | null} */
  let queued = null;
  let failures = 0;
  let retryAt = 0;
  /** @type {any} */
  let retryTimer = null;
  /** @type {any} */
  let settleTimer = null;
  let settleWait = SETTLE_FIRST_MS;
  /** @type {any} */
  let tickTimer = null;
  let stopped = false;

  const emit = (/** @type {Partial<Status>} */ change) => {
    status = { ...status, ...change };
    onStatus(status);
  };

  const progress = (/** @type {Progress} */ value) => emit({ progress: value });

  /**
   * A pull; when the disk has no room for a page (its acks went anyway), free the bytes of
   * blobs the server holds and try once more.
   */
  async function pullMakingRoom() {
    const options = { onPage: (/** @type {Set<string>} */ types) => onChange([...types]), onProgress: (/** @type {any} */ p) => progress({ phase: 'pull', ...p }), now };
    try {
      return await pull(db, api, options);
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'storage_full') throw error;
      onChange(['outbox']);
      await collectBlobs(db, { now, short: true });
      return pull(db, api, options);
    }
  }

  /**
   * Push, upload, pull: each step whatever the one before met, unless the server is out of
   * reach. Errors of the protocol are collected; a storage failure is thrown.
   * @param {ApiError[]} errors
   */
  async function round(errors) {
    const pushed = await push(db, api, { onProgress: (p) => progress({ phase: 'push', ...p }), now });
    if (pushed.error) errors.push(pushed.error);
    if (pushed.error && unreachable(pushed.error)) return { pushed, pulled: null };
    try {
      await uploadPending(db, api, { onProgress: (p) => progress({ phase: 'upload', ...p }) });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      errors.push(error);
      if (unreachable(error)) return { pushed, pulled: null };
    }
    try {
      const pulled = await pullMakingRoom();
      if (pulled.acked > 0 || pulled.renumbered > 0) onChange(['outbox']);
      return { pushed, pulled };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      errors.push(error);
      return { pushed, pulled: null };
    }
  }

  /** One sync; throws what is not the server's answer (the database closing under it). */
  async function once() {
    /** @type {ApiError[]} */
    const errors = [];
    emit({ state: 'syncing', pending: await countPending(db), progress: null });
    let { pushed, pulled } = await round(errors);
    const sent = pushed.sent;
    let acked = pulled?.acked ?? 0;
    const renumbered = (pulled?.renumbered ?? 0) + pushed.renumbered;
    if (pulled?.renumbered) {
      // A reset put the queue (and the ops acknowledged lately) into a new stream: send it.
      ({ pushed, pulled } = await round(errors));
      acked += pulled?.acked ?? 0;
    }
    if (!errors.some(unreachable)) {
      try {
        await writeInbox(db, await api.get('/api/v1/sync/inbox'));
        onChange(['inbox']);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        errors.push(error);
      }
    }
    await collectBlobs(db, { now, short: await storageShort(estimate) });
    await purgeRetained(db, { now });
    return { errors, sent, pulled: pulled?.changes ?? 0, acked, renumbered };
  }

  /** @param {string} reason @returns {Promise<Outcome>} */
  async function run(reason) {
    try {
      const result = await (db.run ? db.run(once) : once());
      if (result.errors.length > 0) throw result.errors[0];
      failures = 0;
      retryAt = 0;
      const lastSync = now().toISOString();
      await writeMeta(db, 'last_sync', lastSync);
      await followUnacked();
      emit({ state: 'idle', pending: await countPending(db), lastSync, error: null, progress: null });
      return { ok: true, reason, pushed: result.sent, pulled: result.pulled, acked: result.acked, renumbered: result.renumbered };
    } catch (caught) {
      const error = asApiError(caught);
      if (!(caught instanceof ApiError)) console.error('sync failed', caught);
      const code = /** @type {any} */ (caught)?.code;
      if (code === 'storage_lost' || code === 'storage_full') error.code = code;
      failures += 1;
      if (!error.signedOut && !stopped) {
        const wait = Math.max(backoffDelay(failures, random), (error.retryAfter ?? 0) * 1000);
        retryAt = now().getTime() + wait;
        if (retryTimer) cancel(retryTimer);
        retryTimer = later(() => { retryTimer = null; sync('retry'); }, wait);
      }
      const pending = await countPending(db).catch(() => status.pending);
      emit({ state: error.offline ? 'offline' : 'error', pending, error: error.toJSON(), progress: null });
      return { ok: false, reason, error };
    }
  }

  /** After a sync: when the server answered ops that no pull has acknowledged yet, pull
   * again soon (1 s, doubling to 30 s), until every answered op is acknowledged. */
  async function followUnacked() {
    const ops = /** @type {Array<{result?: {status: string}}>} */ (await pendingOps(db).catch(() => []));
    const awaiting = ops.some((op) => op.result && SETTLED.has(op.result.status));
    if (settleTimer) cancel(settleTimer);
    settleTimer = null;
    if (!awaiting || stopped) {
      settleWait = SETTLE_FIRST_MS;
      return;
    }
    const wait = settleWait;
    settleWait = Math.min(SETTLE_MAX_MS, settleWait * 2);
    settleTimer = later(() => { settleTimer = null; sync('settle'); }, wait);
  }

  /**
   * Sync now, or join the sync running (one more runs after it: ops queued meanwhile).
   * @param {string} [reason] launch, online, visible, interval, change, manual, background, retry, settle
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
      if (settleTimer) cancel(settleTimer);
      tickTimer = retryTimer = settleTimer = null;
      await running?.catch(() => {});
    },
  };
}

/** @typedef {ReturnType<typeof createEngine>} Engine */
