// The view the screens read (`entities`) is the server's rows (`server`) with the pending
// ops' optimistic effects on top, in seq order. These helpers keep it so, inside the
// caller's IndexedDB transaction: one op's effect when it is queued (outbox.enqueue), and
// a recomputation of every row a pull or a pending op touches (pull.applyPage). Only
// IndexedDB requests are awaited here, so the transaction stays active throughout.
import { applyEffect, keyOf, needs, touches } from '../shared/effects.js';
import { settle } from '../db/schema.js';

/** @typedef {import('../shared/effects.js').Key} Key */
/** @typedef {import('../shared/effects.js').Row} Row */
/** @typedef {import('./outbox.js').Op} Op */
/** @typedef {{id: string, name?: string, roles?: string[]} | null | undefined} User */

/**
 * A view row: the row with its bookkeeping. `_pending` counts the queued ops that touch it
 * (the screens show "waiting to sync"); `_local` marks a row the server has not sent yet.
 * @param {Row} row
 * @param {Key} key
 * @param {number} pendingOps
 * @param {boolean} local
 * @returns {Row}
 */
function annotate(row, [type, id], pendingOps, local) {
  const out = { ...row, type, id };
  delete out._pending;
  delete out._local;
  if (pendingOps > 0) out._pending = pendingOps;
  if (local) out._local = true;
  return out;
}

/**
 * Read rows not yet in `into` until the ops ask for nothing new (needs may depend on rows).
 * @param {IDBObjectStore} store
 * @param {Op[]} ops
 * @param {Map<string, Row | undefined>} into
 * @param {(key: string) => Row | undefined} lookup what is known so far
 */
async function loadNeeds(store, ops, into, lookup) {
  for (let round = 0; round < 4; round += 1) {
    /** @type {Map<string, Key>} */
    const missing = new Map();
    for (const op of ops) {
      for (const key of needs(op, (type, id) => lookup(keyOf(type, id)))) {
        const k = keyOf(...key);
        if (!into.has(k) && !missing.has(k)) missing.set(k, key);
      }
    }
    if (missing.size === 0) return;
    const rows = await Promise.all([...missing.values()].map((key) => settle(store.get(key))));
    [...missing.keys()].forEach((k, i) => into.set(k, rows[i]));
  }
}

/**
 * Apply one new op's effect to `entities` (the op is already in the outbox of `tx`).
 * @param {IDBTransaction} tx with `entities`
 * @param {Op} op
 * @param {User} user
 * @returns {Promise<string[]>} the types of the rows written
 */
export async function applyNewOp(tx, op, user) {
  const entities = tx.objectStore('entities');
  const keys = touches(op);
  if (keys.length === 0) return [];
  /** @type {Map<string, Row | undefined>} */
  const rows = new Map();
  const current = await Promise.all(keys.map((key) => settle(entities.get(key))));
  keys.forEach((key, i) => rows.set(keyOf(...key), current[i]));
  await loadNeeds(entities, [op], rows, (k) => rows.get(k));
  const ctx = { user, get: (/** @type {string} */ type, /** @type {string} */ id) => rows.get(keyOf(type, id)) };
  for (const key of keys) {
    const before = rows.get(keyOf(...key));
    const after = applyEffect(op, key, before, ctx);
    if (after) entities.put(annotate(after, key, (before?._pending ?? 0) + 1, before ? Boolean(before._local) : true));
    else if (before) entities.delete(key);
  }
  return [...new Set(keys.map(([type]) => type))];
}

/**
 * Recompute rows of `entities` as server row + pending effects in seq order: the rows
 * named in `extra` (a pull's changes, the rows of ops just acknowledged) and every row a
 * pending op touches.
 * @param {IDBTransaction} tx with `server` and `entities`
 * @param {Iterable<Key>} extra
 * @param {Op[]} pendingOps in seq order
 * @param {User} user
 * @param {Map<string, Row | null>} [serverRows] server rows the caller already holds
 *   (null: none), to spare the reads
 * @returns {Promise<Set<string>>} the types of the rows recomputed
 */
export async function rebase(tx, extra, pendingOps, user, serverRows = new Map()) {
  const server = tx.objectStore('server');
  const entities = tx.objectStore('entities');
  /** @type {Map<string, Key>} */
  const affected = new Map();
  for (const key of extra) affected.set(keyOf(...key), key);
  for (const op of pendingOps) for (const key of touches(op)) affected.set(keyOf(...key), key);

  /** @type {Map<string, Row | undefined>} */
  const work = new Map();
  const toRead = [...affected].filter(([k]) => !serverRows.has(k));
  const read = await Promise.all(toRead.map(([, key]) => settle(server.get(key))));
  toRead.forEach(([k], i) => work.set(k, read[i]));
  for (const [k] of affected) if (serverRows.has(k)) work.set(k, serverRows.get(k) ?? undefined);
  /** @type {Set<string>} rows the server holds, before the effects */
  const onServer = new Set([...work].filter(([, row]) => row !== undefined).map(([k]) => k));

  // Rows the effects consult but do not write come from the view as it stands.
  /** @type {Map<string, Row | undefined>} */
  const consulted = new Map();
  const lookup = (/** @type {string} */ k) => (work.has(k) ? work.get(k) : consulted.get(k));
  await loadNeeds(entities, pendingOps, consulted, lookup);
  for (const k of work.keys()) consulted.delete(k);

  const ctx = { user, get: (/** @type {string} */ type, /** @type {string} */ id) => lookup(keyOf(type, id)) };
  /** @type {Map<string, number>} */
  const counts = new Map();
  for (const op of pendingOps) {
    for (const key of touches(op)) {
      const k = keyOf(...key);
      work.set(k, applyEffect(op, key, work.get(k), ctx));
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  }
  const types = new Set();
  for (const [k, key] of affected) {
    const row = work.get(k);
    if (row) entities.put(annotate(row, key, counts.get(k) ?? 0, !onServer.has(k)));
    else entities.delete(key);
    types.add(key[0]);
  }
  return types;
}
