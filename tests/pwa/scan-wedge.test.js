import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WedgeDecoder } from '../../pwa/src/scan/wedge.js';

/**
 * Type `keys` into a decoder, `gapMs` apart, starting at `start`; returns the decisions.
 * A key is a KeyboardEvent.key, or [key, mods].
 * @param {WedgeDecoder} decoder
 * @param {Array<string | [string, object]>} keys
 * @param {number | number[]} gapMs one gap for all, or one per key after the first
 */
function type(decoder, keys, gapMs, start = 1000) {
  let at = start;
  return keys.map((entry, i) => {
    if (i > 0) at += Array.isArray(gapMs) ? gapMs[i - 1] : gapMs;
    const [key, mods] = Array.isArray(entry) ? entry : [entry, {}];
    return { at, ...decoder.feed(key, at, mods) };
  });
}

const chars = (text) => [...text];
const scans = (decisions) => decisions.filter((d) => d.scan).map((d) => d.scan);

test('a fast burst ended by Enter is one scan, kept out of the page after its first key', () => {
  const decoder = new WedgeDecoder();
  const decisions = type(decoder, [...chars('7K3M9Q2XWD'), 'Enter'], 12);
  assert.deepEqual(scans(decisions), [{ text: '7K3M9Q2XWD', symbology: 'unknown', symbologyId: '' }]);
  assert.equal(decisions[0].hold, false, 'the first key cannot be told from a person’s');
  assert.ok(decisions.slice(1).every((d) => d.hold), 'the rest, and the Enter, are held');
  assert.equal(decisions.at(-1).leaked, '7', 'the key that went through is named for taking back');
  assert.ok(decisions.every((d) => d.flush === ''));
});

test('Tab ends a scan too; a terminator after a pause does not', () => {
  const decoder = new WedgeDecoder();
  assert.deepEqual(scans(type(decoder, [...chars('ITM-00042/B'), 'Tab'], 8)), [
    { text: 'ITM-00042/B', symbology: 'unknown', symbologyId: '' },
  ]);
  const late = type(decoder, [...chars('ABCDEF'), 'Enter'], [5, 5, 5, 5, 5, 400]);
  assert.deepEqual(scans(late), []);
  assert.equal(late.at(-1).hold, false, 'a late Enter is a person’s: it goes through');
});

test('a burst that does not end in Enter or Tab gives its held keys back', () => {
  const decoder = new WedgeDecoder();
  const decisions = type(decoder, chars('ABCDE'), 10);
  assert.equal(decoder.expire(decisions.at(-1).at + 50), '', 'an Enter may still come');
  assert.equal(decoder.expire(decisions.at(-1).at + 150), 'BCDE');
  assert.equal(decoder.held, '');
});

test('slow typing is never a scan and never held', () => {
  const decoder = new WedgeDecoder();
  const decisions = type(decoder, [...chars('hello world'), 'Enter'], 140);
  assert.deepEqual(scans(decisions), []);
  assert.ok(decisions.every((d) => !d.hold && d.flush === ''));
});

test('a person’s quick key pair is held, then given back before the next key lands', () => {
  const decoder = new WedgeDecoder();
  // "th" rolled fast, then "e" at a human pace, then Enter.
  const decisions = type(decoder, ['t', 'h', 'e', 'Enter'], [30, 160, 150]);
  assert.deepEqual(decisions.map((d) => [d.hold, d.flush]), [
    [false, ''],
    [true, ''],
    [false, 'h'],
    [false, ''],
  ]);
  assert.deepEqual(scans(decisions), []);
});

test('fewer keys than the minimum are not a scan, and what was held comes back', () => {
  const decoder = new WedgeDecoder();
  const decisions = type(decoder, ['4', '2', '7', 'Enter'], 5);
  assert.deepEqual(scans(decisions), []);
  assert.equal(decisions.at(-1).flush, '27');
  assert.equal(decisions.at(-1).hold, false);
});

