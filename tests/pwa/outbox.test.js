import { test } from 'node:test';
import assert from 'node:assert/strict';
import 'fake-indexeddb/auto'; // IDBKeyRange, as in a browser
import { IDBFactory } from 'fake-indexeddb';
import { openDatabase, settle } from '../../pwa/src/db/schema.js';
import { acknowledge, enqueue, isoWithOffset, pending, readMeta, writeMeta } from '../../pwa/src/sync/outbox.js';
import { opHash } from '../../pwa/src/shared/canonical.js';
import { HybridClock } from '../../pwa/src/shared/hlc.js';

const DEVICE = '4f1c2b3a-0000-4000-8000-00000000d001';

async function freshDb(factory = new IDBFactory()) {
  const db = await openDatabase('rounds-test', factory);
  await writeMeta(db, 'device_id', DEVICE);
  return db;
}

const note = (i) => ({ name: 'asset.add_note', v: 1, args: { asset_id: 'a1', text: `note ${i}` } });

async function assertChain(ops) {
  let previous = '';
  for (const [index, op] of ops.entries()) {
    assert.equal(op.seq, index + 1, 'seq is gapless from 1');
    assert.equal(op.prev_hash, previous, `prev_hash of seq ${op.seq}`);
    previous = await opHash(op);
  }
}

test('a new database has every store and a fresh incarnation', async () => {
  const db = await freshDb();
  assert.deepEqual(
    [...db.objectStoreNames].sort(),
    ['blob_chunks', 'blobs', 'cache', 'drafts', 'entities', 'inbox', 'meta', 'outbox', 'retained', 'server'],
  );
  assert.equal(db.version, 4);
  assert.match(String(await readMeta(db, 'incarnation')), /^[0-9a-f-]{36}$/);
  assert.equal(await readMeta(db, 'next_seq'), 1);
  assert.equal(await readMeta(db, 'last_hash'), '');
  db.close();
});

test('reopening keeps the incarnation and the stream', async () => {
  const factory = new IDBFactory();
  const db = await freshDb(factory);
  const first = await enqueue(db, note(1));
  db.close();
  const again = await openDatabase('rounds-test', factory);
  const second = await enqueue(again, note(2));
  assert.equal(second.incarnation, first.incarnation);
  assert.equal(second.seq, 2);
  assert.equal(second.prev_hash, await opHash(first));
  assert.ok(second.hlc > first.hlc, 'the stored stamp carries the clock across a restart');
  again.close();
});

test('seq is gapless 1..n and prev_hash chains', async () => {
  const db = await freshDb();
  for (let i = 1; i <= 5; i += 1) await enqueue(db, note(i));
  const ops = await pending(db);
  assert.equal(ops.length, 5);
  await assertChain(ops);
  assert.equal(await readMeta(db, 'last_hash'), await opHash(ops[4]));
  assert.equal(await readMeta(db, 'next_seq'), 6);
  db.close();
});

test('an op has the shape of PROTOCOL.md', async () => {
  const db = await freshDb();
  const clock = new HybridClock(DEVICE);
  const when = new Date('2026-11-23T03:12:09.512Z');
  const op = await enqueue(db, { ...note(1), blobs: ['e3b0'] }, { clock, now: () => when });
  assert.deepEqual(Object.keys(op).sort(), [
    'args', 'blobs', 'client_time', 'hlc', 'incarnation', 'name', 'op_id', 'prev_hash', 'seq', 'v',
  ]);
  assert.match(op.op_id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(op.incarnation, await readMeta(db, 'incarnation'));
  assert.equal(op.client_time, isoWithOffset(when));
  assert.match(op.client_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/);
  assert.equal(new Date(op.client_time).getTime(), when.getTime());
  assert.equal(op.hlc, `${when.getTime()}:0000:${DEVICE}`);
  assert.deepEqual(op.blobs, ['e3b0']);
  db.close();
});

test('20 concurrent enqueues still give gapless seqs and one chain', async () => {
  const db = await freshDb();
  const clock = new HybridClock(DEVICE);
  const now = () => new Date(1763838729512);
  const made = await Promise.all(Array.from({ length: 20 }, (_, i) => enqueue(db, note(i), { clock, now })));
  assert.deepEqual(made.map((op) => op.seq).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1));
  const ops = await pending(db);
  await assertChain(ops);
  assert.equal(new Set(ops.map((op) => op.hlc)).size, 20, 'one millisecond, 20 distinct stamps');
  assert.equal(new Set(ops.map((op) => op.op_id)).size, 20);
  db.close();
});

test('acknowledge removes only up to the acked seq, and keeps what it removes', async () => {
  const db = await freshDb();
  for (let i = 1; i <= 6; i += 1) await enqueue(db, note(i));
  const at = new Date('2026-11-23T08:00:00Z');
  assert.equal(await acknowledge(db, 3, { now: () => at }), 3);
  assert.deepEqual((await pending(db)).map((op) => op.seq), [4, 5, 6]);
  const kept = await settle(db.transaction('retained', 'readonly').objectStore('retained').getAll());
  assert.deepEqual(kept.map((op) => [op.seq, op.args.text, op.acked_at]).sort(), [
    [1, 'note 1', at.toISOString()], [2, 'note 2', at.toISOString()], [3, 'note 3', at.toISOString()],
  ], 'retained with the seq they had and when they were acked');
  assert.equal(kept[0].result, undefined, 'only the protocol fields are kept');
  assert.equal(await acknowledge(db, 3), 0, 'acknowledging again is harmless');
  const next = await enqueue(db, note(7));
  assert.equal(next.seq, 7, 'acks never give a seq back');
  assert.equal(await acknowledge(db, 100), 4);
  assert.deepEqual(await pending(db), []);
  db.close();
});

test('a wiped phone (new database) starts a new incarnation at seq 1', async () => {
  const before = await freshDb();
  await enqueue(before, note(1));
  const old = await enqueue(before, note(2));
  before.close();
  const after = await freshDb(new IDBFactory());
  const first = await enqueue(after, note(3));
  assert.notEqual(first.incarnation, old.incarnation);
  assert.equal(first.seq, 1);
  assert.equal(first.prev_hash, '');
  after.close();
});

test('without a device id or a clock nothing is queued', async () => {
  const db = await openDatabase('rounds-test', new IDBFactory());
  await assert.rejects(enqueue(db, note(1)), /device_id/);
  assert.deepEqual(await pending(db), []);
  assert.equal(await readMeta(db, 'next_seq'), 1);
  db.close();
});
