// Pull (sync/PROTOCOL.md, "Pull"): every page from the stored cursor. Each page is written
// in ONE transaction with its cursor, its acks and the rebase of the view, so a crash
// between pages resumes from the last page written and the screens never see server rows
// without the pending ops' effects on top. A reset (the server restored from a backup)
// starts a new incarnation in that same transaction, with the ops acknowledged in the last
// 14 days ahead of the queued ones (incarnation.js, retained.js). A page the disk has no
// room for still lets its acknowledged ops go (applyAcks), which frees space.
import { done, settle } from '../db/schema.js';
import { keyOf, touches } from '../shared/effects.js';
import { ApiError } from './api.js';
import { RENUMBER_STORES, renumber } from './incarnation.js';
import { readMeta } from './outbox.js';
import { rebase } from './rebase.js';
import { retainedOps, retire } from './retained.js';
import { isQuotaError } from '../db/connection.js';

export const PULL_LIMIT = 500;
/** A scope of a million rows is 2000 pages; more means a server answering `more` forever. */
const MAX_PAGES = 5000;

/** @typedef {import('./outbox.js').Op} Op */
/** @typedef {import('../shared/effects.js').Key} Key */
/**
 * @typedef {{type: string, id: string, version: number, deleted: boolean,
 *   data?: Record<string, any> | null}} Change
 * @typedef {{changes: Change[], cursor: string, more: boolean, acks: {last_seq: number},
 *   reset?: boolean}} Page
 * @typedef {{pages: number, changes: number, acked: number, reset: boolean, renumbered: number,
 *   types: Set<string>}} PullOutcome
 * @typedef {{incarnation?: unknown, startedAt?: string, now?: () => Date}} PageContext
 *   incarnation: the stream the page's acks count in (the one the request named);
 *   startedAt: when this pull began, for renumbered ops the server answered duplicate
 * @typedef {{pages: number, rows: number, first: boolean}} PullProgress
 */

/**
 * Clear a store inside the transaction.
 * @param {IDBObjectStore} store
 */
const clear = (store) => settle(store.clear());

/**
 * The queued ops a page acknowledges: up to its acks.last_seq when they count in this
 * database's stream; and, once the last page is in, renumbered ops the server answered
 * duplicate before this pull began (they have no record in their new stream, and their
 * effects were committed before the answer).
 * @param {Op[]} ops
 * @param {Page} page
 * @param {PageContext} context
 * @param {unknown} current this database's incarnation now
 */
function acknowledgedBy(ops, page, context, current) {
  const counts = !page.reset && (context.incarnation === undefined || context.incarnation === current);
  const lastSeq = counts ? Number(page.acks?.last_seq ?? 0) : 0;
  const settledBefore = !page.more && context.startedAt ? context.startedAt : null;
  return ops.filter((op) => op.seq <= lastSeq
    || (settledBefore !== null && op.moved && op.result?.status === 'duplicate' && String(op.result.at ?? '') <= settledBefore));
}

/**
 * Write one page: the server rows (the higher version wins), the acks, the rebase, the cursor.
 * @param {IDBDatabase} db
 * @param {Page} page
 * @param {PageContext} [context]
 * @returns {Promise<{acked: number, types: Set<string>, renumbered: number}>}
 */
export async function applyPage(db, page, context = {}) {
  const at = (context.now?.() ?? new Date()).toISOString();
  const stores = ['server', 'entities', ...RENUMBER_STORES, ...(page.reset ? ['blobs'] : [])];
  const tx = db.transaction(stores, 'readwrite');
  const committed = done(tx);
  const meta = tx.objectStore('meta');
  const server = tx.objectStore('server');
  try {
    const [user, incarnation] = await Promise.all([settle(meta.get('user')), settle(meta.get('incarnation'))]);
    /** @type {Op[]} */
    let ops = await settle(tx.objectStore('outbox').getAll());
    let renumbered = 0;
    if (page.reset) {
      // The cursor could not be served: drop the replica, keep every op. The server may
      // have been restored from a backup, so its stream of this phone may end anywhere:
      // what waits, and what was acknowledged lately, goes again in a new incarnation
      // (the server answers duplicate for the ones it has), and every photo is offered again.
      await Promise.all([clear(server), clear(tx.objectStore('entities'))]);
      const revived = await retainedOps(tx);
      if (revived.length + ops.length > 0) {
        ops = (await renumber(tx, { reason: 'reset', revived, at })).ops;
        renumbered = ops.length;
      }
      await offerBlobsAgain(tx.objectStore('blobs'));
    }
    /** @type {Map<string, Record<string, any> | null>} */
    const serverRows = new Map();
    /** @type {Key[]} */
    const keys = [];
    const stored = await Promise.all(page.changes.map((change) => settle(server.get([change.type, String(change.id)]))));
    page.changes.forEach((change, i) => {
      /** @type {Key} */
      const key = [change.type, String(change.id)];
      const k = keyOf(...key);
      const held = serverRows.has(k) ? serverRows.get(k) : stored[i];
      keys.push(key);
      // A change may arrive more than once: keep the higher version.
      if (held && held.version > change.version) {
        serverRows.set(k, held);
        return;
      }
      if (change.deleted) {
        server.delete(key);
        serverRows.set(k, null);
      } else {
        const row = { ...change.data, type: change.type, id: String(change.id), version: change.version };
        server.put(row);
        serverRows.set(k, row);
      }
    });
    // Ops whose effects are all in what was delivered leave the outbox (kept 14 days in
    // `retained`); their rows are recomputed without them.
    const acked = acknowledgedBy(ops, page, context, page.reset ? undefined : incarnation);
    retire(tx, acked, { at });
    for (const op of acked) keys.push(...touches(op));
    const gone = new Set(acked.map((op) => op.seq));
    ops = ops.filter((op) => !gone.has(op.seq)).sort((a, b) => a.seq - b.seq);
    const types = await rebase(tx, keys, ops, user, serverRows);
    meta.put(page.cursor, 'cursor');
    await committed;
    return { acked: acked.length, types, renumbered };
  } catch (error) {
    try { tx.abort(); } catch { /* already finished */ }
    await committed.catch(() => {});
    throw error;
  }
}