test('Shift between the characters of a burst is ignored, auto-repeat and IME break it', () => {
  const decoder = new WedgeDecoder();
  const shifted = ['Shift', 'A', 'b', 'Shift', 'C', 'd', 'Enter'];
  assert.deepEqual(scans(type(decoder, shifted, 3)), [{ text: 'AbCd', symbology: 'unknown', symbologyId: '' }]);
  const repeat = type(decoder, ['a', ['a', { repeat: true }], ['a', { repeat: true }], ['a', { repeat: true }], 'a', 'Enter'], 30);
  assert.deepEqual(scans(repeat), []);
  const ime = type(decoder, [['n', { composing: true }], ['i', { composing: true }], ['h', { composing: true }], ['a', { composing: true }], 'Enter'], 5);
  assert.deepEqual(scans(ime), []);
  assert.ok(ime.every((d) => !d.hold));
});

test('a Ctrl shortcut is not part of a burst', () => {
  const decoder = new WedgeDecoder();
  const decisions = type(decoder, ['a', 'b', ['c', { ctrl: true }], 'd', 'e', 'Enter'], 5);
  assert.deepEqual(scans(decisions), []);
  assert.equal(decisions[2].flush, 'b', 'the held key is given back at the shortcut');
});

test('an AIM symbology identifier is read and stripped', () => {
  const cases = [
    [']C1', 'code_128'],
    [']C0', 'code_128'],
    [']E0', 'ean_13'],
    [']E4', 'ean_8'],
    [']d2', 'data_matrix'],
    [']Q1', 'qr_code'],
    [']Q3', 'qr_code'],
    [']A0', 'code_39'],
    [']I1', 'itf'],
  ];
  for (const [id, symbology] of cases) {
    const decoder = new WedgeDecoder();
    const [scan] = scans(type(decoder, [...chars(`${id}4006381333931`), 'Enter'], 4));
    assert.deepEqual(scan, { text: '4006381333931', symbology, symbologyId: id }, id);
  }
  const off = new WedgeDecoder({ aimPrefix: false });
  assert.equal(scans(type(off, [...chars(']C0ABCD'), 'Enter'], 4))[0].text, ']C0ABCD');
});

test('the GS1 separator: F8, Ctrl+], a raw ASCII 29, or a configured stand-in become ASCII 29', () => {
  const expected = '010950600013435210LOT42\x1d17261231';
  const viaF8 = new WedgeDecoder();
  const f8 = scans(type(viaF8, [...chars(']C1010950600013435210LOT42'), 'F8', ...chars('17261231'), 'Enter'], 6));
  assert.deepEqual(f8, [{ text: expected, symbology: 'code_128', symbologyId: ']C1' }]);

  const viaCtrl = new WedgeDecoder();
  const ctrl = scans(type(viaCtrl, [...chars('010950600013435210LOT42'), [']', { ctrl: true }], ...chars('17261231'), 'Enter'], 6));
  assert.equal(ctrl[0].text, expected);

  const raw = new WedgeDecoder();
  assert.equal(scans(type(raw, [...chars('010950600013435210LOT42\x1d17261231'), 'Enter'], 6))[0].text, expected);

  const tilde = new WedgeDecoder({ gsStandIn: '~' });
  const withTilde = scans(type(tilde, [...chars(']d2010950600013435210LOT42~17261231'), 'Enter'], 6));
  assert.deepEqual(withTilde, [{ text: expected, symbology: 'data_matrix', symbologyId: ']d2' }]);
  // A code the identifier says is not GS1 keeps its "~" (a URL may have one).
  const url = scans(type(tilde, [...chars(']Q1https://example.org/~x'), 'Enter'], 6));
  assert.equal(url[0].text, 'https://example.org/~x');

  const multi = new WedgeDecoder({ gsStandIn: ['<GS>', '^]'] });
  assert.equal(scans(type(multi, [...chars('010950600013435210LOT42<GS>17261231'), 'Enter'], 6))[0].text, expected);
});

test('the default gaps: 50 ms between keys is a burst, 51 ms is not', () => {
  const fast = new WedgeDecoder();
  assert.equal(scans(type(fast, [...chars('ABCDEFG'), 'Enter'], 50)).length, 1);
  const slow = new WedgeDecoder();
  assert.equal(scans(type(slow, [...chars('ABCDEFG'), 'Enter'], 51)).length, 0);
});
