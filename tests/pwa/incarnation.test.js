// A new incarnation never strands work: after a server restore (pull's reset), a gap the
// phone cannot fill (push.test.js) or a device id that changed, the unacknowledged ops go
// again under new seqs, the ones acknowledged lately too after a reset, and the server
// ends with every op once.
import { test } from 'node:test';
import { IDBFactory } from 'fake-indexeddb';
import assert from 'node:assert/strict';
import { createApi } from '../../pwa/src/sync/api.js';
import { blobInfo, storeBlob, uploadPending } from '../../pwa/src/sync/blobs.js';
import { enqueue, pending, readMeta } from '../../pwa/src/sync/outbox.js';
import { applyPage, pull } from '../../pwa/src/sync/pull.js';
import { push } from '../../pwa/src/sync/push.js';
import { dbName, signIn, tokenStore } from '../../pwa/src/sync/session.js';
import { opHash } from '../../pwa/src/shared/canonical.js';
import { FakeServer } from './support/fake-server.js';
import { signedIn } from './support/setup.js';
import { all, row } from './support/db.js';

const note = (text, blobs = []) => ({ name: 'asset.add_note', v: 1, args: { asset_id: 'a1', text }, blobs });

async function setup() {
  const server = new FakeServer();
  server.upsert('site', 's1', { name: 'Main' });
  server.upsert('asset', 'a1', { name: 'Chiller', site_id: 's1', status: 'in_service', notes: '' });
  const { db, api } = await signedIn(server);
  await pull(db, api);
  return { server, db, api };
}

/** One sync as the engine runs it: push, upload, pull; again when a reset renumbered. */
async function sync(db, api) {
  await push(db, api);
  await uploadPending(db, api);
  const pulled = await pull(db, api);
  if (pulled.renumbered) {
    await push(db, api);
    await uploadPending(db, api);
    await pull(db, api);
  }
  return pulled;
}

async function assertChain(ops) {
  let previous = '';
  for (const [index, op] of ops.entries()) {
    assert.equal(op.seq, index + 1);
    assert.equal(op.prev_hash, previous, `prev_hash of seq ${op.seq}`);
    previous = await opHash(op);
  }
}

const count = (text, needle) => text.split(needle).length - 1;

test('a restore from last night\'s backup loses none of today\'s work', async () => {
  const { server, db, api } = await setup();
  await enqueue(db, note('yesterday'));
  await sync(db, api);
  const lastNight = server.backup();

  // Today: a note with a photo, synced and acknowledged; then one more, still queued.
  const sha = await storeBlob(db, new Uint8Array(300_000).fill(7), 'image/jpeg');
  await enqueue(db, note('today, with a photo', [sha]));
  await sync(db, api);
  assert.deepEqual(await pending(db), [], 'acknowledged');
  assert.ok(server.blobs.get(sha).complete);
  assert.equal((await all(db, 'retained')).length, 2, 'both acknowledged ops are kept');
  await enqueue(db, note('queued'));
  const oldIncarnation = await readMeta(db, 'incarnation');

  server.restore(lastNight);
  assert.ok(!server.blobs.has(sha), 'the restored server lost the photo');

  // The phone pushes first: the queued op meets a gap the retained ops fill...
  const pushed = await push(db, api);
  assert.equal(pushed.error, null);
  // ...then the pull answers reset: a new incarnation with everything of the last 14 days.
  const pulled = await pull(db, api);
  assert.equal(pulled.reset, true);
  const incarnation = await readMeta(db, 'incarnation');
  assert.notEqual(incarnation, oldIncarnation);
  const moved = await pending(db);
  assert.deepEqual(moved.map((op) => op.args.text), ['yesterday', 'today, with a photo', 'queued'], 'oldest first');
  assert.ok(moved.every((op) => op.incarnation === incarnation && op.moved && !op.result));
  await assertChain(moved);
  assert.equal(await readMeta(db, 'next_seq'), 4);
  assert.equal((await all(db, 'retained')).length, 0, 'the retained ops went back into the queue');
  assert.equal((await blobInfo(db, sha)).uploaded, false, 'the photo is offered again');
  assert.equal((await all(db, 'blob_chunks')).length, 2, 'its bytes were kept');

  await push(db, api);
  await uploadPending(db, api);
  await pull(db, api);
  assert.deepEqual(await pending(db), []);
  assert.ok(server.blobs.get(sha).complete, 'the photo is back on the server');
  const texts = [...server.ops.values()].map((op) => op.args.text).sort();
  assert.deepEqual(texts, ['queued', 'today, with a photo', 'yesterday'], 'every op exactly once');
  const notes = server.rows.get('asset:a1').data.notes;
  assert.deepEqual(['yesterday', 'today, with a photo', 'queued'].map((text) => count(notes, text)), [1, 1, 1]);
  assert.match((await row(db, 'entities', ['asset', 'a1'])).notes, /queued$/);
  db.close();
});

