import { test } from 'node:test';
import assert from 'node:assert/strict';
import { electLeader, openChannel } from '../../pwa/src/sync/leader.js';
import { FakeLocks, ManualTimers, MemoryStorage, channelHub } from './support/fakes.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

test('Web Locks: one leader; the next tab in line takes over when it lets go', async () => {
  const locks = new FakeLocks();
  const events = [];
  const a = electLeader({ name: 'rounds-sync:T100', locks, onChange: (v) => events.push(['a', v]) });
  const b = electLeader({ name: 'rounds-sync:T100', locks, onChange: (v) => events.push(['b', v]) });
  const other = electLeader({ name: 'rounds-sync:N200', locks, onChange: (v) => events.push(['other user', v]) });
  await a.elected;
  await tick();
  assert.deepEqual([a.isLeader(), b.isLeader(), other.isLeader()], [true, false, true]);
  a.release();
  await b.elected;
  assert.deepEqual([a.isLeader(), b.isLeader()], [false, true]);
  assert.deepEqual(events, [['a', true], ['other user', true], ['a', false], ['b', true]]);
  b.release();
  other.release();
});

test('a tab that gives up while waiting never leads', async () => {
  const locks = new FakeLocks();
  const a = electLeader({ name: 'x', locks });
  const b = electLeader({ name: 'x', locks });
  await a.elected;
  b.release();
  a.release();
  await tick();
  await tick();
  assert.equal(b.isLeader(), false);
  const c = electLeader({ name: 'x', locks });
  await c.elected;
  assert.equal(c.isLeader(), true, 'the lock is free for the next one');
  c.release();
});

test('without Web Locks: a lease in localStorage, taken over when not renewed', () => {
  const storage = new MemoryStorage();
  const clockA = new ManualTimers();
  const clockB = new ManualTimers();
  const timers = (clock) => ({ setInterval: clock.setInterval, clearInterval: clock.clearInterval, now: () => clock.now });
  const a = electLeader({ name: 'rounds-sync:T100', locks: null, storage, timers: timers(clockA) });
  const b = electLeader({ name: 'rounds-sync:T100', locks: null, storage, timers: timers(clockB) });
  assert.deepEqual([a.isLeader(), b.isLeader()], [true, false]);
  clockA.advance(3_000);
  clockB.advance(3_000);
  assert.deepEqual([a.isLeader(), b.isLeader()], [true, false], 'renewed');
  clockB.advance(12_000); // tab A froze: its lease runs out
  assert.deepEqual([b.isLeader()], [true]);
  clockA.now = clockB.now;
  clockA.advance(3_000);
  assert.equal(a.isLeader(), false, 'the old leader steps down');
  b.release();
  a.release();
  assert.equal(storage.getItem('rounds-sync:T100:lease'), null);
});

test('neither locks nor storage: the tab leads alone', async () => {
  const only = electLeader({ name: 'x', locks: null, storage: null });
  await only.elected;
  assert.equal(only.isLeader(), true);
  only.release();
});

test("the channel carries a database's messages to its other tabs only", async () => {
  const create = channelHub();
  const heard = { a: [], b: [], other: [] };
  const a = openChannel('rounds:T100', (m) => heard.a.push(m.kind), { create });
  const b = openChannel('rounds:T100', (m) => heard.b.push(m.kind), { create });
  const other = openChannel('rounds:N200', (m) => heard.other.push(m.kind), { create });
  a.post({ kind: 'change', types: ['asset'] });
  await tick();
  assert.deepEqual(heard, { a: [], b: ['change'], other: [] });
  for (const c of [a, b, other]) c.close();
});
