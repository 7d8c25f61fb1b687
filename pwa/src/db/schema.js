// The one IndexedDB schema of the field app. Each version is one step in `upgrade`, run in
// order from the version a phone has; a step is never edited once released, only added.

export const DB_NAME = 'rounds';
export const DB_VERSION = 4;

/**
 * @param {IDBDatabase} db
 * @param {IDBTransaction} tx the versionchange transaction
 * @param {number} oldVersion
 */
export function upgrade(db, tx, oldVersion) {
  if (oldVersion < 1) {
    // meta: key-value (incarnation, device_id, next_seq, last_hash, last_hlc, cursor, and
    // from sign-in: user, access_token, refresh_token).
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
  if (oldVersion < 2) {
    // server: rows as the last pull delivered them; entities: the view the screens read,
    // server rows with the pending ops' optimistic effects on top (rebased after each pull).
    const server = db.createObjectStore('server', { keyPath: ['type', 'id'] });
    server.createIndex('type', 'type');
    tx.objectStore('entities').createIndex('type', 'type');
    // Which queued ops name a blob: its chunks stay until none does (src/sync/blobs.js).
    tx.objectStore('outbox').createIndex('blobs', 'blobs', { multiEntry: true });
    // blobs: one row per photo or signature {sha256, mime, size, chunk_size, chunks,
    // uploaded, created_at}; its bytes as ArrayBuffer chunks in blob_chunks until the server
    // holds the blob and every op naming it is acked.
    db.createObjectStore('blobs', { keyPath: 'sha256' });
    db.createObjectStore('blob_chunks', { keyPath: ['sha256', 'index'] });
    // inbox: this device's rejected and conflicting ops as the server last listed them.
    db.createObjectStore('inbox', { keyPath: 'op_id' });
    // cache: read-only extras fetched for offline use (an asset's history), by key.
    db.createObjectStore('cache', { keyPath: 'key' });
  }
  if (oldVersion < 3) {
    // drafts: what the user has typed into a form and not recorded yet, by screen and
    // entity ('note:<work order id>', 'report'), so Back, a reload or a killed tab keep it
    // (src/db/drafts.js). Dropped once the action is stored.
    db.createObjectStore('drafts', { keyPath: 'key' });
    // An asset by the tag on its label, for a scan on any screen (src/app/scan-anywhere.js).
    tx.objectStore('entities').createIndex('tag_code', 'tag_code');
    // retained: ops a pull acknowledged, kept 14 days by op_id (with the seq and incarnation
    // they had), so that a server restored from a backup gets them again (src/sync/retained.js).
    const retained = db.createObjectStore('retained', { keyPath: 'op_id' });
    retained.createIndex('acked_at', 'acked_at');
    retained.createIndex('blobs', 'blobs', { multiEntry: true });
  }
  if (oldVersion < 4) {
    // Stock offline (src/app/views/stock*.js): an item by any of its GTINs for a scan, and
    // the balances, bins, lots and stocktakes of one store or one item without reading the
    // whole type. Rows held before the upgrade are indexed by it.
    const entities = tx.objectStore('entities');
    entities.createIndex('gtins', 'gtins', { multiEntry: true });
    entities.createIndex('store_id', 'store_id');
    entities.createIndex('item_id', 'item_id');
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
  const finished = new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve(undefined);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
  // Taken early, awaited late: a transaction may abort while its writer still waits on a
  // request, which must not count as an unhandled rejection. Awaiting it still throws.
  finished.catch(() => {});
  return /** @type {Promise<void>} */ (finished);
}
