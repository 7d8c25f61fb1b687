import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IDBFactory } from 'fake-indexeddb';
import { openDatabase, done, settle } from '../../pwa/src/db/schema.js';
import { enqueue, pending, readMeta, writeMeta } from '../../pwa/src/sync/outbox.js';
import { DEVICE } from './support/db.js';

/** A phone still on schema version 1, as released: meta, outbox, entities. */
function openVersion1(factory, name) {
  return new Promise((resolve, reject) => {
    const request = factory.open(name, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      const meta = db.createObjectStore('meta');
      db.createObjectStore('outbox', { keyPath: 'seq' });
      db.createObjectStore('entities', { keyPath: ['type', 'id'] });
      meta.put('11111111-2222-4333-8444-555555555555', 'incarnation');
      meta.put(1, 'next_seq');
      meta.put('', 'last_hash');
      meta.put(null, 'last_hlc');
      meta.put(null, 'cursor');
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

test('upgrading a version-1 database keeps its incarnation and its outbox', async () => {
  const factory = new IDBFactory();
  const old = await openVersion1(factory, 'rounds:T100');
  await writeMeta(old, 'device_id', DEVICE);
  // Version 1 had no user in meta and no effects: ops only.
  const tx = old.transaction(['meta', 'outbox'], 'readwrite');
  tx.objectStore('outbox').put({ op_id: 'o1', incarnation: '11111111-2222-4333-8444-555555555555', seq: 1, name: 'asset.add_note', v: 1, args: { asset_id: 'a1', text: 'x' }, client_time: '', hlc: '', blobs: ['c'.repeat(64)], prev_hash: '' });
  tx.objectStore('meta').put(2, 'next_seq');
  await done(tx);
  old.close();

  const db = await openDatabase('rounds:T100', factory);
  assert.equal(db.version, 4);
  assert.equal(await readMeta(db, 'incarnation'), '11111111-2222-4333-8444-555555555555');
  assert.deepEqual((await pending(db)).map((op) => op.op_id), ['o1']);
  const next = await enqueue(db, { name: 'asset.add_note', v: 1, args: { asset_id: 'a1', text: 'y' } });
  assert.equal(next.seq, 2, 'the stream continues');
  const outbox = db.transaction('outbox', 'readonly').objectStore('outbox');
  assert.deepEqual([...outbox.indexNames], ['blobs']);
  assert.deepEqual(await settle(outbox.index('blobs').getAllKeys('c'.repeat(64))), [1], 'old ops are indexed by the blobs they name');
  const entities = db.transaction('entities', 'readonly').objectStore('entities');
  assert.deepEqual([...entities.indexNames].sort(), ['gtins', 'item_id', 'store_id', 'tag_code', 'type']);
  const retained = db.transaction('retained', 'readonly').objectStore('retained');
  assert.deepEqual([retained.keyPath, [...retained.indexNames].sort()], ['op_id', ['acked_at', 'blobs']], 'version 3: acknowledged ops are kept');
  db.close();
});

test('a fresh database is a new incarnation; reopening keeps it', async () => {
  const factory = new IDBFactory();
  const a = await openDatabase('rounds:A', factory);
  const b = await openDatabase('rounds:B', factory);
  const incarnation = await readMeta(a, 'incarnation');
  assert.notEqual(incarnation, await readMeta(b, 'incarnation'), 'one stream per user database');
  a.close();
  const again = await openDatabase('rounds:A', factory);
  assert.equal(await readMeta(again, 'incarnation'), incarnation);
  again.close();
  b.close();
});
