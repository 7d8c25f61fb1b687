// The outbox with effects: the op, its seq, hash and stamp, and its effect on the view are
// one transaction; and the golden hash chain comes out of enqueue itself.
process.env.TZ = 'Asia/Shanghai'; // the golden vector's client_time carries +08:00
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { enqueue, pending, readMeta, writeMeta } from '../../pwa/src/sync/outbox.js';
import { Timestamp } from '../../pwa/src/shared/hlc.js';
import { opHash } from '../../pwa/src/shared/canonical.js';
import { done } from '../../pwa/src/db/schema.js';
import { all, freshDb, row, seed } from './support/db.js';

const asset = { type: 'asset', id: 'a1', version: 2, site_id: 's1', location_id: 'l1', status: 'in_service', notes: '' };
const note = (text) => ({ name: 'asset.add_note', v: 1, args: { asset_id: 'a1', text } });

test('enqueue writes the effect with the op', async () => {
  const db = await freshDb();
  await seed(db, [asset]);
  let heard = null;
  const op = await enqueue(db, { name: 'asset.set_status', v: 1, args: { asset_id: 'a1', status: 'out_of_service' } }, { onEffect: (types) => { heard = types; } });
  assert.deepEqual(heard, ['asset']);
  const view = await row(db, 'entities', ['asset', 'a1']);
  assert.equal(view.status, 'out_of_service');
  assert.equal(view._pending, 1);
  assert.equal(view._local, undefined, 'the server has this row');
  assert.equal((await row(db, 'server', ['asset', 'a1'])).status, 'in_service', 'server rows stay as pulled');
  assert.deepEqual((await pending(db)).map((o) => o.op_id), [op.op_id]);
  db.close();
});

test('a failed transaction stores neither the op nor its effect', async () => {
  const db = await freshDb();
  await seed(db, [asset]);
  // A stray row at the next seq makes the outbox add fail inside enqueue's transaction.
  const tx = db.transaction('outbox', 'readwrite');
  tx.objectStore('outbox').put({ seq: 1, op_id: 'stray', blobs: [] });
  await done(tx);
  await assert.rejects(enqueue(db, note('lost?')));
  assert.equal((await row(db, 'entities', ['asset', 'a1'])).notes, '', 'the effect rolled back with the op');
  assert.equal(await readMeta(db, 'next_seq'), 1, 'and the seq was not taken');
  db.close();
});

test('concurrent enqueues: gapless seqs and every effect, in seq order', async () => {
  const db = await freshDb();
  await seed(db, [asset]);
  const made = await Promise.all(Array.from({ length: 20 }, (_, i) => enqueue(db, note(`n${i}`))));
  const seqs = made.map((o) => o.seq).sort((a, b) => a - b);
  assert.deepEqual(seqs, Array.from({ length: 20 }, (_, i) => i + 1));
  const view = await row(db, 'entities', ['asset', 'a1']);
  assert.equal(view._pending, 20);
  const bySeq = [...made].sort((a, b) => a.seq - b.seq).map((o) => o.args.text);
  assert.deepEqual(view.notes.split('\n').map((line) => line.split('] ')[1]), bySeq, 'notes appended in seq order');
  db.close();
});

test('a report creates a local row; an unknown op changes no row', async () => {
  const db = await freshDb();
  await seed(db, [asset, { type: 'location', id: 'l1', version: 1, site_id: 's1', department_id: 'd1' }]);
  await enqueue(db, { name: 'work_order.report', v: 1, args: { work_order_id: 'w1', description: 'Noisy', asset_id: 'a1' } });
  const order = await row(db, 'entities', ['work_order', 'w1']);
  assert.deepEqual([order.status, order.site_id, order.department_id, order._local, order._pending], ['reported', 's1', 'd1', true, 1]);
  const before = await all(db, 'entities');
  await enqueue(db, { name: 'patrol.scan', v: 1, args: { checkpoint_id: 'c1' } });
  assert.deepEqual(await all(db, 'entities'), before);
  assert.equal((await pending(db)).length, 2, 'the unknown op is queued all the same');
  db.close();
});

test('the golden hash chain (sync/vectors/hash_chain.json) comes out of enqueue', async () => {
  const { chain } = JSON.parse(readFileSync(new URL('../../sync/vectors/hash_chain.json', import.meta.url), 'utf8'));
  const db = await freshDb();
  await writeMeta(db, 'incarnation', chain[0].op.incarnation);
  for (const { op: golden, hash } of chain) {
    const stamp = Timestamp.parse(golden.hlc);
    const clock = { node: stamp.node, last: new Timestamp(0, 0, stamp.node), tick: () => stamp };
    const op = await enqueue(db, { name: golden.name, v: golden.v, args: golden.args, blobs: golden.blobs }, {
      clock, now: () => new Date(golden.client_time), newId: () => golden.op_id,
    });
    assert.deepEqual(op, golden, `seq ${golden.seq} is the golden op`);
    assert.equal(await opHash(op), hash);
    assert.equal(await readMeta(db, 'last_hash'), hash, 'the stream remembers the golden hash');
  }
  db.close();
});
