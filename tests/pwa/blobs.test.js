import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { CHUNK_SIZE, blobInfo, blobOf, collectBlobs, readBytes, storeBlob, uploadPending } from '../../pwa/src/sync/blobs.js';
import { acknowledge, enqueue } from '../../pwa/src/sync/outbox.js';
import { purgeRetained } from '../../pwa/src/sync/retained.js';
import { FakeServer } from './support/fake-server.js';
import { signedIn } from './support/setup.js';
import { all } from './support/db.js';

const photo = (size) => new Uint8Array(size).map((_, i) => (i * 7 + (i >> 9)) & 0xff);
const hex = (bytes) => createHash('sha256').update(bytes).digest('hex');
const attach = (sha) => ({ name: 'work_order.attach', v: 1, args: { work_order_id: 'w1', sha256: sha }, blobs: [sha] });

test('a blob is kept as 256 KiB ArrayBuffer chunks under its SHA-256', async () => {
  const server = new FakeServer();
  const { db } = await signedIn(server);
  const bytes = photo(CHUNK_SIZE * 2 + 1000);
  const sha = await storeBlob(db, bytes, 'image/jpeg');
  assert.equal(sha, hex(bytes));
  const chunks = await all(db, 'blob_chunks');
  assert.deepEqual(chunks.map((c) => [c.index, c.data.byteLength]), [[0, CHUNK_SIZE], [1, CHUNK_SIZE], [2, 1000]]);
  assert.ok(chunks.every((c) => c.data instanceof ArrayBuffer));
  const info = await blobInfo(db, sha);
  assert.deepEqual([info.mime, info.size, info.chunks, info.uploaded, info.held], ['image/jpeg', bytes.length, 3, false, true]);
  assert.deepEqual(await readBytes(db, info, CHUNK_SIZE - 5, CHUNK_SIZE + 5), bytes.slice(CHUNK_SIZE - 5, CHUNK_SIZE + 5), 'a slice across chunks');
  const again = await storeBlob(db, new Blob([bytes]), 'image/jpeg');
  assert.equal(again, sha);
  assert.equal((await all(db, 'blob_chunks')).length, 3, 'the same bytes are stored once');
  assert.deepEqual(new Uint8Array(await (await blobOf(db, sha)).arrayBuffer()), bytes);
  db.close();
});

test('upload: HEAD, then PUT slice by slice as docs/blobs.md says', async () => {
  const server = new FakeServer();
  const { db, api } = await signedIn(server);
  const bytes = photo(CHUNK_SIZE + 5000);
  const sha = await storeBlob(db, bytes, 'image/jpeg');
  await enqueue(db, attach(sha));
  const outcome = await uploadPending(db, api);
  assert.deepEqual(outcome, { uploaded: 1, failed: [] });
  assert.ok(server.blobs.get(sha).complete);
  const calls = server.requests.filter((r) => r.path.startsWith('/api/v1/blobs/')).map((r) => r.method);
  assert.deepEqual(calls, ['HEAD', 'PUT', 'PUT']);
  assert.deepEqual(server.requests.filter((r) => r.method === 'PUT').map((r) => r.offset), [null, String(CHUNK_SIZE)]);
  assert.equal((await blobInfo(db, sha)).uploaded, true);
  await uploadPending(db, api);
  assert.equal(server.requests.filter((r) => r.path.startsWith('/api/v1/blobs/')).length, 3, 'nothing more to send');
  db.close();
});

test('a cut upload resumes from the bytes the server holds', async () => {
  const server = new FakeServer();
  const { db, api } = await signedIn(server);
  const bytes = photo(CHUNK_SIZE + 5000);
  const sha = await storeBlob(db, bytes, 'image/png');
  await enqueue(db, attach(sha));
  server.cutUploadAfter = 100_000; // the signal drops 100 000 bytes into the first PUT
  const cut = await uploadPending(db, api).catch((e) => e);
  assert.equal(cut.offline, true);
  assert.equal(server.blobs.get(sha).bytes.length, 100_000);
  assert.equal((await blobInfo(db, sha)).uploaded, false);
  const putsBefore = server.requests.filter((r) => r.method === 'PUT').length;
  await uploadPending(db, api);
  const blob = server.blobs.get(sha);
  assert.ok(blob.complete);
  assert.equal(hex(blob.bytes), sha, 'the server has exactly the bytes');
  const puts = server.requests.filter((r) => r.method === 'PUT');
  assert.deepEqual(puts.map((r) => r.offset), [null, '100000'], 'the first PUT starts afresh, the resume from the held offset');
  assert.equal(puts.length - putsBefore, 1);
  db.close();
});

