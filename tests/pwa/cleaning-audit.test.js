import { test } from 'node:test';
import assert from 'node:assert/strict';
import RULES from '../../pwa/src/shared/rules.js';
import { auditScore, finishedTasks, itemPassed } from '../../pwa/src/app/cleaning-logic.js';

test('an ATP swab passes at or under the server threshold; markers and visual as said', () => {
  const cut = RULES.cleaning.atp_pass_rlu;
  assert.equal(itemPassed({ method: 'atp', rlu: cut }), true);
  assert.equal(itemPassed({ method: 'atp', rlu: cut + 1 }), false);
  assert.equal(itemPassed({ method: 'atp', rlu: null }), null);
  assert.equal(itemPassed({ method: 'marker', passed: false }), false);
  assert.equal(itemPassed({ method: 'visual', passed: true }), true);
  assert.equal(itemPassed({ method: 'visual' }), null);
});

test('the score is the share passed, rounded half up as the server does (audits.score_of)', () => {
  assert.equal(auditScore([true, true, false]), 67);
  assert.equal(auditScore([true, false, false]), 33);
  assert.equal(auditScore([true, false]), 50);
  assert.equal(auditScore([true, true, true, true, true, true, false]), 86);
  assert.equal(auditScore(Array(7).fill(true).concat([false])), 88); // 87.5 rounds up
  assert.equal(auditScore([]), null);
});

test('finished cleans, the latest first; open and cancelled ones are not audited', () => {
  const tasks = [
    { id: 'old', status: 'done', finished_at: '2026-11-23T08:00:00Z' },
    { id: 'open', status: 'open', finished_at: null },
    { id: 'new', status: 'done', finished_at: '2026-11-23T09:00:00Z' },
    { id: 'off', status: 'cancelled', finished_at: null },
  ];
  assert.deepEqual(finishedTasks(tasks).map((t) => t.id), ['new', 'old']);
});

test('a re-clean asked offline is due by the rules reclean minutes', async () => {
  const { applyEffect, touches } = await import('../../pwa/src/shared/effects.js');
  const done = { type: 'cleaning_task', id: 't1', kind: 'routine', status: 'done', room_id: 'r1' };
  const o = { op_id: 'o1', name: 'cleaning.audit', args: { audit_id: 'a1', task_id: 't1', kind: 'infection_control', items: [], reclean_task_id: 't2' }, client_time: '2026-11-23T10:00:00.000Z', hlc: 'h1' };
  const state = { 'cleaning_task:t1': done };
  const ctx = { user: null, get: (type, id) => state[`${type}:${id}`] };
  for (const key of touches(o)) state[key.join(':')] = applyEffect(o, key, state[key.join(':')], ctx);
  assert.equal(state['cleaning_task:t2'].due_at, new Date(Date.parse(o.client_time) + RULES.cleaning.reclean_minutes * 60_000).toISOString());
});
