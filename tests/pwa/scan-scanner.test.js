import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Deduper, createScanner, classify } from '../../pwa/src/scan/scanner.js';

const event = (text, at, source = 'camera') => ({ text, symbology: 'qr_code', symbologyId: ']Q1', source, at });

test('dedupe: the same text within the window is delivered as suppressed', () => {
  const deduper = new Deduper(2000);
  assert.equal(deduper.check(event('A', 1000)).suppressed, undefined);
  assert.equal(deduper.check(event('A', 2500)).suppressed, true);
  assert.equal(deduper.check(event('B', 2600)).suppressed, undefined, 'another text is another scan');
});

test('dedupe: after the window the same text is a new scan', () => {
  const deduper = new Deduper(2000);
  deduper.check(event('A', 1000));
  assert.equal(deduper.check(event('A', 3000)).suppressed, undefined, 'exactly the window later');
  assert.equal(deduper.check(event('A', 5001)).suppressed, undefined);
});

test('dedupe: the window slides while the code stays in view', () => {
  const deduper = new Deduper(2000);
  const seen = [0, 900, 1800, 2700, 3600].map((at) => deduper.check(event('A', at)).suppressed ?? false);
  assert.deepEqual(seen, [false, true, true, true, true]);
  assert.equal(deduper.check(event('A', 5700)).suppressed, undefined, 'away for the window: new');
});

test('the scanner delivers every source to every subscriber, once per scan', () => {
  let clock = 10_000;
  const scanner = createScanner({ now: () => clock });
  const first = [];
  const second = [];
  const offFirst = scanner.subscribe((e) => first.push(e));
  scanner.subscribe((e) => second.push(e));

  scanner.emit({ text: 'https://rounds.example.org/a/7K3M9Q2XWD', symbology: 'qr_code', symbologyId: ']Q1', source: 'camera' });
  clock += 500;
  scanner.emit({ text: 'https://rounds.example.org/a/7K3M9Q2XWD', symbology: 'qr_code', symbologyId: ']Q1', source: 'wedge' });
  clock += 100;
  const typed = scanner.manual('  4006381333931 ');
  offFirst();
  clock += 3000;
  scanner.manual('4006381333931');
  assert.equal(scanner.manual('   '), null, 'a blank entry is no scan');

  assert.deepEqual(
    first.map((e) => [e.source, e.at, e.suppressed ?? false]),
    [['camera', 10_000, false], ['wedge', 10_500, true], ['manual', 10_600, false]],
  );
  assert.equal(second.length, 4);
  assert.deepEqual(typed, { text: '4006381333931', symbology: 'unknown', symbologyId: '', source: 'manual', at: 10_600 });
  assert.deepEqual(classify(typed), { kind: 'gtin', gtin: '04006381333931', gs1: false });
});

test('a failing subscriber does not keep the scan from the others', () => {
  const scanner = createScanner();
  const got = [];
  const original = globalThis.reportError;
  const reported = [];
  globalThis.reportError = (error) => reported.push(error);
  try {
    scanner.subscribe(() => {
      throw new Error('boom');
    });
    scanner.subscribe((e) => got.push(e.text));
    scanner.manual('ABC');
  } finally {
    globalThis.reportError = original;
  }
  assert.deepEqual(got, ['ABC']);
  assert.equal(reported.length, 1);
});

test('with autoWedge the keyboard wedge listens exactly while someone is subscribed', () => {
  const listeners = new Map();
  const fakeDocument = {
    addEventListener: (type, fn) => listeners.set(type, fn),
    removeEventListener: (type) => listeners.delete(type),
    activeElement: null,
    defaultView: null,
  };
  const scanner = createScanner({ document: /** @type {any} */ (fakeDocument), autoWedge: true, now: () => 1 });
  assert.equal(listeners.size, 0);
  const got = [];
  const off = scanner.subscribe((e) => got.push(e));
  assert.ok(listeners.has('keydown'));
  const keydown = listeners.get('keydown');
  let prevented = 0;
  let at = 100;
  for (const key of [...']C0ITM-00042', 'Enter']) {
    keydown({
      key, timeStamp: (at += 5), target: null, ctrlKey: false, altKey: false, metaKey: false, shiftKey: false, repeat: false, isComposing: false,
      keyCode: 0, preventDefault: () => (prevented += 1), stopImmediatePropagation: () => {},
    });
  }
  assert.deepEqual(got, [{ text: 'ITM-00042', symbology: 'code_128', symbologyId: ']C0', source: 'wedge', at: 1 }]);
  assert.equal(prevented, 12, 'every key after the first, and the Enter');
  off();
  assert.equal(listeners.size, 0);
});