test('chunks stay while a queued op names the blob, and for 14 days after its ack unless space runs short', async () => {
  const server = new FakeServer();
  const { db, api } = await signedIn(server);
  const sha = await storeBlob(db, photo(1000), 'image/jpeg');
  const other = await storeBlob(db, photo(900), 'image/jpeg');
  const op = await enqueue(db, attach(sha));
  const second = await enqueue(db, attach(other));
  await uploadPending(db, api);
  assert.deepEqual(await collectBlobs(db), [], 'uploaded, but an op still names it');
  assert.equal((await all(db, 'blob_chunks')).length, 2);
  const acked = new Date('2026-11-23T08:00:00Z');
  await acknowledge(db, second.seq, { now: () => acked });
  assert.deepEqual(await collectBlobs(db), [], 'acknowledged ops are retained: a restored server needs their photos again');
  assert.equal((await blobInfo(db, sha)).held, true);
  assert.deepEqual(await collectBlobs(db, { short: true }), [sha, other].sort(), 'the disk running short frees what the server holds');
  assert.equal((await all(db, 'blob_chunks')).length, 0);
  assert.equal(await blobInfo(db, sha), undefined, 'short of space, not even a row is written');
  assert.equal(await blobOf(db, sha), undefined);
  db.close();
  void op;
});

test('when the 14 days are over, the ops and their photos go', async () => {
  const server = new FakeServer();
  const { db, api } = await signedIn(server);
  const sha = await storeBlob(db, photo(1000), 'image/jpeg');
  const op = await enqueue(db, attach(sha));
  await uploadPending(db, api);
  const acked = new Date('2026-11-23T08:00:00Z');
  await acknowledge(db, op.seq, { now: () => acked });
  const day = 24 * 3600_000;
  assert.equal(await purgeRetained(db, { now: () => new Date(acked.getTime() + 13 * day) }), 0);
  assert.deepEqual(await collectBlobs(db), []);
  assert.equal(await purgeRetained(db, { now: () => new Date(acked.getTime() + 15 * day) }), 1);
  assert.deepEqual(await collectBlobs(db), [sha]);
  assert.equal((await blobInfo(db, sha)).held, false, 'the row stays, marked not held');
  db.close();
});

test('a blob never uploaded stays, unless nobody named it for a week', async () => {
  const server = new FakeServer();
  const { db, api } = await signedIn(server);
  const named = await storeBlob(db, photo(10), 'image/jpeg', { now: () => new Date('2026-01-01') });
  const orphan = await storeBlob(db, photo(20), 'image/jpeg', { now: () => new Date('2026-01-01') });
  const op = await enqueue(db, attach(named));
  await acknowledge(db, op.seq, { now: () => new Date('2026-01-01') }); // acked before its blob went up (offline meanwhile)
  const later = () => new Date('2026-02-01');
  assert.deepEqual(await collectBlobs(db, { now: later }), [orphan], 'the abandoned photo goes');
  assert.equal((await blobInfo(db, named)).held, true, 'the named one waits for its upload');
  await uploadPending(db, api);
  assert.ok(server.blobs.get(named).complete, 'uploaded though its op is acked');
  assert.ok(!server.blobs.has(orphan));
  await purgeRetained(db, { now: later });
  assert.deepEqual(await collectBlobs(db, { now: later }), [named]);
  db.close();
});

test('a refused blob is marked and not retried; others go on', async () => {
  const server = new FakeServer();
  const { db, api } = await signedIn(server);
  const bad = await storeBlob(db, photo(50), 'image/jpeg');
  const good = await storeBlob(db, photo(60), 'image/jpeg');
  // Corrupt the stored chunk: the bytes no longer hash to the address.
  const tx = db.transaction('blob_chunks', 'readwrite');
  tx.objectStore('blob_chunks').put({ sha256: bad, index: 0, data: photo(49).buffer });
  tx.objectStore('blob_chunks').put({ sha256: bad, index: 1, data: new Uint8Array([1]).buffer });
  await new Promise((resolve) => { tx.oncomplete = resolve; });
  await enqueue(db, attach(bad));
  await enqueue(db, attach(good));
  const outcome = await uploadPending(db, api);
  assert.equal(outcome.uploaded, 1);
  assert.deepEqual(outcome.failed.map((e) => e.code), ['hash_mismatch']);
  assert.equal((await blobInfo(db, bad)).error, 'hash_mismatch');
  assert.deepEqual(await uploadPending(db, api), { uploaded: 0, failed: [] });
  db.close();
});
