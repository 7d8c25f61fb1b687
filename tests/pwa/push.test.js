import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acknowledge, enqueue, pending, readMeta, storeResults } from '../../pwa/src/sync/outbox.js';
import { push } from '../../pwa/src/sync/push.js';
import { FakeServer } from './support/fake-server.js';
import { signedIn } from './support/setup.js';
import { DEVICE } from './support/db.js';

const note = (i) => ({ name: 'asset.add_note', v: 1, args: { asset_id: 'a1', text: `note ${i}` } });

async function setup(ops = 3) {
  const server = new FakeServer();
  server.upsert('asset', 'a1', { name: 'Chiller', status: 'in_service', notes: '' });
  const { db, api } = await signedIn(server);
  for (let i = 1; i <= ops; i += 1) await enqueue(db, note(i));
  return { server, db, api };
}

test('results are stored on the ops, and the ops stay until a pull acks them', async () => {
  const { server, db, api } = await setup(3);
  const outcome = await push(db, api);
  assert.equal(outcome.error, null);
  assert.deepEqual(outcome.statuses, { applied: 3 });
  const ops = await pending(db);
  assert.deepEqual(ops.map((op) => [op.seq, op.result.status]), [[1, 'applied'], [2, 'applied'], [3, 'applied']]);
  assert.ok(ops.every((op) => op.result.entity_versions['asset:a1'] > 1));
  assert.deepEqual(server.pushes, [[1, 2, 3]]);
  assert.ok(server.requests.every((r) => r.path !== '/api/v1/sync/push' || r.auth === 'Bearer a1'));
  // The wire carries exactly the protocol's fields, never the local result.
  await enqueue(db, note(4));
  await push(db, api);
  assert.deepEqual(server.pushes.at(-1), [4], 'settled ops are not sent again');
  assert.equal(server.ops.size, 4);
  db.close();
});

test('batches follow the limit, in seq order', async () => {
  const { server, db, api } = await setup(5);
  await push(db, api, { limit: 2 });
  assert.deepEqual(server.pushes, [[1, 2], [3, 4], [5]]);
  db.close();
});

test('413 batch_too_large: the batch shrinks to the limit named', async () => {
  const { server, db, api } = await setup(5);
  server.maxOps = 2;
  const outcome = await push(db, api);
  assert.equal(outcome.error, null);
  assert.deepEqual(server.pushes, [[1, 2, 3, 4, 5], [1, 2], [3, 4], [5]]);
  assert.ok((await pending(db)).every((op) => op.result.status === 'applied'));
  db.close();
});

test('seq_gap: the push resends from the expected seq', async () => {
  const { server, db, api } = await setup(4);
  // This phone believes 1 and 2 were applied, but the server never recorded them (its
  // database was restored from a backup): the first push from 3 meets a gap at 1.
  await storeResults(db, [[1, { status: 'applied' }], [2, { status: 'applied' }]]);
  const outcome = await push(db, api);
  assert.equal(outcome.error, null);
  assert.deepEqual(server.pushes, [[3, 4], [1, 2, 3, 4]]);
  assert.deepEqual((await pending(db)).map((op) => op.result.status), ['applied', 'applied', 'applied', 'applied']);
  assert.equal(server.streams.values().next().value.last_seq, 4);
  db.close();
});

test('a gap filled by ops acknowledged lately: they are sent again, in their own stream', async () => {
  const { server, db, api } = await setup(4);
  await push(db, api);
  await acknowledge(db, 2); // 1 and 2 acked, kept as retained
  // The server is restored from a backup older than 1 and 2: its stream is empty again.
  const [stream] = server.streams.values();
  Object.assign(stream, { last_seq: 0, last_hash: '' });
  server.ops.clear();
  await storeResults(db, [[3, undefined], [4, undefined]]);
  const incarnation = await readMeta(db, 'incarnation');
  const outcome = await push(db, api);
  assert.equal(outcome.error, null);
  assert.deepEqual(server.pushes.slice(1), [[3, 4], [1, 2, 3, 4]], 'the gap at 1 filled from the retained ops');
  assert.equal(outcome.renumbered, 0);
  assert.equal(await readMeta(db, 'incarnation'), incarnation, 'no new stream needed');
  const held = [...server.ops.values()].sort((a, b) => a.seq - b.seq);
  assert.deepEqual(held.map((op) => [op.seq, op.status, op.chain_ok]), [1, 2, 3, 4].map((seq) => [seq, 'applied', true]));
  assert.equal(stream.last_seq, 4);
  db.close();
});

