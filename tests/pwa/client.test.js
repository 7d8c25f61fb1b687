import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IDBFactory } from 'fake-indexeddb';
import { openClient } from '../../pwa/src/sync/client.js';
import { FakeServer } from './support/fake-server.js';
import { FakeLocks, ManualTimers, MemoryStorage, channelHub } from './support/fakes.js';
import './support/db.js';

/** One browser: a database factory, localStorage, Web Locks and a channel shared by its tabs. */
function browser(server) {
  const calls = [];
  const shared = { indexedDB: new IDBFactory(), storage: new MemoryStorage(), locks: new FakeLocks(), channel: channelHub() };
  const tab = (name) => openClient({
    ...shared,
    baseUrl: 'http://fake',
    deviceName: 'Ward 7 phone',
    fetch: (url, init) => {
      calls.push([name, (init?.method ?? 'GET').toUpperCase(), new URL(url).pathname]);
      return server.fetch(url, init);
    },
    env: (({ setTimeout, clearTimeout, setInterval, clearInterval }) => ({ setTimeout, clearTimeout, setInterval, clearInterval }))(new ManualTimers()),
    leaderWaitMs: 2_000,
  });
  return { tab, calls, shared };
}

function seeded() {
  const server = new FakeServer();
  server.upsert('site', 's1', { name: 'Main' });
  server.upsert('location', 'l1', { site_id: 's1', department_id: 'd1', name: 'Ward 7' });
  server.upsert('asset', 'a1', { name: 'Chiller', site_id: 's1', location_id: 'l1', status: 'in_service', notes: '' });
  return server;
}

test('no one signed in: the client opens empty', async () => {
  const { tab } = browser(seeded());
  const client = await tab('a');
  assert.equal(client.user, null);
  assert.deepEqual(await client.list('asset'), []);
  assert.equal(await client.pendingCount(), 0);
  await assert.rejects(client.act('asset.add_note', { asset_id: 'a1', text: 'x' }), { code: 'signed_out' });
  await client.close();
});

test('sign in, read, act, sync; reopen offline as the same user', async () => {
  const server = seeded();
  const { tab, calls, shared } = browser(server);
  const client = await tab('a');
  const statuses = [];
  client.on('status', (s) => statuses.push(s.state));
  await assert.rejects(client.signIn('T100', 'wrong'), { code: 'invalid_credentials' });
  const user = await client.signIn('T100', 'pw');
  assert.equal(user.employee_no, 'T100');
  assert.equal(client.user.name, 'Tess Tech');
  const login = server.requests.find((r) => r.path === '/api/v1/auth/login');
  assert.ok(login);
  const deviceId = shared.storage.getItem('rounds:device_id');
  assert.match(deviceId, /^[0-9a-f-]{36}$/);
  assert.equal(shared.storage.getItem('rounds:last_user'), 'T100');
  assert.equal((await client.get('asset', 'a1')).name, 'Chiller', 'the first pull ran');
  assert.deepEqual((await client.list('location', (l) => l.department_id === 'd1')).map((l) => l.id), ['l1']);
  assert.ok(statuses.includes('syncing') && statuses.at(-1) === 'idle', JSON.stringify(statuses));

  const changes = [];
  client.on('change', (c) => changes.push(c.types));
  server.offline = true;
  const op = await client.act('asset.set_status', { asset_id: 'a1', status: 'out_of_service' });
  assert.equal(op.seq, 1);
  assert.deepEqual(changes[0], ['asset', 'outbox']);
  assert.equal((await client.get('asset', 'a1')).status, 'out_of_service', 'shown at once, offline');
  assert.equal(await client.pendingCount(), 1);
  const offline = await client.syncNow();
  assert.equal(offline.ok, false);
  assert.equal(offline.error.code, 'offline');
  assert.equal(client.status.state, 'offline');
  await assert.rejects(client.backgroundSync(), { code: 'offline' }, 'Background Sync hears the failure and retries later');
  await client.close();

  // The app opens again with no network: same user, same data, same queue.
  const again = await tab('a');
  assert.equal(again.user.employee_no, 'T100');
  assert.equal((await again.get('asset', 'a1')).status, 'out_of_service');
  assert.equal(await again.pendingCount(), 1);
  server.offline = false;
  const outcome = await again.syncNow();
  assert.equal(outcome.ok, true);
  assert.equal(await again.pendingCount(), 0);
  assert.equal(server.rows.get('asset:a1').data.status, 'out_of_service');
  assert.ok(calls.some(([, m, p]) => m === 'POST' && p === '/api/v1/sync/push'));
  await again.close();
});

