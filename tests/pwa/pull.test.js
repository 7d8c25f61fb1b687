import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enqueue, pending, readMeta } from '../../pwa/src/sync/outbox.js';
import { push } from '../../pwa/src/sync/push.js';
import { applyPage, pull } from '../../pwa/src/sync/pull.js';
import { FakeServer } from './support/fake-server.js';
import { signedIn } from './support/setup.js';
import { all, row } from './support/db.js';

const view = (db, type, id) => row(db, 'entities', [type, id]);

async function setup() {
  const server = new FakeServer();
  server.upsert('site', 's1', { code: 'MAIN', name: 'Main campus' });
  for (let i = 1; i <= 5; i += 1) server.upsert('location', `l${i}`, { site_id: 's1', name: `Room ${i}`, department_id: 'd1' });
  server.upsert('asset', 'a1', { name: 'Chiller', site_id: 's1', location_id: 'l1', status: 'in_service', notes: '' });
  server.upsert('work_order', 'w1', { status: 'accepted', assignee_id: 'u-tech', priority: 3, arrived_at: null });
  const { db, api } = await signedIn(server);
  return { server, db, api };
}

test('pull follows every page from the stored cursor', async () => {
  const { server, db, api } = await setup();
  const first = await pull(db, api, { limit: 3 });
  assert.equal(first.pages, 3);
  assert.equal(first.changes, 8);
  assert.deepEqual([...first.types].sort(), ['asset', 'location', 'site', 'work_order']);
  assert.equal((await all(db, 'server')).length, 8);
  assert.equal((await all(db, 'entities')).length, 8);
  const asset = await view(db, 'asset', 'a1');
  assert.deepEqual([asset.type, asset.id, asset.version, asset.name], ['asset', 'a1', 1, 'Chiller']);
  const cursor = await readMeta(db, 'cursor');
  assert.ok(cursor);
  const pulls = server.requests.filter((r) => r.path === '/api/v1/sync/pull');
  assert.equal(pulls[0].query.cursor, undefined);
  assert.ok(pulls[1].query.cursor, 'the next page from the cursor given');
  assert.equal(pulls[0].query.incarnation, await readMeta(db, 'incarnation'), 'acks asked for this stream');
  server.upsert('asset', 'a1', { name: 'Chiller 2' });
  const next = await pull(db, api, { limit: 3 });
  assert.deepEqual([next.pages, next.changes], [1, 1], 'only what changed since the cursor');
  assert.equal((await view(db, 'asset', 'a1')).name, 'Chiller 2');
  db.close();
});

test('rebase: pending effects stay on top of pulled rows until acked, then the server row alone', async () => {
  const { server, db, api } = await setup();
  await pull(db, api);
  await enqueue(db, { name: 'asset.add_note', v: 1, args: { asset_id: 'a1', text: 'Fan noisy' } });
  const line = (await view(db, 'asset', 'a1')).notes;
  assert.match(line, /^\[.*Tess Tech\] Fan noisy$/);
  server.upsert('asset', 'a1', { name: 'Chiller (renamed by the desk)' });
  await pull(db, api);
  let asset = await view(db, 'asset', 'a1');
  assert.equal(asset.name, 'Chiller (renamed by the desk)', 'the pulled row');
  assert.equal(asset.notes, line, 'with the pending note on top');
  assert.equal(asset._pending, 1);
  assert.equal((await row(db, 'server', ['asset', 'a1'])).notes, '', 'the server copy has no note yet');
  await push(db, api);
  const outcome = await pull(db, api);
  assert.equal(outcome.acked, 1);
  assert.deepEqual(await pending(db), []);
  asset = await view(db, 'asset', 'a1');
  assert.equal(asset.notes, line, 'the note once, now from the server');
  assert.equal(asset._pending, undefined);
  db.close();
});

