// Schema version 4: items found by any of their GTINs, and stock rows by store and by item,
// for rows pulled before the upgrade as for rows written after it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IDBFactory } from 'fake-indexeddb';
import { DB_VERSION, done, openDatabase, settle } from '../../pwa/src/db/schema.js';
import { pending } from '../../pwa/src/sync/outbox.js';

const INCARNATION = '11111111-2222-4333-8444-555555555555';

/** A phone on schema version 3, as released, holding an item, a balance, a lot and an op. */
function openVersion3(factory, name) {
  return new Promise((resolve, reject) => {
    const request = factory.open(name, 3);
    request.onupgradeneeded = () => {
      const db = request.result;
      const meta = db.createObjectStore('meta');
      const outbox = db.createObjectStore('outbox', { keyPath: 'seq' });
      const entities = db.createObjectStore('entities', { keyPath: ['type', 'id'] });
      db.createObjectStore('server', { keyPath: ['type', 'id'] }).createIndex('type', 'type');
      entities.createIndex('type', 'type');
      entities.createIndex('tag_code', 'tag_code');
      outbox.createIndex('blobs', 'blobs', { multiEntry: true });
      for (const store of ['blobs', 'inbox', 'cache', 'drafts', 'retained']) {
        db.createObjectStore(store, { keyPath: { blobs: 'sha256', inbox: 'op_id', cache: 'key', drafts: 'key', retained: 'op_id' }[store] });
      }
      db.createObjectStore('blob_chunks', { keyPath: ['sha256', 'index'] });
      meta.put(INCARNATION, 'incarnation');
      meta.put(2, 'next_seq');
      outbox.put({ op_id: 'o1', incarnation: INCARNATION, seq: 1, name: 'work_order.note', v: 1, args: { work_order_id: 'w1', text: 'x' }, client_time: '', hlc: '', blobs: [], prev_hash: '' });
      entities.put({ type: 'item', id: 'i1', version: 1, code: 'FLT-00001', gtins: ['09506000134352', '00012345600012'] });
      entities.put({ type: 'stock_balance', id: 'b1', version: 1, store_id: 's1', item_id: 'i1', on_hand: 4 });
      entities.put({ type: 'stock_lot', id: 'l1', version: 1, item_id: 'i1', lot: 'A1' });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

test('upgrading a version-3 database indexes the stock rows it already holds, and new ones', async () => {
  const factory = new IDBFactory();
  (await openVersion3(factory, 'rounds:K0001')).close();
  const db = await openDatabase('rounds:K0001', factory);
  assert.equal(db.version, DB_VERSION);
  const tx = db.transaction('entities', 'readwrite');
  tx.objectStore('entities').put({ type: 'bin', id: 'bin1', version: 1, store_id: 's1', code: 'A-01-01' });
  await done(tx);
  const entities = db.transaction('entities', 'readonly').objectStore('entities');
  assert.deepEqual((await settle(entities.index('gtins').getAll('00012345600012'))).map((r) => r.id), ['i1'], 'by its second GTIN');
  assert.deepEqual((await settle(entities.index('store_id').getAll('s1'))).map((r) => r.id).sort(), ['b1', 'bin1']);
  assert.deepEqual((await settle(entities.index('item_id').getAll('i1'))).map((r) => r.type).sort(), ['stock_balance', 'stock_lot']);
  assert.deepEqual((await pending(db)).map((op) => op.op_id), ['o1'], 'the queued op is still there');
  db.close();
});
