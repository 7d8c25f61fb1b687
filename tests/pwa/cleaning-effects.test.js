import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEffect, touches } from '../../pwa/src/shared/effects.js';
import { myTasks, roomOf, minutesLeft } from '../../pwa/src/app/cleaning-logic.js';

const T0 = '2026-11-23T10:00:00.000Z';
const at = (minutes) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
let n = 0;
const op = (name, args, minutes = 0) => ({ op_id: `op-${(n += 1)}`, name, args, client_time: at(minutes), hlc: `h${n}` });
const user = { id: 'u-cleaner', roles: ['cleaner'] };

function run(ops, start = {}, who = null) {
  const state = { ...start };
  const ctx = { user: who, get: (type, id) => state[`${type}:${id}`] };
  for (const o of ops) for (const key of touches(o)) {
    const k = key.join(':');
    state[k] = applyEffect(o, key, state[k], ctx);
  }
  return state;
}

const terminal = { type: 'cleaning_task', id: 't1', kind: 'terminal', status: 'open', room_id: 'r1', window_start: at(-30), due_at: at(90) };

test('a terminal clean offline: requested with its deadline, started, finished', () => {
  const asked = run([op('cleaning.request_terminal', { task_id: 't9', location_id: 'l1', reason: 'discharge' })]);
  assert.equal(asked['cleaning_task:t9'].due_at, at(120));
  assert.equal(asked['cleaning_task:t9'].status, 'open');
  const isolation = run([op('cleaning.request_terminal', { task_id: 't8', location_id: 'l1', reason: 'isolation' })]);
  assert.equal(isolation['cleaning_task:t8'].due_at, at(90));

  const state = run([
    op('cleaning.start', { record_id: 'c1', task_id: 't1', scan: { payload: 'RM-1', method: 'qr' } }, 1),
    op('cleaning.finish', { record_id: 'c1', task_id: 't1', scan: { payload: 'RM-1', method: 'qr' }, product: 'chlorine_nadcc', photos: ['a'.repeat(64)] }, 31),
  ], { 'cleaning_task:t1': terminal }, user);
  const done = state['cleaning_task:t1'];
  assert.equal(done.status, 'done');
  assert.equal(done.started_at, at(1));
  assert.equal(done.finished_at, at(31));
  assert.equal(done.cleaner_id, 'u-cleaner');
});

test('a finish on a task the desk cancelled leaves it cancelled (the server keeps the record)', () => {
  const cancelled = { ...terminal, status: 'cancelled' };
  const state = run([op('cleaning.finish', { record_id: 'c1', task_id: 't1', scan: { payload: 'RM-1', method: 'qr' }, product: 'detergent' })], { 'cleaning_task:t1': cancelled }, user);
  assert.equal(state['cleaning_task:t1'].status, 'cancelled');
});

test('a role the server refuses changes nothing: a guard cannot start a clean', () => {
  const state = run([op('cleaning.start', { record_id: 'c1', task_id: 't1', scan: { payload: 'RM-1', method: 'qr' } })], { 'cleaning_task:t1': terminal }, { id: 'g', roles: ['guard'] });
  assert.equal(state['cleaning_task:t1'].status, 'open');
});

test('an audit asking for a re-clean opens a new task of the room', () => {
  const state = run([op('cleaning.audit', { audit_id: 'a1', task_id: 't1', kind: 'supervisor', items: [], reclean_task_id: 't2' })], { 'cleaning_task:t1': { ...terminal, status: 'done' } });
  assert.equal(state['cleaning_task:t2'].status, 'open');
  assert.equal(state['cleaning_task:t2'].room_id, 'r1');
  assert.equal(state['cleaning_task:t2'].reason, 'reclean');
});

test('the list: spills first, then terminal cleans by deadline, then routine; not before its window', () => {
  const now = Date.parse(T0);
  const tasks = [
    { id: 'routine', kind: 'routine', status: 'open', window_start: at(-60), due_at: at(10) },
    { id: 'later', kind: 'routine', status: 'open', window_start: at(60), due_at: at(180) },
    { id: 't-late', kind: 'terminal', status: 'open', window_start: at(-10), due_at: at(100) },
    { id: 't-soon', kind: 'terminal', status: 'in_progress', window_start: at(-10), due_at: at(20) },
    { id: 'spill', kind: 'spill', status: 'open', window_start: at(-5), due_at: at(25) },
    { id: 'done', kind: 'spill', status: 'done', window_start: at(-5), due_at: at(25) },
  ];
  assert.deepEqual(myTasks(tasks, now).map((t) => t.id), ['spill', 't-soon', 't-late', 'routine']);
  assert.equal(minutesLeft(tasks[0], now), 10);
});

test('a scan names its room by QR payload or NFC UID', () => {
  const rooms = [{ id: 'r1', qr_payload: 'RM-1', nfc_uid: '05A1B2C3' }, { id: 'r2', qr_payload: 'RM-2', nfc_uid: null }];
  assert.equal(roomOf({ text: 'RM-2' }, rooms)?.id, 'r2');
  assert.equal(roomOf({ text: '', uid: '05:a1:b2:c3' }, rooms)?.id, 'r1');
  assert.equal(roomOf({ text: 'RM-9' }, rooms), null);
});
