// Push (sync/PROTOCOL.md, "Push"): the outbox in seq order, in batches the server takes.
// Nothing here ever removes an op: the server's answer is written on the op, and only a
// pull's acks.last_seq lets it go (outbox.acknowledge), so a lost response, a crash or a
// server restored from a backup can never lose what a technician did.
import { pending, readMeta, storeResults, wireOp } from './outbox.js';
import { ApiError } from './api.js';

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
 * Push the outbox: from the first op the server has not settled, in seq order.
 * @param {IDBDatabase} db
 * @param {import('./api.js').Api} api
 * @param {{limit?: number, now?: () => Date}} [options]
 * @returns {Promise<PushOutcome>}
 */
export async function push(db, api, { limit = MAX_OPS_PER_PUSH, now = () => new Date() } = {}) {
  /** @type {PushOutcome} */
  const outcome = { sent: 0, statuses: {}, error: null };
  const deviceId = await readMeta(db, 'device_id');
  const ops = /** @type {Op[]} */ (await pending(db));
  // Ops already answered need no resend; the first unanswered one is where to start.
  let from = ops.find((op) => !op.result || !SETTLED.has(op.result.status))?.seq;
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
    await storeResults(db, batch.map((op, i) => [op.seq, results[i] ? { ...results[i], at } : undefined]));
    outcome.sent += batch.length;
    for (const result of results) outcome.statuses[result.status] = (outcome.statuses[result.status] ?? 0) + 1;
    const gap = results.find((result) => result.status === 'seq_gap');
    if (gap) {
      // The server misses an earlier seq: resend from the one it names (once or twice;
      // more means it lost ops this phone no longer holds, which only the desk can mend).
      const expected = Number(gap.expected_seq);
      gaps += 1;
      if (gaps > 3 || !ops.some((op) => op.seq === expected)) {
        outcome.error = new ApiError({
          kind: 'http',
          status: 409,
          code: 'seq_gap',
          message: `The server expects seq ${expected}, which this phone no longer holds.`,
        });
        return outcome;
      }
      from = expected;
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
