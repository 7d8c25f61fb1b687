import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HybridClock, Timestamp, compare } from '../../pwa/src/shared/hlc.js';

test('ticks move forward within one millisecond', () => {
  const clock = new HybridClock('phone-a');
  const first = clock.tick(1000);
  const second = clock.tick(1000);
  const third = clock.tick(999); // the wall clock stepped back
  assert.deepEqual([first.wallMs, first.counter], [1000, 0]);
  assert.deepEqual([second.wallMs, second.counter], [1000, 1]);
  assert.deepEqual([third.wallMs, third.counter], [1000, 2]);
  assert.ok(compare(first, second) < 0 && compare(second, third) < 0);
  assert.deepEqual([clock.tick(1001).wallMs, clock.last.counter], [1001, 0]);
});

test('receive never runs behind a remote stamp (the sync/hlc.py doctest)', () => {
  const clock = new HybridClock('phone-a');
  clock.tick(1000);
  const remote = Timestamp.parse('0000000005000:0000:phone-b');
  const later = clock.receive(remote, 1001);
  assert.deepEqual([later.wallMs, later.counter], [5000, 1]);
  assert.ok(compare(later, remote) > 0);
  const busy = Timestamp.parse('0000000005000:0007:phone-c');
  assert.deepEqual([clock.receive(busy, 1002).counter], [8]);
  assert.deepEqual([clock.receive(busy, 6000).wallMs, clock.last.counter], [6000, 0]);
});

test('the counter overflows loudly', () => {
  const clock = new HybridClock('n', new Timestamp(10, 9999, 'n'));
  assert.throws(() => clock.tick(10), RangeError);
});

test('string form round-trips and rejects malformed stamps', () => {
  const stamp = new Timestamp(1763838729512, 1, '9d2f3c1a');
  assert.equal(String(stamp), '1763838729512:0001:9d2f3c1a');
  assert.deepEqual(Timestamp.parse(String(stamp)), stamp);
  assert.equal(Timestamp.parse('0000000000001:0000:a:b').node, 'a:b');
  for (const bad of ['', '1:0000:n', '0000000000001:00:n', '0000000000001:0000:', 'x']) {
    assert.throws(() => Timestamp.parse(bad), RangeError, bad);
  }
});

test('the string form sorts like the clock', () => {
  const clock = new HybridClock('phone-a');
  const other = new HybridClock('phone-b');
  const stamps = [];
  for (const now of [5, 5, 5, 3, 12000, 12000, 1763838729512, 1763838729512]) {
    stamps.push(clock.tick(now));
    stamps.push(other.receive(clock.last, now - 1));
  }
  const byClock = [...stamps].sort(compare).map(String);
  const byString = stamps.map(String).sort();
  assert.deepEqual(byString, byClock);
  assert.equal(new Set(byString).size, stamps.length);
});
