// Settings says where Web Push stands on this phone in words, in both languages, for every
// state src/app/push.js reports (the key is built from the state).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import en from '../../pwa/src/app/messages/en.js';
import zh from '../../pwa/src/app/messages/zh-CN.js';

const source = readFileSync(new URL('../../pwa/src/app/push.js', import.meta.url), 'utf8');
const states = [...source.match(/@typedef \{([^}]+)\} PushState/)[1].matchAll(/'(\w+)'/g)].map((m) => m[1]);

test('every push state has its words in both languages', () => {
  assert.deepEqual(states, ['on', 'off', 'blocked', 'ask', 'home_screen', 'unsupported']);
  for (const state of states) {
    assert.ok(`settings.push_${state}` in en, `en: ${state}`);
    assert.ok(`settings.push_${state}` in zh, `zh-CN: ${state}`);
  }
  assert.match(en['settings.push_home_screen'], /Home Screen \(iOS 16\.4 or later\)/);
});
