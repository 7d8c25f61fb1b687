// The one IndexedDB schema of the field app. Each version is one step in `upgrade`, run in
// order from the version a phone has; a step is never edited once released, only added.

export const DB_NAME = 'rounds';
export const DB_VERSION = 1;

/**
 * @param {IDBDatabase} db
 * @param {IDBTransaction} tx the versionchange transaction
 * @param {number} oldVersion
 */
export function upgrade(db, tx, oldVersion) {
  if (oldVersion < 1) {
    // meta: key-value (incarnation, device_id, next_seq, last_hash, last_hlc, cursor).
    const meta = db.createObjectStore('meta');
    db.createObjectStore('outbox', { keyPath: 'seq' });
    db.createObjectStore('entities', { keyPath: ['type', 'id'] });
    // A store created afresh is a new incarnation (PROTOCOL.md): seq from 1, empty chain.
    meta.put(globalThis.crypto.randomUUID(), 'incarnation');
    meta.put(1, 'next_seq');
    meta.put('', 'last_hash');
    meta.put(null, 'last_hlc');
    meta.put(null, 'cursor');
  }
}

/**
 * Open (creating or upgrading) the database.
 * @param {string} [name]
 * @param {IDBFactory} [indexedDB]
 * @returns {Promise<IDBDatabase>}
 */
export function openDatabase(name = DB_NAME, indexedDB = globalThis.indexedDB) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, DB_VERSION);
    request.onupgradeneeded = (event) => {
      const tx = /** @type {IDBTransaction} */ (request.transaction);
      upgrade(request.result, tx, event.oldVersion);
    };
    request.onsuccess = () => {
      const db = request.result;
      // Another tab wants a newer schema: let it, this tab reloads on its next open.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    request.onerror = () => reject(request.error);
    // onblocked: another tab still holds an older version; the open waits until it closes.
  });
}

/**
 * Resolve when the request succeeds.
 * @template T
 * @param {IDBRequest<T>} request
 * @returns {Promise<T>}
 */
export function settle(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * Resolve when the transaction commits (reject when it aborts).
 * @param {IDBTransaction} tx
 * @returns {Promise<void>}
 */
export function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}
