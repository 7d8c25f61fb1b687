// The drafts store (schema version 3): what the user typed into a form and has not recorded
// yet, one row per screen and entity: {key: 'note:<work order id>', fields, saved_at}.
import { done, settle } from './schema.js';

/**
 * @typedef {{key: string, fields: Record<string, unknown>, saved_at: string}} Draft
 */

/**
 * @param {IDBDatabase} db
 * @param {string} key
 * @returns {Promise<Draft | undefined>}
 */
export function readDraft(db, key) {
  return settle(db.transaction('drafts', 'readonly').objectStore('drafts').get(key));
}

/**
 * Keep (or replace) the draft under `key`.
 * @param {IDBDatabase} db
 * @param {string} key
 * @param {Record<string, unknown>} fields
 * @param {Date} [at]
 * @returns {Promise<Draft>}
 */
export async function writeDraft(db, key, fields, at = new Date()) {
  const draft = { key, fields, saved_at: at.toISOString() };
  const tx = db.transaction('drafts', 'readwrite');
  tx.objectStore('drafts').put(draft);
  await done(tx);
  return draft;
}

/**
 * @param {IDBDatabase} db
 * @param {string} key
 */
export async function deleteDraft(db, key) {
  const tx = db.transaction('drafts', 'readwrite');
  tx.objectStore('drafts').delete(key);
  await done(tx);
}

/**
 * The keys of the drafts that start with `prefix` (the drafts of one screen).
 * @param {IDBDatabase} db
 * @param {string} prefix
 * @returns {Promise<string[]>}
 */
export async function draftKeys(db, prefix) {
  const range = IDBKeyRange.bound(prefix, `${prefix}\uffff`);
  const keys = await settle(db.transaction('drafts', 'readonly').objectStore('drafts').getAllKeys(range));
  return keys.map(String);
}
