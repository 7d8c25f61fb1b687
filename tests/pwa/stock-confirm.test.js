// Each scan in continuous mode is confirmed at once: a short high beep and a tap of
// vibration when it named something, a low double beep and a longer buzz when it did not;
// a phone without WebAudio or vibration still gets the line, and nothing throws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { confirmScan } from '../../pwa/src/app/components/scan-stream.js';

function fakes() {
  const tones = [];
  const buzzes = [];
  class FakeAudio {
    constructor() {
      this.state = 'suspended';
      this.currentTime = 10;
      this.destination = {};
    }
    resume() {
      this.state = 'running';
      return Promise.resolve();
    }
    createGain() {
      return { gain: { value: 0 }, connect: (to) => to };
    }
    createOscillator() {
      const osc = { frequency: { value: 0 }, connect: (gain) => gain, start: (at) => tones.push({ freq: osc.frequency.value, at }), stop: () => {} };
      return osc;
    }
  }
  Object.defineProperty(globalThis, 'navigator', { value: { vibrate: (pattern) => buzzes.push(pattern) }, configurable: true });
  globalThis.AudioContext = FakeAudio;
  return { tones, buzzes };
}

test('a known scan beeps high once and taps; an unknown one beeps low twice and buzzes', () => {
  const { tones, buzzes } = fakes();
  confirmScan(true);
  assert.deepEqual(tones.map((t) => t.freq), [1760]);
  assert.deepEqual(buzzes, [40]);
  confirmScan(false);
  assert.deepEqual(tones.slice(1).map((t) => t.freq), [440, 440]);
  assert.ok(tones[2].at > tones[1].at, 'two beeps, one after the other');
  assert.deepEqual(buzzes[1], [90, 60, 90]);
});

test('without vibration or sound nothing fails', () => {
  Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true });
  delete globalThis.AudioContext;
  assert.doesNotThrow(() => confirmScan(true));
  Object.defineProperty(globalThis, 'navigator', { value: { vibrate: () => { throw new Error('not allowed'); } }, configurable: true });
  assert.doesNotThrow(() => confirmScan(false));
});