/**
 * Every blob still held is offered to the server again: HEAD tells what it lacks.
 * @param {IDBObjectStore} blobs
 */
async function offerBlobsAgain(blobs) {
  /** @type {import('./blobs.js').BlobRow[]} */
  const rows = await settle(blobs.getAll());
  for (const row of rows) if (row.held && row.uploaded) blobs.put({ ...row, uploaded: false });
}

/**
 * What a page the disk has no room for can still do: let the ops it acknowledges go
 * (deleted, not retained: an ack must free space, not take it). The rows, the view and
 * the cursor stay as they were: the page comes again with the next pull.
 * @param {IDBDatabase} db
 * @param {Page} page
 * @param {PageContext} [context]
 * @returns {Promise<number>} how many ops went
 */
export async function applyAcks(db, page, context = {}) {
  if (page.reset) return 0;
  const tx = db.transaction(['meta', 'outbox'], 'readwrite');
  const committed = done(tx);
  const incarnation = await settle(tx.objectStore('meta').get('incarnation'));
  /** @type {Op[]} */
  const ops = await settle(tx.objectStore('outbox').getAll());
  const acked = acknowledgedBy(ops, page, context, incarnation);
  retire(tx, acked, { at: '', keep: false });
  await committed;
  return acked.length;
}

/**
 * Pull every page from the stored cursor.
 * @param {IDBDatabase} db
 * @param {import('./api.js').Api} api
 * @param {{limit?: number, onPage?: (types: Set<string>) => void,
 *   onProgress?: (progress: PullProgress) => void, now?: () => Date}} [options]
 * @returns {Promise<PullOutcome>}
 */
export async function pull(db, api, { limit = PULL_LIMIT, onPage, onProgress, now = () => new Date() } = {}) {
  /** @type {PullOutcome} */
  const outcome = { pages: 0, changes: 0, acked: 0, reset: false, renumbered: 0, types: new Set() };
  const startedAt = now().toISOString();
  let cursor = /** @type {string | null} */ (await readMeta(db, 'cursor'));
  const first = !cursor;
  for (;;) {
    // Acks for this database's own stream (a shared phone has one per user); read again
    // for every page, as a reset starts a new one.
    const incarnation = await readMeta(db, 'incarnation');
    const query = new URLSearchParams({ limit: String(limit) });
    if (cursor) query.set('cursor', cursor);
    if (incarnation) query.set('incarnation', String(incarnation));
    /** @type {Page} */
    const page = await api.request('GET', `/api/v1/sync/pull?${query}`);
    const context = { incarnation, startedAt, now };
    let written;
    try {
      written = await applyPage(db, page, context);
    } catch (error) {
      if (!isQuotaError(error)) throw error;
      outcome.acked += await applyAcks(db, page, context);
      throw new ApiError({ kind: 'http', code: 'storage_full', message: 'The phone has no room left for what the server sent.' });
    }
    const { acked, types, renumbered } = written;
    outcome.pages += 1;
    outcome.changes += page.changes.length;
    outcome.acked += acked;
    outcome.renumbered += renumbered;
    outcome.reset ||= Boolean(page.reset);
    for (const type of types) outcome.types.add(type);
    if (types.size > 0) onPage?.(types);
    onProgress?.({ pages: outcome.pages, rows: outcome.changes, first: first || outcome.reset });
    cursor = page.cursor;
    if (!page.more) return outcome;
    if (outcome.pages >= MAX_PAGES) throw new Error('pull: too many pages, the server keeps answering more');
  }
}
