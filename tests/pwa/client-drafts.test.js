// The client's drafts: kept in the signed-in user's own database, read by every tab of the
// browser, kept through signing out and in again, and none while nobody is signed in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IDBFactory } from 'fake-indexeddb';
import { openClient } from '../../pwa/src/sync/client.js';
import { FakeServer } from './support/fake-server.js';
import { FakeLocks, ManualTimers, MemoryStorage, channelHub } from './support/fakes.js';
import './support/db.js';

function browser(server) {
  const shared = { indexedDB: new IDBFactory(), storage: new MemoryStorage(), locks: new FakeLocks(), channel: channelHub() };
  return () => openClient({
    ...shared,
    baseUrl: 'http://fake',
    fetch: (url, init) => server.fetch(url, init),
    env: (({ setTimeout, clearTimeout, setInterval, clearInterval }) => ({ setTimeout, clearTimeout, setInterval, clearInterval }))(new ManualTimers()),
    leaderWaitMs: 2_000,
  });
}

test('a draft typed in one tab is there in another, and after signing out and in again', async () => {
  const tab = browser(new FakeServer());
  const first = await tab();
  assert.equal(await first.draft('note:w1'), undefined, 'signed out: no drafts');
  assert.equal(await first.saveDraft('note:w1', { text: 'lost' }), undefined, 'signed out: nothing kept');
  await first.signIn('T100', 'pw');
  assert.equal(await first.draft('note:w1'), undefined);
  await first.saveDraft('note:w1', { text: 'Fan bearing noisy' });
  await first.saveDraft('hold:w1', { reason: 'Parts' });

  const second = await tab();
  assert.deepEqual((await second.draft('note:w1'))?.fields, { text: 'Fan bearing noisy' });
  assert.deepEqual(await second.draftKeys('note:'), ['note:w1']);
  await second.close();

  await first.signOut();
  assert.equal(await first.draft('note:w1'), undefined);
  await first.signIn('T100', 'pw');
  assert.deepEqual((await first.draft('note:w1'))?.fields, { text: 'Fan bearing noisy' }, "kept in the user's database");
  await first.dropDraft('note:w1');
  assert.equal(await first.draft('note:w1'), undefined);
  assert.deepEqual((await first.draft('hold:w1'))?.fields, { reason: 'Parts' });
  await first.close();
});
