// The service worker sending the outbox itself (src/sw/outbox.js, run by pwa/sw-module.js
// when Background Sync fires with no window of the app open): each signed-in user's ops go
// under that user's own tokens; a user whose tab holds the sync lock is left to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { IDBFactory } from 'fake-indexeddb';
import { syncWithoutWindow } from '../../pwa/src/sw/outbox.js';
import { enqueue, pending } from '../../pwa/src/sync/outbox.js';
import { FakeServer } from './support/fake-server.js';
import { FakeLocks } from './support/fakes.js';
import { signedIn } from './support/setup.js';
import { freshDb } from './support/db.js';

const PWA = new URL('../../pwa/', import.meta.url);

async function phone() {
  const server = new FakeServer();
  server.upsert('asset', 'a1', { name: 'Chiller', status: 'in_service', notes: '' });
  const factory = new IDBFactory();
  const { db } = await signedIn(server, { factory });
  await enqueue(db, { name: 'asset.add_note', v: 1, args: { asset_id: 'a1', text: 'queued before the app closed' } });
  db.close();
  const env = { indexedDB: factory, fetch: server.fetch, locks: new FakeLocks(), origin: 'http://fake' };
  return { server, factory, env };
}

test('with no window open, the worker pushes the outbox and pulls its acks', async () => {
  const { server, factory, env } = await phone();
  // Another user signed out on this phone: their database is left alone.
  const other = await freshDb({ factory, name: 'rounds:T200' });
  await enqueue(other, { name: 'asset.add_note', v: 1, args: { asset_id: 'a1', text: 'not under T100' } });
  other.close();
  const outcomes = await syncWithoutWindow(env);
  assert.deepEqual(outcomes.map((o) => [o.employeeNo, o.ok, o.skipped ?? null]), [['T100', true, null], ['T200', true, 'signed out']]);
  assert.match(server.rows.get('asset:a1').data.notes, /queued before the app closed/);
  assert.ok(!server.rows.get('asset:a1').data.notes.includes('not under T100'));
  const pushes = server.requests.filter((r) => r.path === '/api/v1/sync/push');
  assert.deepEqual(pushes.map((r) => r.auth), ['Bearer a1'], "T100's own token");
  const db = await freshDb({ factory, name: 'rounds:T100' });
  assert.deepEqual(await pending(db), [], 'acknowledged by the pull that followed');
  db.close();
});

test('a window holding the sync lock is left to sync itself', async () => {
  const { server, env } = await phone();
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  env.locks.request('rounds-sync:T100', () => held); // a leading tab of T100
  const outcomes = await syncWithoutWindow(env);
  assert.deepEqual(outcomes.map((o) => o.skipped), ['a window of the app syncs']);
  assert.equal(server.requests.filter((r) => r.path.startsWith('/api/v1/sync/')).length, 0);
  release();
});

test('a sync that fails rejects, so that the browser tries again later', async () => {
  const { server, factory, env } = await phone();
  server.offline = true;
  await assert.rejects(syncWithoutWindow(env), /T100/);
  const db = await freshDb({ factory, name: 'rounds:T100' });
  assert.equal((await pending(db)).length, 1, 'nothing dropped');
  db.close();
});

test('the module worker loads the same parts as the classic one, and the outbox sender', () => {
  const classic = readFileSync(new URL('sw.js', PWA), 'utf8');
  const module = readFileSync(new URL('sw-module.js', PWA), 'utf8');
  const scripts = [...classic.matchAll(/'\.\/(src\/sw\/[a-z-]+\.js)'/g)].map((m) => m[1]);
  const imports = [...module.matchAll(/^import (?:.* from )?'\.\/(src\/sw\/[a-z-]+\.js)';$/gm)].map((m) => m[1]);
  assert.deepEqual(imports, [...scripts, 'src/sw/outbox.js']);
});
