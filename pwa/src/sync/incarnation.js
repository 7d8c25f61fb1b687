// Starting a new incarnation (sync/PROTOCOL.md, "Starting a new incarnation"): when the
// server lost ops the phone no longer holds (a seq_gap it cannot fill), was restored from a
// backup (a pull's reset), or the phone's device id changed, the ops still waiting go into
// a fresh stream: a new UUID, seq from 1, the hash chain from empty. Each keeps its op_id
// (so the server answers duplicate for the ones it has), its name, args, times, stamp and
// blobs. Ops and the stream's meta change in ONE transaction: a crash leaves either the old
// stream whole or the new one whole, never an op in neither.
import { opHashSync, GENESIS } from '../shared/canonical.js';
import { settle } from '../db/schema.js';

/** The stores a renumbering writes. */
export const RENUMBER_STORES = Object.freeze(['meta', 'outbox', 'retained']);

/** @typedef {import('./outbox.js').Op} Op */
/** @typedef {'seq_gap' | 'reset' | 'device_changed'} Reason */

/**
 * Renumber, inside `tx`, into a new incarnation: `revived` (retained ops sent again,
 * oldest first) and then every op of the outbox in seq order.
 * @param {IDBTransaction} tx over RENUMBER_STORES
 * @param {{reason: Reason, revived?: Op[], at?: string, newId?: () => string}} options
 * @returns {Promise<{incarnation: string, ops: Op[]}>}
 */
export async function renumber(tx, { reason, revived = [], at = new Date().toISOString(), newId = () => globalThis.crypto.randomUUID() }) {
  const outbox = tx.objectStore('outbox');
  const meta = tx.objectStore('meta');
  /** @type {Op[]} */
  const queued = await settle(outbox.getAll());
  const seen = new Set();
  const ops = [...revived, ...queued].filter((op) => !seen.has(op.op_id) && seen.add(op.op_id));
  const incarnation = newId();
  await settle(outbox.clear());
  let lastHash = GENESIS;
  const moved = ops.map((op, i) => {
    // `moved`: this op has no record in its new stream even when the server holds it.
    /** @type {Op} */
    const next = { ...op, incarnation, seq: i + 1, prev_hash: lastHash, moved: true };
    delete next.result;
    lastHash = opHashSync(/** @type {Record<string, unknown>} */ (/** @type {unknown} */ (next)));
    outbox.add(next);
    return next;
  });
  for (const op of revived) tx.objectStore('retained').delete(op.op_id);
  meta.put(incarnation, 'incarnation');
  meta.put(moved.length + 1, 'next_seq');
  meta.put(lastHash, 'last_hash');
  meta.put({ reason, at, ops: moved.length }, 'incarnation_started');
  return { incarnation, ops: moved };
}
