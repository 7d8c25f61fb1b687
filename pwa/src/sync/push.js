// Push (sync/PROTOCOL.md, "Push"): the outbox in seq order, in batches the server takes.
// Nothing here ever removes an op: the server's answer is written on the op, and only a
// pull's acks.last_seq lets it go (outbox.acknowledge), so a lost response, a crash or a
// server restored from a backup can never lose what a technician did. A seq_gap is filled
// from the queue, else from the ops acknowledged in the last 14 days (retained.js); a gap
// neither can fill starts a new incarnation (incarnation.js) and the push starts over.
import { isQuotaError } from '../db/connection.js';
import { done, settle } from '../db/schema.js';
import { pending, readMeta, storeResults, wireOp } from './outbox.js';
import { ApiError } from './api.js';
import { RENUMBER_STORES, renumber } from './incarnation.js';
import { retainedOps } from './retained.js';

/** At most this many ops per push (PROTOCOL.md; 413 batch_too_large names the limit). */
export const MAX_OPS_PER_PUSH = 500;
/** The server takes 8 MiB; stay under it with room for the envelope. */
export const MAX_PUSH_BYTES = 7 * 1024 * 1024;
/** Answers that settle an op: the server holds it, pushing it again would only say duplicate. */
const SETTLED = new Set(['applied', 'duplicate', 'conflict', 'rejected']);

/** @typedef {import('./outbox.js').Op} Op */
/** @typedef {import('./outbox.js').PushResult} PushResult */
/**
 * @typedef {object} PushOutcome
 * @property {number} sent ops sent (resends included)
 * @property {Record<string, number>} statuses how many of each answer
 * @property {ApiError | null} error why the push stopped early (network, 503, ...): back off
 * @property {number} renumbered ops moved into a new incarnation (0: none)
 * @typedef {{sent: number, total: number}} PushProgress
 */

/**
 * The ops of one batch, within the count and byte limits.
 * @param {Op[]} ops from the first to send, in seq order
 * @param {number} limit
 * @returns {Op[]}
 */
function batchOf(ops, limit) {
  const batch = [];
  let bytes = 0;
  for (const op of ops.slice(0, limit)) {
    const size = new TextEncoder().encode(JSON.stringify(wireOp(op))).length + 1;
    if (batch.length > 0 && bytes + size > MAX_PUSH_BYTES) break;
    batch.push(op);
    bytes += size;
  }
  return batch;
}

/**
 * The retained ops of this stream from `expected` up to the queue's first, when they fill
 * the gap without a hole; else null.
 * @param {IDBDatabase} db
 * @param {Op[]} queued
 * @param {number} expected
 * @returns {Promise<Op[] | null>}
 */
async function gapFiller(db, queued, expected) {
  const incarnation = await readMeta(db, 'incarnation');
  const upTo = queued[0]?.seq ?? Infinity;
  const tx = db.transaction('retained', 'readonly');
  const found = await retainedOps(tx, (op) => op.incarnation === incarnation && op.seq >= expected && op.seq < upTo);
  found.sort((a, b) => a.seq - b.seq);
  const whole = found.length > 0 && found.every((op, i) => op.seq === expected + i)
    && (upTo === Infinity || found[found.length - 1].seq === upTo - 1);
  return whole ? found : null;
}

/**
 * A gap nothing on the phone fills: the server lost ops it will never get. What it still
 * lacks (retained ops of this stream from `expected`, and the queue) goes into a new stream.
 * @param {IDBDatabase} db
 * @param {number} expected
 * @returns {Promise<Op[]>} the queue, renumbered
 */
async function startOver(db, expected) {
  const tx = db.transaction([...RENUMBER_STORES], 'readwrite');
  const committed = done(tx);
  try {
    const incarnation = await settle(tx.objectStore('meta').get('incarnation'));
    const revived = await retainedOps(tx, (op) => op.incarnation === incarnation && op.seq >= expected);
    const { ops } = await renumber(tx, { reason: 'seq_gap', revived });
    await committed;
    return ops;
  } catch (error) {
    try { tx.abort(); } catch { /* already finished */ }
    await committed.catch(() => {});
    throw error;
  }
}

