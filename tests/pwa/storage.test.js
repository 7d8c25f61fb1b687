// The phone's storage failing under the app: a connection closed (WebKit does it to
// backgrounded pages) and a full disk. Nothing the user did is lost either way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IDBFactory } from 'fake-indexeddb';
import { openClient } from '../../pwa/src/sync/client.js';
import { FakeServer } from './support/fake-server.js';
import { FakeLocks, ManualTimers, MemoryStorage, channelHub } from './support/fakes.js';
import { limitStorage } from './support/quota.js';
import './support/db.js';

function seeded() {
  const server = new FakeServer();
  server.upsert('site', 's1', { name: 'Main' });
  server.upsert('asset', 'a1', { name: 'Chiller', site_id: 's1', status: 'in_service', notes: '' });
  return server;
}

/** One browser's tab: its database factory, localStorage and locks; `estimate` for its disk. */
function browser(server, { estimate } = {}) {
  const shared = { indexedDB: new IDBFactory(), storage: new MemoryStorage(), locks: new FakeLocks(), channel: channelHub() };
  const timers = new ManualTimers();
  const tab = () => openClient({
    ...shared,
    baseUrl: 'http://fake',
    fetch: server.fetch,
    env: { setTimeout: timers.setTimeout, clearTimeout: timers.clearTimeout, setInterval: timers.setInterval, clearInterval: timers.clearInterval, estimate },
  });
  return { tab, shared };
}

/** The connection the client holds now: its IDBDatabase, closed under it as WebKit does. */
const closeUnder = (client) => client.s.db.db.close();

test('a connection closed under the app is opened again and the action tried once more', async () => {
  const server = seeded();
  const { tab } = browser(server);
  const client = await tab();
  await client.signIn('T100', 'pw');
  server.offline = true;
  closeUnder(client);
  assert.equal((await client.get('asset', 'a1')).name, 'Chiller', 'a read after the loss');
  closeUnder(client);
  const op = await client.act('asset.add_note', { asset_id: 'a1', text: 'after the tab slept' });
  assert.equal(op.seq, 1);
  closeUnder(client);
  assert.equal(await client.pendingCount(), 1);
  assert.match((await client.get('asset', 'a1')).notes, /after the tab slept/);
  closeUnder(client);
  server.offline = false;
  const outcome = await client.syncNow();
  assert.equal(outcome.ok, true, 'a sync after the loss');
  assert.equal(await client.pendingCount(), 0);
  assert.match(server.rows.get('asset:a1').data.notes, /after the tab slept/);
  await client.close();
});

test('lost again on the retry: the user is told to reload, and the action is kept for then', async () => {
  const server = seeded();
  const { tab, shared } = browser(server);
  const client = await tab();
  await client.signIn('T100', 'pw');
  server.offline = true;
  // Every connection opened from now on is closed at once: the storage keeps failing.
  const open = shared.indexedDB.open.bind(shared.indexedDB);
  shared.indexedDB.open = (...args) => {
    const request = open(...args);
    request.addEventListener('success', () => request.result.close());
    return request;
  };
  closeUnder(client);
  await assert.rejects(client.act('asset.add_note', { asset_id: 'a1', text: 'typed in the dark' }), { code: 'storage_lost', kept: true });
  await client.close();

  // The reload: storage works again; the kept action is queued with its own id and time.
  shared.indexedDB.open = open;
  const reloaded = await tab();
  assert.equal(await reloaded.pendingCount(), 1);
  assert.match((await reloaded.get('asset', 'a1')).notes, /typed in the dark/);
  assert.equal(shared.storage.getItem('rounds:unsaved:T100'), null, 'queued, so no longer kept aside');
  server.offline = false;
  await reloaded.syncNow();
  assert.equal([...server.ops.values()].filter((op) => op.args.text === 'typed in the dark').length, 1);
  await reloaded.close();
  const again = await tab();
  assert.equal(await again.pendingCount(), 0, 'queued once, not again at the next start');
  await again.close();
});