test('a gap nothing on the phone fills starts a new incarnation; the server gets every op once', async () => {
  const { server, db, api } = await setup(3);
  await push(db, api);
  await acknowledge(db, 1);
  // Op 1 is retained, but the restored server's stream lost more than the phone holds
  // (it expects seq 1 of a stream whose retained ops were purged): forget the retained op.
  const tx = db.transaction('retained', 'readwrite');
  tx.objectStore('retained').clear();
  await new Promise((resolve) => { tx.oncomplete = resolve; });
  const [stream] = server.streams.values();
  Object.assign(stream, { last_seq: 0, last_hash: '' });
  const lost = [...server.ops.values()].find((op) => op.seq === 1);
  server.ops.clear();
  await storeResults(db, [[2, undefined], [3, undefined]]);
  const before = await pending(db);
  const old = await readMeta(db, 'incarnation');
  const outcome = await push(db, api);
  assert.equal(outcome.error, null);
  assert.equal(outcome.renumbered, 2);
  const now = await readMeta(db, 'incarnation');
  assert.notEqual(now, old);
  const after = await pending(db);
  assert.deepEqual(after.map((op) => [op.op_id, op.incarnation, op.seq]), before.map((op, i) => [op.op_id, now, i + 1]), 'same ops, renumbered from 1');
  assert.deepEqual(after.map((op) => op.args), before.map((op) => op.args));
  assert.deepEqual(after.map((op) => op.result.status), ['applied', 'applied']);
  assert.equal(await readMeta(db, 'next_seq'), 3);
  const streamNow = server.streams.get(`${DEVICE}|${now}`);
  assert.equal(streamNow.last_seq, 2);
  assert.ok([...server.ops.values()].every((op) => op.chain_ok), 'the chain recomputed along the new stream');
  assert.ok(!server.ops.has(lost.op_id), 'op 1 is lost for good: the phone no longer had it');
  db.close();
});

test('503 with Retry-After, and no network: stop, report, keep everything', async () => {
  const { server, db, api } = await setup(3);
  server.fail((method, path) => path === '/api/v1/sync/push', 503, 'database_unavailable', 5);
  const unavailable = await push(db, api);
  assert.deepEqual([unavailable.error.status, unavailable.error.code, unavailable.error.retryAfter], [503, 'database_unavailable', 5]);
  let ops = await pending(db);
  assert.equal(ops.length, 3);
  assert.ok(ops.every((op) => op.result === undefined), 'nothing was recorded');
  server.offline = true;
  const offline = await push(db, api);
  assert.equal(offline.error.offline, true);
  assert.equal(offline.error.code, 'offline');
  server.offline = false;
  const retried = await push(db, api);
  assert.equal(retried.error, null);
  ops = await pending(db);
  assert.deepEqual(ops.map((op) => op.result.status), ['applied', 'applied', 'applied']);
  db.close();
});

test('rejected and duplicate answers are kept like any other', async () => {
  const { server, db, api } = await setup(1);
  await enqueue(db, { name: 'test.poison', v: 1, args: {} });
  await enqueue(db, note(3));
  await push(db, api);
  // The response to this push was "lost": the phone sends the same ops again.
  await storeResults(db, [[1, undefined], [2, undefined], [3, undefined]]);
  await push(db, api);
  const ops = await pending(db);
  assert.deepEqual(ops.map((op) => op.result.status), ['duplicate', 'duplicate', 'duplicate']);
  assert.deepEqual(ops.map((op) => op.result.outcome.status), ['applied', 'rejected', 'applied']);
  assert.equal(ops[1].result.outcome.code, 'invalid_args');
  assert.equal((server.rows.get('asset:a1').data.notes.match(/note/g) ?? []).length, 2, 'applied once each');
  db.close();
});
