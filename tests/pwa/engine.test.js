import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_DELAY_MS, backoffDelay, createEngine } from '../../pwa/src/sync/engine.js';
import { enqueue, pending } from '../../pwa/src/sync/outbox.js';
import { push } from '../../pwa/src/sync/push.js';
import { storeBlob } from '../../pwa/src/sync/blobs.js';
import { FakeServer } from './support/fake-server.js';
import { ManualTimers } from './support/fakes.js';
import { signedIn } from './support/setup.js';
import { all } from './support/db.js';

async function setup({ random = () => 1 } = {}) {
  const server = new FakeServer();
  server.upsert('asset', 'a1', { name: 'Chiller', status: 'in_service', notes: '' });
  const { db, api } = await signedIn(server);
  const timers = new ManualTimers();
  const win = new EventTarget();
  const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' });
  const statuses = [];
  const changes = [];
  let waiters = [];
  const engine = createEngine({
    db,
    api,
    env: { window: win, document: doc, ...timers, random, now: () => new Date(timers.now) },
    onStatus: (s) => {
      statuses.push(s);
      if (s.state !== 'syncing') { waiters.forEach((w) => w(s)); waiters = []; }
    },
    onChange: (types) => changes.push(types),
  });
  /** The end of the sync a trigger started. */
  const settled = () => new Promise((resolve) => waiters.push(resolve));
  const syncs = () => server.requests.filter((r) => r.path === '/api/v1/sync/pull' && !r.query.cursor).length;
  return { server, db, api, timers, win, doc, engine, statuses, changes, settled, syncs };
}

test('backoff: 1 s doubling to 5 min, half of it random', () => {
  assert.deepEqual([1, 2, 3, 4].map((n) => backoffDelay(n, () => 1)), [1000, 2000, 4000, 8000]);
  assert.deepEqual([1, 2].map((n) => backoffDelay(n, () => 0)), [500, 1000]);
  assert.equal(backoffDelay(30, () => 1), MAX_DELAY_MS);
  assert.equal(backoffDelay(30, () => 0), MAX_DELAY_MS / 2);
});

test('one sync: push, pull, inbox; status syncing then idle', async () => {
  const { db, engine, statuses, changes, server } = await setup();
  await enqueue(db, { name: 'asset.add_note', v: 1, args: { asset_id: 'a1', text: 'x' } });
  await enqueue(db, { name: 'test.poison', v: 1, args: {} });
  const outcome = await engine.sync('manual');
  assert.deepEqual([outcome.ok, outcome.pushed, outcome.acked], [true, 2, 2]);
  assert.deepEqual(statuses.filter((s) => !s.progress).map((s) => [s.state, s.pending]), [['syncing', 2], ['idle', 0]]);
  assert.deepEqual(statuses.map((s) => s.progress).filter(Boolean), [
    { phase: 'push', sent: 2, total: 2 },
    { phase: 'pull', pages: 1, rows: 1, first: true },
  ], 'what the status bar shows while it runs');
  assert.ok(statuses.at(-1).lastSync);
  assert.deepEqual(changes, [['asset'], ['outbox'], ['inbox']]);
  const inbox = await all(db, 'inbox');
  assert.deepEqual(inbox.map((e) => [e.name, e.code]), [['test.poison', 'invalid_args']]);
  assert.deepEqual(server.requests.map((r) => r.path), ['/api/v1/auth/login', '/api/v1/sync/push', '/api/v1/sync/pull', '/api/v1/sync/inbox']);
  db.close();
});

test('single flight: calls during a sync share one follow-up run', async () => {
  const { engine, syncs, db, server } = await setup();
  const first = engine.sync('manual');
  const second = engine.sync('manual');
  const third = engine.sync('online');
  assert.equal(second, third, 'one follow-up for all who asked meanwhile');
  await Promise.all([first, second, third]);
  assert.equal(server.requests.filter((r) => r.path === '/api/v1/sync/inbox').length, 2);
  assert.equal(syncs(), 1, 'the second run continues from the cursor');
  db.close();
});

test('failures back off and retry; a 503 waits at least Retry-After', async () => {
  const { server, engine, timers, statuses, settled, db } = await setup();
  server.offline = true;
  await engine.sync('launch');
  assert.equal(statuses.at(-1).state, 'offline');
  assert.deepEqual(timers.pending(), [1000]);
  let done = settled();
  timers.advance(1000);
  await done;
  assert.deepEqual(timers.pending(), [2000], 'doubled');
  server.offline = false;
  server.fail((m, path) => path === '/api/v1/sync/pull', 503, 'database_unavailable', 30);
  done = settled();
  timers.advance(2000);
  await done;
  assert.equal(statuses.at(-1).state, 'error');
  assert.equal(statuses.at(-1).error.code, 'database_unavailable');
  assert.deepEqual(timers.pending(), [30_000], 'Retry-After beats the 4 s backoff');
  done = settled();
  timers.advance(30_000);
  await done;
  assert.equal(statuses.at(-1).state, 'idle');
  assert.deepEqual(timers.pending(), [], 'success clears the backoff');
  db.close();
});

test('a new op waits for the backoff; coming online does not', async () => {
  const { server, engine, win, statuses, settled, db } = await setup();
  server.offline = true;
  await engine.start();
  const skipped = await engine.sync('change');
  assert.equal(skipped.skipped, true);
  server.offline = false;
  const done = settled();
  win.dispatchEvent(new Event('online'));
  await done;
  assert.equal(statuses.at(-1).state, 'idle');
  await engine.stop();
  db.close();
});