test('a full disk: the action is refused, nothing half-kept; a sync acknowledges and frees space', async () => {
  const server = seeded();
  const disk = limitStorage('rounds:T100');
  try {
    const { tab } = browser(server, { estimate: disk.estimate });
    const client = await tab();
    await client.signIn('T100', 'pw');
    // A photo sent and acknowledged: its bytes stay for 14 days (a restored server needs them).
    const sha = await client.storeBlob(new Uint8Array(200_000).fill(3), 'image/jpeg');
    await client.act('asset.add_note', { asset_id: 'a1', text: 'with a photo' }, { blobs: [sha] });
    await client.syncNow();
    assert.ok(server.blobs.get(sha).complete);
    // One more op the server applies, not yet acknowledged: then the disk fills up.
    // (Twice: the sync the action starts, and the one asked for here.)
    for (let i = 0; i < 2; i += 1) server.fail((method, path) => path === '/api/v1/sync/pull', 503);
    await client.act('asset.add_note', { asset_id: 'a1', text: 'applied, not acked' });
    await client.syncNow();
    assert.equal(await client.pendingCount(), 1);
    disk.budget = disk.used + 200;

    await assert.rejects(client.act('asset.add_note', { asset_id: 'a1', text: 'x'.repeat(400) }), { code: 'storage_full' });
    assert.equal(await client.pendingCount(), 1, 'nothing half-stored');
    await assert.rejects(client.storeBlob(new Uint8Array(10_000), 'image/jpeg'), { code: 'storage_full' });

    server.upsert('asset', 'a1', { name: 'Chiller (renamed by the desk)' }); // a page to write
    const outcome = await client.syncNow();
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
    assert.equal(await client.pendingCount(), 0, 'acknowledged on a full disk');
    assert.equal(await client.blobUrl(sha).catch(() => 'gone'), undefined, 'the photo the server holds was freed');
    assert.equal((await client.get('asset', 'a1')).name, 'Chiller (renamed by the desk)', 'the page went in once there was room');
    const op = await client.act('asset.add_note', { asset_id: 'a1', text: 'x'.repeat(400) });
    assert.equal(op.seq, 3, 'room again for the action');
    await client.close();
  } finally {
    disk.restore();
  }
});

test('a full disk with nothing else to free: the acks still go, and make the room', async () => {
  const server = seeded();
  const disk = limitStorage('rounds:T100');
  try {
    const { tab } = browser(server, { estimate: disk.estimate });
    const client = await tab();
    await client.signIn('T100', 'pw');
    for (let i = 0; i < 2; i += 1) server.fail((method, path) => path === '/api/v1/sync/pull', 503);
    // A large op (its reason runs long) whose effect on the server's row is small.
    await client.act('asset.set_status', { asset_id: 'a1', status: 'out_of_service', reason: 'a long story '.repeat(300) });
    await client.syncNow();
    assert.equal(await client.pendingCount(), 1, 'applied on the server, not acknowledged');
    disk.budget = disk.used + 100;
    server.upsert('asset', 'a1', { name: 'Chiller (renamed by the desk)' });
    const outcome = await client.syncNow();
    assert.equal(outcome.ok, true, JSON.stringify(outcome.error));
    assert.equal(await client.pendingCount(), 0, 'the ack went though the page did not fit');
    assert.equal((await client.get('asset', 'a1')).name, 'Chiller (renamed by the desk)', 'then the page did');
    await client.close();
  } finally {
    disk.restore();
  }
});

test('a full disk: the push goes though its answers cannot be kept, and a photo the server now holds frees its bytes', async () => {
  const server = seeded();
  const disk = limitStorage('rounds:T100');
  try {
    const { tab } = browser(server, { estimate: disk.estimate });
    const client = await tab();
    await client.signIn('T100', 'pw');
    server.offline = true;
    const sha = await client.storeBlob(new Uint8Array(200_000).fill(5), 'image/jpeg');
    await client.act('asset.add_note', { asset_id: 'a1', text: 'photo of the fan' }, { blobs: [sha] });
    disk.budget = disk.used + 100; // full, with nothing the server holds to free
    server.offline = false;
    const outcome = await client.syncNow();
    assert.equal(outcome.ok, true, JSON.stringify(outcome.error));
    assert.ok(server.blobs.get(sha).complete, 'uploaded');
    assert.equal(await client.pendingCount(), 0, 'pushed and acknowledged');
    assert.equal(disk.used < disk.budget - 150_000, true, 'the photo\'s bytes went once the server had them');
    assert.match(server.rows.get('asset:a1').data.notes, /photo of the fan/);
    await client.close();
  } finally {
    disk.restore();
  }
});
