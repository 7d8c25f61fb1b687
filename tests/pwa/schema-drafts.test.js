// Schema version 3: the drafts store, and assets found by their tag. A phone on version 2
// keeps its outbox, its rows and its inbox through the upgrade; drafts are kept per key,
// replaced, listed and dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { DB_VERSION, openDatabase, settle } from '../../pwa/src/db/schema.js';
import { deleteDraft, draftKeys, readDraft, writeDraft } from '../../pwa/src/db/drafts.js';
import { pending, readMeta } from '../../pwa/src/sync/outbox.js';
import { freshDb } from './support/db.js';

const INCARNATION = '11111111-2222-4333-8444-555555555555';

/** A phone on schema version 2, as released, with an op queued, a row and an inbox entry. */
function openVersion2(factory, name) {
  return new Promise((resolve, reject) => {
    const request = factory.open(name, 2);
    request.onupgradeneeded = () => {
      const db = request.result;
      const meta = db.createObjectStore('meta');
      const outbox = db.createObjectStore('outbox', { keyPath: 'seq' });
      const entities = db.createObjectStore('entities', { keyPath: ['type', 'id'] });
      db.createObjectStore('server', { keyPath: ['type', 'id'] }).createIndex('type', 'type');
      entities.createIndex('type', 'type');
      outbox.createIndex('blobs', 'blobs', { multiEntry: true });
      db.createObjectStore('blobs', { keyPath: 'sha256' });
      db.createObjectStore('blob_chunks', { keyPath: ['sha256', 'index'] });
      const inbox = db.createObjectStore('inbox', { keyPath: 'op_id' });
      db.createObjectStore('cache', { keyPath: 'key' });
      meta.put(INCARNATION, 'incarnation');
      meta.put(2, 'next_seq');
      outbox.put({ op_id: 'o1', incarnation: INCARNATION, seq: 1, name: 'work_order.note', v: 1, args: { work_order_id: 'w1', text: 'x' }, client_time: '', hlc: '', blobs: [], prev_hash: '' });
      entities.put({ type: 'work_order', id: 'w1', version: 3, status: 'in_progress' });
      entities.put({ type: 'asset', id: 'a1', version: 1, tag_code: '7K3M9Q2XWD', name: 'Chiller 2' });
      inbox.put({ op_id: 'o0', status: 'rejected', code: 'not_assignee' });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

test('upgrading a version-2 database adds the drafts store and the tag index, and keeps everything else', async () => {
  const factory = new IDBFactory();
  (await openVersion2(factory, 'rounds:T100')).close();
  const db = await openDatabase('rounds:T100', factory);
  assert.equal(db.version, DB_VERSION);
  assert.ok(db.objectStoreNames.contains('drafts'));
  assert.equal(await readMeta(db, 'incarnation'), INCARNATION);
  assert.deepEqual((await pending(db)).map((op) => op.op_id), ['o1'], 'the queued op is still there');
  const tx = db.transaction(['entities', 'inbox'], 'readonly');
  assert.equal((await settle(tx.objectStore('entities').get(['work_order', 'w1']))).status, 'in_progress');
  assert.equal((await settle(tx.objectStore('inbox').get('o0'))).code, 'not_assignee');
  const tagged = await settle(tx.objectStore('entities').index('tag_code').getAll('7K3M9Q2XWD'));
  assert.deepEqual(tagged.map((row) => row.name), ['Chiller 2'], 'rows held before the upgrade are found by tag');
  await writeDraft(db, 'note:w1', { text: 'Fan bearing noisy' });
  db.close();
  const again = await openDatabase('rounds:T100', factory);
  assert.deepEqual((await readDraft(again, 'note:w1')).fields, { text: 'Fan bearing noisy' }, 'a draft outlives the connection');
  again.close();
});

test('a draft is kept per key, replaced as the user types on, listed by screen and dropped', async () => {
  const db = await freshDb();
  assert.equal(await readDraft(db, 'note:w1'), undefined);
  await writeDraft(db, 'note:w1', { text: 'Fan' }, new Date('2026-11-23T03:00:00Z'));
  const later = await writeDraft(db, 'note:w1', { text: 'Fan bearing noisy' }, new Date('2026-11-23T03:00:02Z'));
  await writeDraft(db, 'hold:w1', { reason: 'Waiting for parts' });
  await writeDraft(db, 'note:w2', { text: 'Another order' });
  await writeDraft(db, 'report', { description: 'Leak', priority: '2' });
  assert.deepEqual(await readDraft(db, 'note:w1'), later);
  assert.equal(later.saved_at, '2026-11-23T03:00:02.000Z');
  assert.deepEqual(await draftKeys(db, 'note:'), ['note:w1', 'note:w2']);
  await deleteDraft(db, 'note:w1');
  assert.equal(await readDraft(db, 'note:w1'), undefined);
  assert.deepEqual((await readDraft(db, 'hold:w1')).fields, { reason: 'Waiting for parts' }, 'other drafts stay');
  const all = await settle(db.transaction('drafts', 'readonly').objectStore('drafts').getAllKeys());
  assert.deepEqual(all, ['hold:w1', 'note:w2', 'report']);
  db.close();
});
