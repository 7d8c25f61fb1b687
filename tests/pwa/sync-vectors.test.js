// sync/vectors/push_sequence.json: what a stream's pushes answer. First the fake server the
// other tests use is held to it; then the phone's push meets the vector's seq gap and
// resends from expected_seq as the protocol says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { enqueue, pending, storeResults } from '../../pwa/src/sync/outbox.js';
import { push } from '../../pwa/src/sync/push.js';
import { FakeServer } from './support/fake-server.js';
import { signedIn } from './support/setup.js';
import { DEVICE } from './support/db.js';

const vector = JSON.parse(readFileSync(new URL('../../sync/vectors/push_sequence.json', import.meta.url), 'utf8'));
const INCARNATION = '9d2f3c1a-7b6e-4c5d-8a9b-0c1d2e3f4a5b';

test('the fake server answers every step of push_sequence.json', async () => {
  assert.equal(vector.protocol_version, 1);
  const server = new FakeServer();
  server.upsert('asset', 'a1', { notes: '' });
  const session = { employee_no: 'T100', device_id: DEVICE };
  const ids = new Map();
  for (const [index, step] of vector.steps.entries()) {
    const ops = step.push.map(({ seq, op, poison }) => {
      if (!ids.has(op) || op === 'new') ids.set(op, crypto.randomUUID());
      return {
        op_id: ids.get(op), incarnation: INCARNATION, seq, name: poison ? 'test.poison' : 'asset.add_note', v: 1,
        args: { asset_id: 'a1', text: op }, client_time: '2026-11-23T03:12:09.512+08:00', hlc: '', blobs: [], prev_hash: '',
      };
    });
    const answer = await (server.push(session, { device_id: DEVICE, ops })).json();
    assert.deepEqual(answer.results.map((r) => r.status), step.expect, `step ${index + 1}`);
    assert.equal(answer.last_seq, step.last_seq, `step ${index + 1} last_seq`);
    if (step.expected_seq) assert.ok(answer.results.every((r) => r.expected_seq === step.expected_seq));
    if (step.code) assert.ok(answer.results.every((r) => r.code === step.code));
  }
});

test("the phone's push meets the vector's gap and resends from expected_seq", async () => {
  const server = new FakeServer();
  server.upsert('asset', 'a1', { notes: '' });
  const { db, api } = await signedIn(server);
  for (const op of ['a', 'b', 'c', 'd', 'e']) await enqueue(db, { name: 'asset.add_note', v: 1, args: { asset_id: 'a1', text: op } });
  const ops = await pending(db);
  const session = { employee_no: 'T100', device_id: DEVICE };
  // Step 1: a and b reach the server (the push's answer is lost on the way back).
  const first = await (server.push(session, { device_id: DEVICE, ops: ops.slice(0, 2) })).json();
  assert.deepEqual(first.results.map((r) => r.status), vector.steps[0].expect);
  // The phone holds answers for a to c, but c never reached the server: pushing from d
  // meets the gap of step 3, and resending from expected_seq is step 4.
  await storeResults(db, ops.slice(0, 3).map((op) => [op.seq, { status: 'applied' }]));
  server.pushes = [];
  const outcome = await push(db, api);
  assert.equal(outcome.error, null);
  assert.deepEqual(server.pushes, [[4, 5], [3, 4, 5]]);
  assert.deepEqual(outcome.statuses, { seq_gap: vector.steps[2].expect.length, applied: vector.steps[3].expect.length });
  assert.deepEqual((await pending(db)).map((op) => op.result.status), ['applied', 'applied', 'applied', 'applied', 'applied']);
  assert.equal(server.streams.get(`${DEVICE}|${ops[0].incarnation}`).last_seq, vector.steps[3].last_seq);
  assert.ok([...server.ops.values()].every((op) => op.chain_ok), 'prev_hash chains every op the phone sent');
  db.close();
});