test('an op the server rejects loses its effect when acked', async () => {
  const { server, db, api } = await setup();
  await pull(db, api);
  await enqueue(db, { name: 'work_order.start', v: 1, args: { work_order_id: 'w1' } });
  assert.equal((await view(db, 'work_order', 'w1')).status, 'in_progress');
  server.upsert('work_order', 'w1', { status: 'dispatched', assignee_id: null }); // the desk reassigned it
  await pull(db, api);
  assert.equal((await view(db, 'work_order', 'w1')).status, 'dispatched', "start from dispatched is refused: the effect shows nothing");
  await push(db, api);
  assert.equal((await pending(db))[0].result.code, 'invalid_transition');
  server.upsert('work_order', 'w1', { status: 'accepted', assignee_id: 'u-tech' });
  await pull(db, api);
  const order = await view(db, 'work_order', 'w1');
  assert.deepEqual([order.status, order._pending], ['accepted', undefined], 'acked: no trace of the refused start');
  assert.deepEqual(await pending(db), []);
  db.close();
});

test('a local report is replaced by the server row once acked', async () => {
  const { db, api } = await setup();
  await pull(db, api);
  await enqueue(db, { name: 'work_order.report', v: 1, args: { work_order_id: 'w9', description: 'Leak', location_id: 'l2' } });
  await pull(db, api);
  let order = await view(db, 'work_order', 'w9');
  assert.deepEqual([order.status, order._local, order.number], ['reported', true, ''], 'still local after a pull');
  await push(db, api);
  await pull(db, api);
  order = await view(db, 'work_order', 'w9');
  assert.equal(order._local, undefined);
  assert.match(order.number, /^WO-2026-/);
  db.close();
});

test('deleted: true removes the row, even under a pending op', async () => {
  const { server, db, api } = await setup();
  await pull(db, api);
  await enqueue(db, { name: 'asset.set_status', v: 1, args: { asset_id: 'a1', status: 'out_of_service' } });
  server.remove('asset', 'a1'); // moved out of this user's scope
  server.remove('location', 'l5');
  await pull(db, api);
  assert.equal(await view(db, 'asset', 'a1'), undefined);
  assert.equal(await row(db, 'server', ['asset', 'a1']), undefined);
  assert.equal(await view(db, 'location', 'l5'), undefined);
  assert.equal((await pending(db)).length, 1, 'the op waits for the server to decide');
  db.close();
});

test('a change arriving twice keeps the higher version', async () => {
  const { db, api } = await setup();
  await pull(db, api);
  const change = (version, name) => ({ type: 'asset', id: 'a1', version, deleted: false, data: { id: 'a1', version, name } });
  await applyPage(db, { changes: [change(5, 'new')], cursor: 'c1', more: false, acks: { last_seq: 0 } });
  await applyPage(db, { changes: [change(3, 'old'), { type: 'asset', id: 'a1', version: 4, deleted: true }], cursor: 'c2', more: false, acks: { last_seq: 0 } });
  assert.equal((await view(db, 'asset', 'a1')).name, 'new');
  assert.equal(await readMeta(db, 'cursor'), 'c2');
  db.close();
});

test('reset: the replica is rebuilt, the outbox kept, its effects back on top', async () => {
  const { server, db, api } = await setup();
  await pull(db, api);
  await enqueue(db, { name: 'asset.add_note', v: 1, args: { asset_id: 'a1', text: 'kept' } });
  await push(db, api);
  const ids = (await pending(db)).map((op) => op.op_id);
  const incarnation = await readMeta(db, 'incarnation');
  // A row the phone holds but the restored server does not: it must go.
  await applyPage(db, { changes: [{ type: 'site', id: 's-gone', version: 1, deleted: false, data: { id: 's-gone' } }], cursor: await readMeta(db, 'cursor'), more: false, acks: { last_seq: 0 } });
  server.restore();
  server.ops.clear(); // the backup predates the op
  server.streams.clear();
  server.rows.get('asset:a1').data.notes = '';
  const outcome = await pull(db, api);
  assert.equal(outcome.reset, true);
  assert.equal(await view(db, 'site', 's-gone'), undefined, 'the old replica is gone');
  assert.equal((await all(db, 'server')).length, 8);
  assert.deepEqual((await pending(db)).map((op) => op.op_id), ids, 'the outbox is kept');
  assert.notEqual(await readMeta(db, 'incarnation'), incarnation, 'in a new incarnation');
  assert.equal((await pending(db))[0].result, undefined, 'to be pushed again');
  assert.match((await view(db, 'asset', 'a1')).notes, /\] kept$/);
  await push(db, api);
  await pull(db, api);
  assert.deepEqual(await pending(db), []);
  db.close();
});
