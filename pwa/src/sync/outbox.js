// The outbox: ops waiting for the server, in seq order (sync/PROTOCOL.md, "Ops", "Push").
// An op's seq, its place in the hash chain, its stamp and its optimistic effect on the
// view are taken in ONE transaction with storing it, so seqs stay gapless however many
// enqueues race (IndexedDB runs read-write transactions over the same stores one after
// another) and the screens never see an op without its effect or an effect without its op.
// An op leaves the outbox only when a pull acknowledges its seq (acknowledge), for the
// `retained` store (retained.js); what a push answered is kept on the op (`result`) meanwhile.
import { CHAIN_FIELDS, opHashSync } from '../shared/canonical.js';
import { HybridClock, Timestamp, compare } from '../shared/hlc.js';
import { done, settle } from '../db/schema.js';
import { applyNewOp } from './rebase.js';
import { retire } from './retained.js';

/**
 * @typedef {object} Op
 * @property {string} op_id
 * @property {string} incarnation
 * @property {number} seq
 * @property {string} name
 * @property {number} v
 * @property {Record<string, unknown>} args
 * @property {string} client_time
 * @property {string} hlc
 * @property {string[]} blobs
 * @property {string} prev_hash
 * @property {PushResult} [result] local only: what the last push answered
 * @property {boolean} [moved] local only: renumbered into a new incarnation (incarnation.js)
 * @property {string} [acked_at] local only: when a pull first acknowledged it (retained.js)
 */
/**
 * @typedef {{status: 'applied'|'duplicate'|'conflict'|'rejected'|'seq_gap', op_id?: string | null,
 *   code?: string, message?: string, conflict_id?: string, entity_versions?: Record<string, number>,
 *   expected_seq?: number, outcome?: object, at?: string}} PushResult
 */

/**
 * An ISO 8601 time with milliseconds and the local offset: 2026-11-23T03:12:09.512+08:00.
 * @param {Date} date
 * @returns {string}
 */
