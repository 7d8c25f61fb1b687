// Every code the server can put in the inbox (server/domain/sync/inbox.py outcome_codes, as
// generated into rules.js) has the phone's own words in both languages, and the inbox shows
// them by code, or the server's own text for a code this app does not know yet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import RULES from '../../pwa/src/shared/rules.js';
import en from '../../pwa/src/app/messages/en.js';
import zh from '../../pwa/src/app/messages/zh-CN.js';

// i18n.js sets the page's language on <html>; node has no page.
globalThis.document ??= /** @type {any} */ ({ documentElement: {} });
const { setLanguage } = await import('../../pwa/src/app/i18n.js');
const { outcomeText } = await import('../../pwa/src/app/views/inbox.js');

test('both catalogues translate every code the server can put in the inbox', () => {
  assert.ok(RULES.outcome_codes.length >= 20);
  for (const [name, catalogue] of [['en', en], ['zh-CN', zh]]) {
    const missing = RULES.outcome_codes.filter((code) => !(`inbox.code.${code}` in catalogue));
    assert.deepEqual(missing, [], `${name} lacks words for these codes`);
  }
});

test('an entry is shown in the user’s language by its code, a conflict by its status', async () => {
  await setLanguage('zh-CN');
  const rejected = { status: 'rejected', code: 'invalid_confirmation', message: 'No colleague has the employee number X1.' };
  assert.deepEqual(outcomeText(rejected), { text: zh['inbox.code.invalid_confirmation'], translated: true });
  const conflict = { status: 'conflict', code: null, message: 'The work order was cancelled meanwhile.' };
  assert.deepEqual(outcomeText(conflict), { text: zh['inbox.code.conflict'], translated: true });
  await setLanguage('en');
  assert.equal(outcomeText(rejected).text, en['inbox.code.invalid_confirmation']);
});

test('a code this app does not know yet shows the server’s own words', async () => {
  await setLanguage('zh-CN');
  const newer = { status: 'rejected', code: 'quota_of_the_future', message: 'Your store is over its quota.' };
  assert.deepEqual(outcomeText(newer), { text: 'Your store is over its quota.', translated: false });
  assert.deepEqual(outcomeText({ status: 'rejected', code: 'quota_of_the_future', message: null }), { text: 'quota_of_the_future', translated: false });
});
