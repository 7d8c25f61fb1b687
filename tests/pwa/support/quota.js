// A small disk for fake-indexeddb: once the bytes written to a database pass a budget, a
// put or an add throws QuotaExceededError, as a browser's do when the origin's quota is
// used up. Deletes and clears free what they held once their transaction commits. A write
// is refused on its own size, even when it replaces a row: a full disk refuses any write.
import 'fake-indexeddb/auto';
import { IDBKeyRange, IDBObjectStore, indexedDB } from 'fake-indexeddb';

/** @param {unknown} value */
function sizeOf(value) {
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return value.byteLength;
  if (Array.isArray(value)) return value.reduce((n, item) => n + sizeOf(item), 8);
  if (value && typeof value === 'object') {
    return Object.entries(value).reduce((n, [key, item]) => n + key.length + sizeOf(item), 8);
  }
  return String(value).length + 8;
}

function keyOf(store, value, key) {
  if (key !== undefined) return key;
  const path = store.keyPath;
  return Array.isArray(path) ? path.map((p) => value[p]) : value[path];
}

/**
 * Limit the databases named `name` to `budget` bytes (Infinity until lowered).
 * @param {string} name
 * @param {number} [budget]
 */
export function limitStorage(name, budget = Infinity) {
  /** @type {Map<string, Map<string, {key: unknown, size: number}>>} store -> rows */
  const stores = new Map();
  const pendingByTx = new WeakMap();
  const original = { put: IDBObjectStore.prototype.put, add: IDBObjectStore.prototype.add, delete: IDBObjectStore.prototype.delete, clear: IDBObjectStore.prototype.clear };
  const limit = {
    budget,
    get used() {
      let total = 0;
      for (const rows of stores.values()) for (const row of rows.values()) total += row.size;
      return total;
    },
    /** navigator.storage.estimate() of this disk. */
    estimate: async () => ({ usage: limit.used, quota: Number.isFinite(limit.budget) ? limit.budget : 10 ** 12 }),
    restore() {
      Object.assign(IDBObjectStore.prototype, original);
    },
  };

  const ours = (store) => store.transaction.db.name === name;
  const rowsOf = (store) => {
    if (!stores.has(store.name)) stores.set(store.name, new Map());
    return stores.get(store.name);
  };
  /** Changes apply when the transaction commits: an aborted one wrote nothing. */
  const later = (store, change) => {
    const tx = store.transaction;
    if (!pendingByTx.has(tx)) {
      pendingByTx.set(tx, []);
      tx.addEventListener('complete', () => { for (const apply of pendingByTx.get(tx)) apply(); });
    }
    pendingByTx.get(tx).push(change);
  };
  const pendingSize = (tx) => (pendingByTx.get(tx) ?? []).reduce((n, change) => n + (change.size ?? 0), 0);

  const write = (method) => function (value, key) {
    if (!ours(this)) return original[method].call(this, value, key);
    const size = sizeOf(value);
    if (limit.used + pendingSize(this.transaction) + size > limit.budget) {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    }
    const request = original[method].call(this, value, key);
    const primary = keyOf(this, value, key);
    const rows = rowsOf(this);
    const apply = () => rows.set(JSON.stringify(primary), { key: primary, size });
    later(this, Object.assign(apply, { size }));
    return request;
  };
  IDBObjectStore.prototype.put = write('put');
  IDBObjectStore.prototype.add = write('add');
  IDBObjectStore.prototype.delete = function (query) {
    const request = original.delete.call(this, query);
    if (ours(this)) {
      const rows = rowsOf(this);
      later(this, () => {
        for (const [k, row] of rows) {
          const hit = query instanceof IDBKeyRange ? query.includes(row.key) : indexedDB.cmp(row.key, query) === 0;
          if (hit) rows.delete(k);
        }
      });
    }
    return request;
  };
  IDBObjectStore.prototype.clear = function () {
    const request = original.clear.call(this);
    if (ours(this)) later(this, () => rowsOf(this).clear());
    return request;
  };
  return limit;
}