export function isoWithOffset(date) {
  const offsetMin = -date.getTimezoneOffset();
  const local = new Date(date.getTime() + offsetMin * 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local.toISOString().slice(0, 23)}${sign}${hh}:${mm}`;
}

/**
 * Store a new op, advance the stream and apply the op's effect to `entities`, in one
 * transaction.
 * @param {IDBDatabase} db
 * @param {{name: string, v: number, args: Record<string, unknown>, blobs?: string[]}} intent
 * @param {{clock?: HybridClock, now?: () => Date, newId?: () => string,
 *   onEffect?: (types: string[]) => void}} [options] without a clock, one for the stored
 *   device_id continues from the stamp kept in meta; onEffect hears the types written
 * @returns {Promise<Op>}
 */
export async function enqueue(db, { name, v, args, blobs = [] }, options = {}) {
  const { clock, now = () => new Date(), newId = () => globalThis.crypto.randomUUID() } = options;
  const tx = db.transaction(['meta', 'outbox', 'entities', ...(blobs.length ? ['blobs'] : [])], 'readwrite');
  const committed = done(tx);
  const meta = tx.objectStore('meta');
  try {
    const [incarnation, nextSeq, lastHash, lastHlc, deviceId, user] = await Promise.all(
      ['incarnation', 'next_seq', 'last_hash', 'last_hlc', 'device_id', 'user'].map((key) => settle(meta.get(key))),
    );
    const at = now();
    const stored = lastHlc ? Timestamp.parse(lastHlc) : null;
    let ticking = clock;
    if (!ticking) {
      if (!deviceId) throw new Error('no device_id in meta: sign in before queuing ops');
      ticking = new HybridClock(deviceId, stored);
    } else if (stored && stored.node === ticking.node && compare(stored, ticking.last) > 0) {
      ticking.last = stored; // a fresh clock after a restart carries on from the stored stamp
    }
    /** @type {Op} */
    const op = {
      op_id: newId(),
      incarnation,
      seq: nextSeq,
      name,
      v,
      args,
      client_time: isoWithOffset(at),
      hlc: ticking.tick(at.getTime()).toString(),
      blobs,
      prev_hash: lastHash,
    };
    const hash = opHashSync(/** @type {Record<string, unknown>} */ (/** @type {unknown} */ (op)));
    tx.objectStore('outbox').add(op);
    meta.put(nextSeq + 1, 'next_seq');
    meta.put(hash, 'last_hash');
    meta.put(op.hlc, 'last_hlc');
    if (blobs.length) markNamed(tx.objectStore('blobs'), blobs);
    let types = [];
    try {
      types = await applyNewOp(tx, op, user);
    } catch (error) {
      // A bug in an effect must not lose what the user did: the op is kept, and the next
      // pull's rebase recomputes the view.
      if (error instanceof DOMException) throw error;
      console.warn('optimistic effect failed', name, error);
    }
    await committed;
    options.onEffect?.(types);
    return op;
  } catch (error) {
    try { tx.abort(); } catch { /* already finished */ }
    await committed.catch(() => {});
    throw error;
  }
}

/**
 * Mark the blobs an op names, so they are uploaded even once the op is acknowledged.
 * @param {IDBObjectStore} store
 * @param {string[]} shas
 */
function markNamed(store, shas) {
  for (const sha of shas) {
    const request = store.get(sha);
    request.onsuccess = () => {
      if (request.result && !request.result.named) store.put({ ...request.result, named: true });
    };
  }
}

/**
 * The op as it travels: exactly the protocol's fields, without local bookkeeping.
 * @param {Op} op
 * @returns {Record<string, unknown>}
 */
export function wireOp(op) {
  return Object.fromEntries(CHAIN_FIELDS.map((key) => [key, /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (op))[key]]));
}

/**
 * Keep each push result on its op; ops acknowledged meanwhile stay gone.
 * @param {IDBDatabase} db
 * @param {Array<[number, PushResult | undefined]>} results by seq (undefined: forget the result)
 * @returns {Promise<void>}
 */
export async function storeResults(db, results) {
  const tx = db.transaction('outbox', 'readwrite');
  const committed = done(tx);
  const store = tx.objectStore('outbox');
  const rows = await Promise.all(results.map(([seq]) => settle(store.get(seq))));
  results.forEach(([, result], i) => {
    const row = rows[i];
    if (!row) return;
    if (result) row.result = result;
    else delete row.result;
    store.put(row);
  });
  await committed;
}

/**
 * How many ops wait for an ack.
 * @param {IDBDatabase} db
 * @returns {Promise<number>}
 */
export async function countPending(db) {
  return settle(db.transaction('outbox', 'readonly').objectStore('outbox').count());
}

/**
 * The ops not yet acknowledged, in seq order.
 * @param {IDBDatabase} db
 * @returns {Promise<Op[]>}
 */
export async function pending(db) {
  const tx = db.transaction('outbox', 'readonly');
  return settle(tx.objectStore('outbox').getAll());
}

/**
 * Let the ops whose seq is at most lastSeq (a pull's acks.last_seq) go from the outbox into
 * `retained` (without `keep`: deleted, when the disk is full).
 * @param {IDBDatabase} db
 * @param {number} lastSeq
 * @param {{keep?: boolean, now?: () => Date}} [options]
 * @returns {Promise<number>} how many ops were removed
 */
export async function acknowledge(db, lastSeq, { keep = true, now = () => new Date() } = {}) {
  const tx = db.transaction(keep ? ['outbox', 'retained'] : ['outbox'], 'readwrite');
  const committed = done(tx);
  /** @type {Op[]} */
  const ops = await settle(tx.objectStore('outbox').getAll(IDBKeyRange.upperBound(lastSeq)));
  retire(tx, ops, { at: now().toISOString(), keep });
  await committed;
  return ops.length;
}

/**
 * Read one meta value.
 * @param {IDBDatabase} db
 * @param {string} key
 * @returns {Promise<unknown>}
 */
export async function readMeta(db, key) {
  return settle(db.transaction('meta', 'readonly').objectStore('meta').get(key));
}

/**
 * Write one meta value (device_id at login, cursor after a pull).
 * @param {IDBDatabase} db
 * @param {string} key
 * @param {unknown} value
 * @returns {Promise<void>}
 */
export async function writeMeta(db, key, value) {
  const tx = db.transaction('meta', 'readwrite');
  tx.objectStore('meta').put(value, key);
  await done(tx);
}
