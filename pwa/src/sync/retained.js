// Acknowledged ops, kept for 14 days (sync/PROTOCOL.md, "Starting a new incarnation").
// An ack says the server holds an op; a server restored from last night's backup no
// longer does. So an op leaving the outbox is kept here, by op_id with the seq and
// incarnation it had, and sent again after a reset or to fill a seq_gap; the photos and
// signatures such ops name keep their bytes too, unless the disk runs short
// (blobs.collectBlobs).
import { CHAIN_FIELDS } from '../shared/canonical.js';
import { done, settle } from '../db/schema.js';

export const RETAIN_MS = 14 * 24 * 3600_000;

/** @typedef {import('./outbox.js').Op} Op */
/** @typedef {Op & {acked_at: string}} RetainedOp */

/**
 * The op as it is kept: its protocol fields, and when it was first acknowledged.
 * @param {Op & {acked_at?: string}} op
 * @param {string} at
 * @returns {RetainedOp}
 */
function keptOf(op, at) {
  const fields = Object.fromEntries(CHAIN_FIELDS.map((key) => [key, /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (op))[key]]));
  // A re-sent op keeps its first ack time: 14 days from then, however often it comes back.
  return /** @type {RetainedOp} */ ({ ...fields, acked_at: op.acked_at ?? at });
}

/**
 * Take acknowledged ops out of the outbox, inside `tx`; with `keep`, into `retained`
 * (false when the disk is full: the ack must free space, not take it).
 * @param {IDBTransaction} tx with `outbox` (and `retained` when keeping)
 * @param {Op[]} ops
 * @param {{at: string, keep?: boolean}} options
 */
export function retire(tx, ops, { at, keep = true }) {
  const outbox = tx.objectStore('outbox');
  const retained = keep ? tx.objectStore('retained') : null;
  for (const op of ops) {
    outbox.delete(op.seq);
    retained?.put(keptOf(op, at));
  }
}

/**
 * Retained ops in the order they were made (their clock stamps; seq within a stream).
 * @param {IDBTransaction} tx with `retained`
 * @param {(op: RetainedOp) => boolean} [which]
 * @returns {Promise<RetainedOp[]>}
 */
export async function retainedOps(tx, which = () => true) {
  /** @type {RetainedOp[]} */
  const rows = await settle(tx.objectStore('retained').getAll());
  return rows.filter(which).sort((a, b) => (a.hlc < b.hlc ? -1 : a.hlc > b.hlc ? 1 : a.seq - b.seq));
}

/**
 * Forget ops acknowledged more than RETAIN_MS ago.
 * @param {IDBDatabase} db
 * @param {{now?: () => Date, retainMs?: number}} [options]
 * @returns {Promise<number>} how many went
 */
export async function purgeRetained(db, { now = () => new Date(), retainMs = RETAIN_MS } = {}) {
  const cutoff = new Date(now().getTime() - retainMs).toISOString();
  const tx = db.transaction('retained', 'readwrite');
  const committed = done(tx);
  const index = tx.objectStore('retained').index('acked_at');
  const keys = await settle(index.getAllKeys(IDBKeyRange.upperBound(cutoff, true)));
  for (const key of keys) tx.objectStore('retained').delete(key);
  await committed;
  return keys.length;
}

/**
 * How many acknowledged ops are kept.
 * @param {IDBDatabase} db
 * @returns {Promise<number>}
 */
export async function countRetained(db) {
  return settle(db.transaction('retained', 'readonly').objectStore('retained').count());
}
