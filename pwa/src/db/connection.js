// The user's database as the app holds it: one IndexedDB connection that can be lost and
// opened again. WebKit closes a backgrounded page's connections ("InvalidStateError: The
// database connection is closing", or transactions failing with UnknownError); the app
// then finds out at its next transaction. `run(action)` opens the database again and runs
// the action once more; failing twice, it throws `storage_lost` (the screens ask for a
// reload). Storage running out is told apart too: `storage_full`.
import { openDatabase } from './schema.js';

/** @param {unknown} error */
export function isQuotaError(error) {
  const e = /** @type {any} */ (error);
  return e?.name === 'QuotaExceededError' || e?.code === 22 || e?.code === 'storage_full';
}

/** The connection is gone (closed under the app), not the data: opening again helps. */
export function isConnectionLost(/** @type {unknown} */ error) {
  const name = /** @type {any} */ (error)?.name;
  return name === 'InvalidStateError' || name === 'UnknownError';
}

/**
 * An error with a stable code for the screens (storage_lost, storage_full).
 * @param {string} code
 * @param {string} message
 * @param {unknown} cause
 */
export function storageError(code, message, cause) {
  return Object.assign(new Error(message, { cause }), { code });
}

export class Connection {
  /**
   * @param {string} name
   * @param {IDBFactory} indexedDB
   * @param {IDBDatabase} db open already
   */
  constructor(name, indexedDB, db) {
    this.name = name;
    this.indexedDB = indexedDB;
    /** @type {IDBDatabase} */
    this.db = db;
    this.closed = false; // closed by the app itself: never reopened
    /** @type {Promise<void> | null} */
    this.reopening = null;
  }

  get version() { return this.db.version; }

  get objectStoreNames() { return this.db.objectStoreNames; }

  /**
   * Like IDBDatabase.transaction, on the connection held now.
   * @param {string | string[]} stores
   * @param {IDBTransactionMode} [mode]
   * @param {IDBTransactionOptions} [options]
   */
  transaction(stores, mode, options) {
    return this.db.transaction(stores, mode, options);
  }

  close() {
    this.closed = true;
    this.db.close();
  }

  /** Open the database again (once, whoever asks meanwhile). */
  reopen() {
    if (!this.reopening) {
      const previous = this.db;
      this.reopening = openDatabase(this.name, this.indexedDB).then((db) => {
        try { previous.close(); } catch { /* gone already */ }
        this.db = db;
      }).finally(() => { this.reopening = null; });
    }
    return this.reopening;
  }

  /**
   * Run `action`; when the connection was lost under it, open it again and run it once
   * more. Only an action that failed is run again, and a failed transaction wrote nothing.
   * @template T
   * @param {() => Promise<T>} action
   * @returns {Promise<T>}
   */
  async run(action) {
    try {
      return await action();
    } catch (error) {
      if (this.closed || !isConnectionLost(error)) throw error;
      try {
        await this.reopen();
        return await action();
      } catch (again) {
        if (!isConnectionLost(again) && !(/** @type {any} */ (again)?.name === 'VersionError')) throw again;
        throw storageError('storage_lost', 'The phone closed the app\'s storage; reload the app.', again);
      }
    }
  }
}

/**
 * Open (creating or upgrading) a database as a Connection.
 * @param {string} name
 * @param {IDBFactory} [indexedDB]
 * @returns {Promise<Connection>}
 */
export async function connect(name, indexedDB = globalThis.indexedDB) {
  return new Connection(name, indexedDB, await openDatabase(name, indexedDB));
}
