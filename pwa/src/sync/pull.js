// Pull (sync/PROTOCOL.md, "Pull"): every page from the stored cursor. Each page is written
// in ONE transaction with its cursor, its acks and the rebase of the view, so a crash
// between pages resumes from the last page written and the screens never see server rows
// without the pending ops' effects on top.
import { done, settle } from '../db/schema.js';
import { keyOf, touches } from '../shared/effects.js';
import { readMeta } from './outbox.js';
import { rebase } from './rebase.js';

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
 * @typedef {{pages: number, changes: number, acked: number, reset: boolean, types: Set<string>}} PullOutcome
 */

/**
 * Clear a store inside the transaction.
 * @param {IDBObjectStore} store
 */
const clear = (store) => settle(store.clear());

/**
 * Write one page: the server rows (the higher version wins), the acks, the rebase, the cursor.
 * @param {IDBDatabase} db
 * @param {Page} page
 * @returns {Promise<{acked: number, types: Set<string>}>}
 */
export async function applyPage(db, page) {
  const tx = db.transaction(['meta', 'server', 'entities', 'outbox'], 'readwrite');
  const committed = done(tx);
  const meta = tx.objectStore('meta');
  const server = tx.objectStore('server');
  const outbox = tx.objectStore('outbox');
  try {
    const user = await settle(meta.get('user'));
    /** @type {Op[]} */
    let ops = await settle(outbox.getAll());
    if (page.reset) {
      // The cursor could not be served: drop the replica, keep every queued op. Their
      // push answers may be from a server since restored, so they are pushed again (a
      // server that has them answers duplicate).
      await Promise.all([clear(server), clear(tx.objectStore('entities'))]);
      for (const op of ops) {
        if (op.result) {
          delete op.result;
          outbox.put(op);
        }
      }
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
    // Ops whose effects are all in what was delivered leave the outbox; their rows are
    // recomputed without them.
    const lastSeq = Number(page.acks?.last_seq ?? 0);
    const acked = ops.filter((op) => op.seq <= lastSeq);
    for (const op of acked) {
      outbox.delete(op.seq);
      keys.push(...touches(op));
    }
    ops = ops.filter((op) => op.seq > lastSeq).sort((a, b) => a.seq - b.seq);
    const types = await rebase(tx, keys, ops, user, serverRows);
    meta.put(page.cursor, 'cursor');
    await committed;
    return { acked: acked.length, types };
  } catch (error) {
    try { tx.abort(); } catch { /* already finished */ }
    await committed.catch(() => {});
    throw error;
  }
}

/**
 * Pull every page from the stored cursor.
 * @param {IDBDatabase} db
 * @param {import('./api.js').Api} api
 * @param {{limit?: number, onPage?: (types: Set<string>) => void}} [options]
 * @returns {Promise<PullOutcome>}
 */
export async function pull(db, api, { limit = PULL_LIMIT, onPage } = {}) {
  /** @type {PullOutcome} */
  const outcome = { pages: 0, changes: 0, acked: 0, reset: false, types: new Set() };
  const incarnation = await readMeta(db, 'incarnation');
  let cursor = /** @type {string | null} */ (await readMeta(db, 'cursor'));
  for (;;) {
    const query = new URLSearchParams({ limit: String(limit) });
    if (cursor) query.set('cursor', cursor);
    // Acks for this database's own stream (a shared phone has one per user).
    if (incarnation) query.set('incarnation', String(incarnation));
    /** @type {Page} */
    const page = await api.request('GET', `/api/v1/sync/pull?${query}`);
    const { acked, types } = await applyPage(db, page);
    outcome.pages += 1;
    outcome.changes += page.changes.length;
    outcome.acked += acked;
    outcome.reset ||= Boolean(page.reset);
    for (const type of types) outcome.types.add(type);
    if (types.size > 0) onPage?.(types);
    cursor = page.cursor;
    if (!page.more) return outcome;
    if (outcome.pages >= MAX_PAGES) throw new Error('pull: too many pages, the server keeps answering more');
  }
}