test('triggers: launch, online, visible, every minute while visible', async () => {
  const { engine, win, doc, timers, syncs, settled, server, db } = await setup();
  const inboxes = () => server.requests.filter((r) => r.path === '/api/v1/sync/inbox').length;
  await engine.start();
  assert.equal(inboxes(), 1, 'launch');
  let done = settled();
  win.dispatchEvent(new Event('online'));
  await done;
  assert.equal(inboxes(), 2, 'online');
  doc.visibilityState = 'hidden';
  doc.dispatchEvent(new Event('visibilitychange'));
  timers.advance(60_000);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(inboxes(), 2, 'nothing while hidden');
  done = settled();
  doc.visibilityState = 'visible';
  doc.dispatchEvent(new Event('visibilitychange'));
  await done;
  assert.equal(inboxes(), 3, 'visible again');
  done = settled();
  timers.advance(60_000);
  await done;
  assert.equal(inboxes(), 4, 'a minute later');
  done = settled();
  const background = engine.backgroundSync();
  await done;
  assert.equal((await background).reason, 'background');
  await engine.stop();
  win.dispatchEvent(new Event('online'));
  timers.advance(120_000);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(inboxes(), 5, 'stopped: no more');
  assert.equal(syncs(), 1);
  db.close();
});

test('nothing is dropped whatever fails', async () => {
  const { server, engine, db } = await setup();
  await enqueue(db, { name: 'asset.add_note', v: 1, args: { asset_id: 'a1', text: 'x' } });
  server.fail((m, path) => path === '/api/v1/sync/push', 503);
  await engine.sync('manual');
  assert.equal((await pending(db)).length, 1);
  server.fail((m, path) => path === '/api/v1/sync/pull', 500, 'internal_error', 0);
  await engine.sync('manual');
  assert.equal((await pending(db)).length, 1, 'pushed, not yet acked');
  await engine.stop();
  db.close();
});

test('a push the server refuses still lets the pull (its acks) and the inbox come', async () => {
  const { server, db, api, engine } = await setup();
  await enqueue(db, { name: 'asset.add_note', v: 1, args: { asset_id: 'a1', text: 'applied' } });
  await push(db, api); // applied; the response got through, the ack has not come yet
  await enqueue(db, { name: 'asset.add_note', v: 1, args: { asset_id: 'a1', text: 'waits' } });
  server.fail((m, path) => path === '/api/v1/sync/push', 503, 'database_unavailable', 5);
  const outcome = await engine.sync('manual');
  assert.equal(outcome.ok, false);
  assert.equal(outcome.error.code, 'database_unavailable', 'the push failure is what the user hears');
  assert.deepEqual((await pending(db)).map((op) => op.args.text), ['waits'], 'the pull acknowledged the applied op');
  assert.ok(server.requests.some((r) => r.path === '/api/v1/sync/inbox'), 'the inbox was refreshed');
  await engine.stop();
  db.close();
});

test('a reset sends the renumbered queue in the same sync, and the server has each op once', async () => {
  const { server, db, engine } = await setup();
  await engine.sync('manual');
  server.offline = true;
  await enqueue(db, { name: 'asset.add_note', v: 1, args: { asset_id: 'a1', text: 'during the restore' } });
  await engine.sync('manual');
  server.offline = false;
  server.restore(); // the database came back from a backup: the cursor cannot be served
  const outcome = await engine.sync('manual');
  assert.equal(outcome.ok, true);
  assert.equal(outcome.renumbered, 1);
  assert.deepEqual(await pending(db), [], 'pushed again and acknowledged in the same sync');
  assert.equal([...server.ops.values()].filter((op) => op.args.text === 'during the restore').length, 1);
  assert.equal((server.rows.get('asset:a1').data.notes.match(/during the restore/g) ?? []).length, 1);
  await engine.stop();
  db.close();
});

test('uploads report the bytes the server holds as they go', async () => {
  const { db, engine, statuses } = await setup();
  const sha = await storeBlob(db, new Uint8Array(600_000).fill(9), 'image/jpeg');
  await enqueue(db, { name: 'asset.add_note', v: 1, args: { asset_id: 'a1', text: 'photo' }, blobs: [sha] });
  await engine.sync('manual');
  const uploads = statuses.map((s) => s.progress).filter((p) => p?.phase === 'upload');
  assert.deepEqual(uploads.map((p) => [p.sent, p.total]), [[262_144, 600_000], [524_288, 600_000], [600_000, 600_000]]);
  await engine.stop();
  db.close();
});

test('ops the server holds but no pull acknowledged yet are pulled for again soon, not in a minute', async () => {
  const { db, engine, server, timers, settled } = await setup();
  await engine.start();
  await enqueue(db, { name: 'asset.add_note', v: 1, args: { asset_id: 'a1', text: 'held' } });
  server.heldPulls = 2; // a transaction open elsewhere holds the server's horizon back
  await engine.sync('change');
  assert.equal((await pending(db)).length, 1);
  assert.equal(timers.pending()[0], 1000, 'a pull again in a second');
  let next = settled();
  timers.advance(1000);
  assert.equal((await next).pending, 1, 'still held back');
  assert.equal(timers.pending()[0], 2000, 'then in two seconds');
  next = settled();
  timers.advance(2000);
  assert.equal((await next).pending, 0, 'acknowledged within seconds');
  assert.deepEqual(timers.pending(), [60_000 - 3000], 'only the minute tick is left');
  await engine.stop();
});
