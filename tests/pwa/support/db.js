// Databases for the tests: fresh per test (a new fake IndexedDB factory each time).
import 'fake-indexeddb/auto'; // IDBKeyRange and friends as globals, as in a browser
import { IDBFactory } from 'fake-indexeddb';
import { openDatabase, done, settle } from '../../../pwa/src/db/schema.js';

export const DEVICE = '4f1c2b3a-0000-4000-8000-00000000d001';
export const USER = { id: 'u-tech', employee_no: 'T100', name: 'Tess Tech', roles: ['technician'], team_id: 'team-1', department_id: null, site_ids: ['site-1'] };

export async function freshDb({ factory = new IDBFactory(), name = 'rounds-test', user = USER } = {}) {
  const db = await openDatabase(name, factory);
  const tx = db.transaction('meta', 'readwrite');
  tx.objectStore('meta').put(DEVICE, 'device_id');
  tx.objectStore('meta').put(user, 'user');
  await done(tx);
  return db;
}

/** Rows as a pull would have left them: in `server` and, without pending ops, in `entities`. */
export async function seed(db, rows) {
  const tx = db.transaction(['server', 'entities'], 'readwrite');
  for (const row of rows) {
    tx.objectStore('server').put(row);
    tx.objectStore('entities').put(row);
  }
  await done(tx);
}

export async function all(db, store) {
  return settle(db.transaction(store, 'readonly').objectStore(store).getAll());
}

export async function row(db, store, key) {
  return settle(db.transaction(store, 'readonly').objectStore(store).get(key));
}
