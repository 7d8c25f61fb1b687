// What the user did while the app's database could not be reached (its connection lost
// twice: connection.js): the intent, with the op_id and time it was made, is kept in
// localStorage, and queued as an op once the database opens again (after the reload the
// screen asks for). So a closed database never loses a typed note or a step of the work.
import { done, settle } from '../db/schema.js';
import { enqueue } from './outbox.js';

/** @param {string} employeeNo */
const keyOf = (employeeNo) => `rounds:unsaved:${employeeNo}`;

/**
 * @typedef {{op_id: string, name: string, v: number, args: Record<string, unknown>,
 *   blobs: string[], at: string}} Intent
 */

/**
 * @param {Storage | null | undefined} storage
 * @param {string} employeeNo
 * @returns {Intent[]}
 */
export function unsaved(storage, employeeNo) {
  try {
    const found = JSON.parse(storage?.getItem(keyOf(employeeNo)) ?? '[]');
    return Array.isArray(found) ? found : [];
  } catch {
    return [];
  }
}

/**
 * Keep an intent the database could not take.
 * @param {Storage | null | undefined} storage
 * @param {string} employeeNo
 * @param {Intent} intent
 * @returns {boolean} whether it is kept (false: no localStorage either)
 */
export function keepUnsaved(storage, employeeNo, intent) {
  try {
    const kept = unsaved(storage, employeeNo).filter((other) => other.op_id !== intent.op_id);
    storage?.setItem(keyOf(employeeNo), JSON.stringify([...kept, intent]));
    return Boolean(storage);
  } catch {
    return false;
  }
}

/**
 * Whether an op with this op_id is already queued or acknowledged (a transaction that
 * committed though its caller heard an error).
 * @param {IDBDatabase} db
 * @param {string} opId
 */
async function known(db, opId) {
  const tx = db.transaction(['outbox', 'retained'], 'readonly');
  const [queued, retained] = await Promise.all([settle(tx.objectStore('outbox').getAll()), settle(tx.objectStore('retained').get(opId))]);
  await done(tx);
  return Boolean(retained) || queued.some((/** @type {{op_id: string}} */ op) => op.op_id === opId);
}

/**
 * Queue the kept intents, oldest first, each with its own op_id and time.
 * @param {IDBDatabase} db
 * @param {Storage | null | undefined} storage
 * @param {string} employeeNo
 * @returns {Promise<number>} how many were queued now
 */
export async function replayUnsaved(db, storage, employeeNo) {
  const intents = unsaved(storage, employeeNo);
  let queued = 0;
  for (const intent of intents) {
    if (!(await known(db, intent.op_id))) {
      await enqueue(db, intent, { newId: () => intent.op_id, now: () => new Date(intent.at) });
      queued += 1;
    }
    const rest = unsaved(storage, employeeNo).filter((other) => other.op_id !== intent.op_id);
    if (rest.length) storage?.setItem(keyOf(employeeNo), JSON.stringify(rest));
    else storage?.removeItem(keyOf(employeeNo));
  }
  return queued;
}