test('sign out refuses while ops are pending, unless forced; the outbox survives', async () => {
  const server = seeded();
  const { tab, shared } = browser(server);
  const client = await tab('a');
  await client.signIn('T100', 'pw');
  server.offline = true;
  await client.act('asset.add_note', { asset_id: 'a1', text: 'before lunch' });
  await assert.rejects(client.signOut(), { code: 'pending_ops', pending: 1 });
  assert.equal(client.user.employee_no, 'T100');
  await client.signOut({ force: true });
  assert.equal(client.user, null);
  assert.equal(shared.storage.getItem('rounds:last_user'), null);
  assert.equal((await tab('b')).user, null, 'the next launch asks for a sign-in');
  server.offline = false;
  await client.signIn('T100', 'pw');
  assert.equal(await client.pendingCount(), 0, 'the kept op went with the first sync');
  assert.match(server.rows.get('asset:a1').data.notes, /before lunch/);
  await client.signOut();
  await client.close();
});

test('two tabs: only the leader pushes; the follower asks it, and takes over when it closes', async () => {
  const server = seeded();
  const { tab, calls } = browser(server);
  const a = await tab('a');
  await a.signIn('T100', 'pw');
  const b = await tab('b');
  assert.equal(b.user.employee_no, 'T100', 'the second tab opens the same user');
  const heard = [];
  b.on('change', (c) => heard.push(...c.types));
  await b.act('asset.add_note', { asset_id: 'a1', text: 'from tab b' });
  const outcome = await b.syncNow();
  assert.equal(outcome.ok, true, 'answered by the leader');
  assert.equal(await b.pendingCount(), 0);
  const pushes = calls.filter(([, m, p]) => m === 'POST' && p === '/api/v1/sync/push').map(([tabName]) => tabName);
  assert.ok(pushes.length >= 1);
  assert.deepEqual([...new Set(pushes)], ['a'], 'only the leader pushes');
  assert.ok(!calls.some(([tabName, , p]) => tabName === 'b' && p.startsWith('/api/v1/sync/')), 'the follower syncs nothing');
  assert.ok(heard.includes('asset'));
  assert.match((await b.get('asset', 'a1')).notes, /from tab b/);

  await a.close(); // the leader's tab goes away
  await b.act('asset.add_note', { asset_id: 'a1', text: 'after a closed' });
  const later = await b.syncNow();
  assert.equal(later.ok, true);
  assert.ok(calls.some(([tabName, m, p]) => tabName === 'b' && m === 'POST' && p === '/api/v1/sync/push'), 'b leads now');
  assert.equal(await b.pendingCount(), 0);
  await b.close();
});

test('inbox, cached extras and blobs', async () => {
  const server = seeded();
  const { tab } = browser(server);
  const client = await tab('a');
  await client.signIn('T100', 'pw');
  await client.act('test.poison', {});
  await client.syncNow();
  const inbox = await client.inbox();
  assert.deepEqual(inbox.map((e) => [e.name, e.status, e.code]), [['test.poison', 'rejected', 'invalid_args']]);

  let fetched = 0;
  const fetcher = async (api) => { fetched += 1; return api.get('/api/v1/sync/inbox'); };
  assert.equal((await client.cached('inbox-copy', fetcher)).length, 1);
  server.offline = true;
  assert.equal((await client.cached('inbox-copy', fetcher)).length, 1, 'the stored copy, offline');
  assert.equal(await client.cached('never-fetched', fetcher), undefined);
  server.offline = false;
  await client.cached('inbox-copy', fetcher, { maxAgeMs: 60_000 });
  assert.equal(fetched, 3, 'a fresh copy is used without asking');

  const sha = await client.storeBlob(new Uint8Array([1, 2, 3]), 'image/png');
  const url = await client.blobUrl(sha);
  assert.match(url, /^blob:/);
  URL.revokeObjectURL(url);
  await client.act('work_order.attach', { work_order_id: 'w1', sha256: sha }, { blobs: [sha] });
  await client.syncNow();
  assert.ok(server.blobs.get(sha).complete, 'uploaded with the sync');
  await client.close();
});
