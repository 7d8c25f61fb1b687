import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEffect, touches } from '../../pwa/src/shared/effects.js';
import { monthOf, ratingsOf } from '../../pwa/src/app/ratings-logic.js';

const user = { id: 'u1', name: 'Dr Walsh', roles: ['requester'], department_id: 'icu' };
const ctx = { user, get: () => undefined };
let n = 0;
const rate = (args, at) => ({
  op_id: `op-${(n += 1)}`, name: 'contractor.rate', v: 1, client_time: at,
  args: { rating_id: `r${n}`, contractor_id: 'c1', department_id: 'icu', month: '2026-11-01', comment: '', ...args },
});

function run(ops, start = {}) {
  const state = { ...start };
  for (const o of ops) for (const key of touches(o)) {
    const k = key.join(':');
    state[k] = applyEffect(o, key, state[k], ctx);
  }
  return state;
}

test('a rating offline is on the phone at once, and a later one of the month is the one shown', () => {
  const state = run([
    rate({ score: 2, comment: ' slow ' }, '2026-11-20T09:00:00.000Z'),
    rate({ score: 4 }, '2026-11-28T09:00:00.000Z'),
  ]);
  const rows = Object.values(state).filter(Boolean);
  assert.equal(rows.length, 2);
  assert.equal(rows[0].comment, 'slow');
  const shown = ratingsOf(rows, 'icu', '2026-11-01');
  assert.equal(shown.get('c1').score, 4);
  assert.equal(ratingsOf(rows, 'icu', '2026-12-01').size, 0);
});

test('a score off the scale or another department leaves nothing to show (the server refuses it)', () => {
  const state = run([
    rate({ score: 0 }, '2026-11-20T09:00:00.000Z'),
    rate({ score: 6 }, '2026-11-20T09:00:00.000Z'),
    rate({ score: 3, department_id: 'rad' }, '2026-11-20T09:00:00.000Z'),
  ]);
  assert.deepEqual(Object.values(state).filter(Boolean), []);
});

test('the month a rating names is the phone\'s own month, even on its last minute', () => {
  assert.equal(monthOf(new Date(2026, 10, 30, 23, 59)), '2026-11-01');
  assert.equal(monthOf(new Date(2026, 11, 1, 0, 1)), '2026-12-01');
});