test('acks counted in another incarnation never drop ops of this one', async () => {
  const { db } = await setup();
  await enqueue(db, note('one'));
  await enqueue(db, note('two'));
  const page = (context) => applyPage(db, { changes: [], cursor: 'c', more: false, acks: { last_seq: 2 } }, context);
  assert.equal((await page({ incarnation: 'another-stream' })).acked, 0);
  assert.equal((await pending(db)).length, 2);
  assert.equal((await page({ incarnation: await readMeta(db, 'incarnation') })).acked, 2);
  db.close();
});

test('renumbered ops the server already holds leave the queue once a later pull is complete', async () => {
  const { server, db, api } = await setup();
  await enqueue(db, note('held'));
  await push(db, api); // applied, not yet acknowledged
  server.restore(); // every cursor stale; the server still holds the op
  const pulled = await pull(db, api);
  assert.equal(pulled.renumbered, 1);
  const outcome = await push(db, api);
  assert.deepEqual(outcome.statuses, { duplicate: 1 });
  assert.equal((await pending(db)).length, 1, 'no record in the new stream acknowledges it');
  const later = await pull(db, api);
  assert.equal(later.acked, 1, 'its effects were in before the pull began');
  assert.deepEqual(await pending(db), []);
  assert.equal((await all(db, 'retained')).length, 1);
  assert.equal(count(server.rows.get('asset:a1').data.notes, 'held'), 1);
  db.close();
});

test('a device id that changed under the database renumbers the queue into a new stream', async () => {
  const server = new FakeServer();
  server.upsert('asset', 'a1', { name: 'Chiller', status: 'in_service', notes: '' });
  const factory = new IDBFactory();
  const { db, api } = await signedIn(server, { factory });
  await enqueue(db, note('sent under the old id'));
  await push(db, api);
  await enqueue(db, note('never sent'));
  const before = await pending(db);
  const oldIncarnation = await readMeta(db, 'incarnation');
  db.close();

  // localStorage was cleared: this browser signs in as a new device.
  const fresh = '5a5a5a5a-0000-4000-8000-00000000d002';
  const signedAgain = await signIn({
    api: createApi({ fetch: server.fetch, baseUrl: 'http://fake', locks: null }),
    employeeNo: 'T100', password: 'pw', deviceId: fresh, indexedDB: factory,
  });
  const again = signedAgain.db;
  assert.equal(signedAgain.pair.device_id, fresh, 'the new id is kept: no sign-in as the old device');
  assert.equal(await readMeta(again, 'device_id'), fresh);
  const moved = await pending(again);
  assert.notEqual(moved[0].incarnation, oldIncarnation);
  assert.deepEqual(moved.map((op) => [op.op_id, op.seq]), before.map((op, i) => [op.op_id, i + 1]));
  await assertChain(moved);
  const tokens = createApi({ tokens: tokenStore(again), fetch: server.fetch, baseUrl: 'http://fake', locks: null });
  const outcome = await push(again, tokens);
  assert.deepEqual(outcome.statuses, { duplicate: 1, applied: 1 });
  await pull(again, tokens);
  await pull(again, tokens);
  assert.deepEqual(await pending(again), []);
  const notes = server.rows.get('asset:a1').data.notes;
  assert.deepEqual([count(notes, 'sent under the old id'), count(notes, 'never sent')], [1, 1]);
  assert.equal(dbName('T100'), again.name);
  again.close();
});
