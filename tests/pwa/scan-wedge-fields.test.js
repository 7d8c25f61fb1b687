// The keyboard wedge listens on every screen, but keys typed into a text field are typing,
// never a scan, however fast they come: the same burst that is a scan on the page is left to
// the field, untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attachWedge } from '../../pwa/src/scan/wedge.js';

function page() {
  const listeners = new Map();
  return {
    listeners,
    doc: {
      addEventListener: (type, fn) => listeners.set(type, fn),
      removeEventListener: (type) => listeners.delete(type),
      activeElement: null,
      defaultView: null,
    },
  };
}

const field = (tagName, type = 'text') => ({
  tagName, type, value: '', readOnly: false, disabled: false, setRangeText() {}, closest: () => null,
});
const BODY = { tagName: 'BODY', closest: () => null };

/** A scanner's burst: the keys 5 ms apart, then Enter, aimed at `target`. */
function burst(keydown, target, text) {
  let prevented = 0;
  let at = 1000;
  for (const key of [...text, 'Enter']) {
    keydown({
      key, timeStamp: (at += 5), target, ctrlKey: false, altKey: false, metaKey: false, shiftKey: false,
      repeat: false, isComposing: false, keyCode: 0, preventDefault: () => (prevented += 1), stopImmediatePropagation: () => {},
    });
  }
  return prevented;
}

test('a fast burst on the page is a scan; the same burst into a text field is typing', () => {
  const { doc, listeners } = page();
  const scans = [];
  const detach = attachWedge((scan) => scans.push(scan.text), { target: /** @type {any} */ (doc) });
  const keydown = listeners.get('keydown');

  assert.ok(burst(keydown, BODY, '7K3M9Q2XWD') > 0);
  assert.deepEqual(scans, ['7K3M9Q2XWD']);

  for (const target of [field('TEXTAREA'), field('INPUT', 'text'), field('INPUT', 'search'), field('INPUT', 'number'),
    { tagName: 'DIV', isContentEditable: true, closest: () => null }]) {
    doc.activeElement = target;
    assert.equal(burst(keydown, target, '7K3M9Q2XWD'), 0, `${target.tagName} ${target.type ?? ''}: no key held back`);
  }
  assert.deepEqual(scans, ['7K3M9Q2XWD'], 'typing in a field never became a scan');

  doc.activeElement = null;
  burst(keydown, { tagName: 'BUTTON', closest: () => null }, 'ITM-00042');
  assert.deepEqual(scans, ['7K3M9Q2XWD', 'ITM-00042'], 'a focused button is no field: the scan lands');
  detach();
});