/**
 * Push the outbox: from the first op the server has not settled, in seq order.
 * @param {IDBDatabase} db
 * @param {import('./api.js').Api} api
 * @param {{limit?: number, now?: () => Date, onProgress?: (progress: PushProgress) => void}} [options]
 * @returns {Promise<PushOutcome>}
 */
export async function push(db, api, { limit = MAX_OPS_PER_PUSH, now = () => new Date(), onProgress } = {}) {
  /** @type {PushOutcome} */
  const outcome = { sent: 0, statuses: {}, error: null, renumbered: 0 };
  const deviceId = await readMeta(db, 'device_id');
  let ops = /** @type {Op[]} */ (await pending(db));
  // Ops already answered need no resend; the first unanswered one is where to start.
  let from = ops.find((op) => !op.result || !SETTLED.has(op.result.status))?.seq;
  const total = () => ops.filter((op) => op.seq >= (from ?? Infinity)).length;
  let goal = total();
  let batchLimit = limit;
  let gaps = 0;
  while (from !== undefined) {
    const start = ops.findIndex((op) => op.seq >= /** @type {number} */ (from));
    if (start < 0) break;
    const batch = batchOf(ops.slice(start), batchLimit);
    let response;
    try {
      response = await api.request('POST', '/api/v1/sync/push', { json: { device_id: deviceId, ops: batch.map(wireOp) } });
    } catch (error) {
      if (error instanceof ApiError && error.code === 'batch_too_large' && batchLimit > 1) {
        batchLimit = Math.max(1, Math.min(Number(error.problem?.limit) || batchLimit, Math.floor(batch.length / 2) || 1));
        continue;
      }
      outcome.error = error instanceof ApiError ? error
        : new ApiError({ kind: 'http', code: 'client_error', message: String(error) });
      return outcome; // 503 with Retry-After, offline, 401 after refresh: the caller backs off
    }
    const at = now().toISOString();
    /** @type {PushResult[]} */
    const results = response?.results ?? [];
    try {
      await storeResults(db, batch.map((op, i) => [op.seq, results[i] ? { ...results[i], at } : undefined]));
    } catch (error) {
      // A full disk cannot keep the answers; the server keeps the ops, and sending them
      // again next time only earns duplicates. The sync goes on to free space.
      if (!isQuotaError(error)) throw error;
    }
    outcome.sent += batch.length;
    for (const result of results) outcome.statuses[result.status] = (outcome.statuses[result.status] ?? 0) + 1;
    onProgress?.({ sent: Math.min(outcome.sent, goal), total: goal });
    const gap = results.find((result) => result.status === 'seq_gap');
    if (gap) {
      // The server misses an earlier seq: resend from the one it names, from the queue or
      // from the ops acknowledged lately (a server restored from a backup lost them).
      const expected = Number(gap.expected_seq);
      gaps += 1;
      const queued = ops.filter((op) => !op.retained);
      const filler = ops.some((op) => op.seq === expected) ? [] : await gapFiller(db, queued, expected);
      if (gaps > 3 || (filler === null && outcome.renumbered > 0)) {
        outcome.error = new ApiError({
          kind: 'http',
          status: 409,
          code: 'seq_gap',
          message: `The server expects seq ${expected}, which this phone no longer holds.`,
        });
        return outcome;
      }
      if (filler === null) {
        ops = await startOver(db, expected);
        outcome.renumbered = ops.length;
        from = ops[0]?.seq;
        goal = ops.length;
        outcome.sent = 0;
        continue;
      }
      ops = [...filler.map((op) => ({ ...op, retained: true })), ...queued];
      from = expected;
      goal = total();
      outcome.sent = 0;
      continue;
    }
    if (results.length < batch.length) {
      outcome.error = new ApiError({ kind: 'http', code: 'invalid_response', message: 'The push answered fewer results than ops.' });
      return outcome;
    }
    const last = batch[batch.length - 1].seq;
    from = ops.find((op) => op.seq > last)?.seq;
  }
  return outcome;
}
