// Photos and signatures (docs/blobs.md): kept as ArrayBuffer chunks in IndexedDB under
// their SHA-256, uploaded apart from the ops that name them, and resumed from the bytes
// the server says it holds. Each PUT carries one slice, so a weak signal loses at most a
// slice, and the chunks stay on the phone until the server has the blob AND no queued op
// names it, nor an op acknowledged in the last 14 days (a server restored from a backup
// needs it again) unless the disk runs short.
import { isQuotaError } from '../db/connection.js';
import { done, settle } from '../db/schema.js';
import { sha256Hex } from '../shared/sha256.js';
import { ApiError, errorOf } from './api.js';

export const CHUNK_SIZE = 256 * 1024;
/** Refusals that sending the same bytes again cannot fix (docs/blobs.md, "Refusals"). */
const FINAL = new Set(['blob_too_large', 'empty_blob', 'hash_mismatch', 'image_rejected', 'invalid_request']);

/** @typedef {{sha256: string, mime: string, size: number, chunk_size: number, chunks: number,
 *   uploaded: boolean, held: boolean, named?: boolean, created_at: string, error?: string}} BlobRow
 *   held: the chunks are on the phone; named: an op has named it (see outbox.enqueue) */

/**
 * @param {ArrayBuffer | ArrayBufferView | Blob} bytes
 * @returns {Promise<Uint8Array>}
 */
async function toBytes(bytes) {
  if (bytes instanceof Uint8Array) return bytes;
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  return new Uint8Array(await /** @type {Blob} */ (bytes).arrayBuffer());
}

/**
 * @param {Uint8Array} bytes
 * @returns {Promise<string>}
 */
async function hashOf(bytes) {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return sha256Hex(bytes); // plain http on a LAN: no WebCrypto
  const digest = await subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Keep a photo or signature; its address is the SHA-256 of exactly these bytes.
 * @param {IDBDatabase} db
 * @param {ArrayBuffer | ArrayBufferView | Blob} input
 * @param {string} mime
 * @param {{chunkSize?: number, now?: () => Date}} [options]
 * @returns {Promise<string>} the sha256
 */
export async function storeBlob(db, input, mime, { chunkSize = CHUNK_SIZE, now = () => new Date() } = {}) {
  const bytes = await toBytes(input);
  if (bytes.length === 0) throw new RangeError('an empty file cannot be stored');
  const sha256 = await hashOf(bytes);
  const tx = db.transaction(['blobs', 'blob_chunks'], 'readwrite');
  const committed = done(tx);
  const blobs = tx.objectStore('blobs');
  /** @type {BlobRow | undefined} */
  const existing = await settle(blobs.get(sha256));
  if (!existing?.held) {
    const chunks = Math.ceil(bytes.length / chunkSize);
    for (let index = 0; index < chunks; index += 1) {
      // A copy, not a view: IndexedDB stores the whole underlying buffer of a view.
      const data = bytes.slice(index * chunkSize, (index + 1) * chunkSize).buffer;
      tx.objectStore('blob_chunks').put({ sha256, index, data });
    }
    blobs.put({
      sha256,
      mime,
      size: bytes.length,
      chunk_size: chunkSize,
      chunks,
      uploaded: existing?.uploaded ?? false,
      held: true,
      created_at: existing?.created_at ?? now().toISOString(),
    });
  }
  await committed;
  return sha256;
}

/**
 * @param {IDBDatabase} db
 * @param {string} sha256
 * @returns {Promise<BlobRow | undefined>}
 */
export async function blobInfo(db, sha256) {
  return settle(db.transaction('blobs', 'readonly').objectStore('blobs').get(sha256));
}

/**
 * The bytes of a held blob from `start` to `end`, from its chunks.
 * @param {IDBDatabase} db
 * @param {BlobRow} blob
 * @param {number} [start]
 * @param {number} [end]
 * @returns {Promise<Uint8Array>}
 */
export async function readBytes(db, blob, start = 0, end = blob.size) {
  const first = Math.floor(start / blob.chunk_size);
  const last = Math.ceil(end / blob.chunk_size) - 1;
  const store = db.transaction('blob_chunks', 'readonly').objectStore('blob_chunks');
  const rows = await settle(store.getAll(IDBKeyRange.bound([blob.sha256, first], [blob.sha256, last])));
  const out = new Uint8Array(end - start);
  for (const row of rows) {
    const chunk = new Uint8Array(row.data);
    const chunkStart = row.index * blob.chunk_size;
    const from = Math.max(start, chunkStart);
    const to = Math.min(end, chunkStart + chunk.length);
    if (to > from) out.set(chunk.subarray(from - chunkStart, to - chunkStart), from - start);
  }
  return out;
}

/**
 * @param {IDBDatabase} db
 * @param {string} sha256
 * @param {Partial<BlobRow>} changes
 */
async function updateBlob(db, sha256, changes) {
  const tx = db.transaction('blobs', 'readwrite');
  const store = tx.objectStore('blobs');
  const row = await settle(store.get(sha256));
  if (row) store.put({ ...row, ...changes });
  await done(tx);
}

/**
 * Note that the server holds a blob whole. A full disk refuses even that small write; the
 * bytes the server holds then go at once (deleting needs no room), so the disk has room
 * again: without its row the blob is fetched from the server when shown.
 * @param {IDBDatabase} db
 * @param {string} sha256
 */
async function markUploaded(db, sha256) {
  try {
    await updateBlob(db, sha256, { uploaded: true });
  } catch (error) {
    if (!isQuotaError(error)) throw error;
    const tx = db.transaction(['blobs', 'blob_chunks'], 'readwrite');
    tx.objectStore('blob_chunks').delete(IDBKeyRange.bound([sha256, 0], [sha256, Infinity]));
    tx.objectStore('blobs').delete(sha256);
    await done(tx);
  }
}

/**
 * What the server holds of a blob: HEAD answers Upload-Offset and Blob-Complete, or 404.
 * @param {Response} response
 */
function heldOf(response) {
  return {
    offset: Number(response.headers.get('upload-offset') ?? 0) || 0,
    complete: response.headers.get('blob-complete') === 'true',
  };
}

/**
 * Upload one blob, resuming from what the server holds.
 * @param {IDBDatabase} db
 * @param {import('./api.js').Api} api
 * @param {BlobRow} blob
 * @param {{sliceSize?: number, onBytes?: (held: number) => void}} [options] onBytes: how
 *   many bytes of it the server holds, as uploading goes
 * @returns {Promise<boolean>} true once the server has it whole
 */
export async function uploadBlob(db, api, blob, { sliceSize = CHUNK_SIZE, onBytes } = {}) {
  const path = `/api/v1/blobs/${blob.sha256}`;
  const head = await api.request('HEAD', path, { raw: true });
  /** @type {number | null} null: the server has none of it, the first PUT starts afresh */
  let offset = null;
  if (head.status === 200) {
    const held = heldOf(head);
    if (held.complete) return true;
    offset = held.offset;
    onBytes?.(offset);
  } else if (head.status !== 404) {
    throw await errorOf(head);
  }
  for (let attempts = 0; attempts < 3 + Math.ceil(blob.size / sliceSize) * 2;) {
    const start = offset ?? 0;
    const end = Math.min(blob.size, start + sliceSize);
    /** @type {Record<string, string>} */
    const headers = { 'Content-Type': 'application/octet-stream', 'Upload-Length': String(blob.size) };
    // Without Upload-Offset the server starts over from byte 0 (docs/blobs.md, step 3).
    if (offset !== null) headers['Upload-Offset'] = String(offset);
    const body = await readBytes(db, blob, start, end);
    const response = await api.request('PUT', path, { raw: true, headers, body, timeoutMs: 120_000 });
    if (response.status === 200 || response.status === 201) return true;
    if (response.status === 202) {
      const held = heldOf(response);
      onBytes?.(held.offset);
      // Progress resets the attempt budget; no progress spends it.
      attempts = held.offset > start ? 0 : attempts + 1;
      offset = held.offset;
      continue;
    }
    const error = await errorOf(response);
    if (error.code === 'offset_mismatch') {
      offset = Number(error.problem?.offset ?? response.headers.get('upload-offset') ?? 0);
      attempts += 1;
      continue;
    }
    if (FINAL.has(error.code)) await updateBlob(db, blob.sha256, { error: error.code });
    throw error;
  }
  throw new ApiError({ kind: 'http', code: 'upload_stalled', message: `The upload of ${blob.sha256} made no progress.` });
}

/**
 * The blobs the ops of `store` (outbox or retained) name, from its multi-entry index.
 * @param {IDBTransaction} tx with `store`
 * @param {'outbox' | 'retained'} [store]
 * @returns {Promise<Set<string>>}
 */
function namedBy(tx, store = 'outbox') {
  return new Promise((resolve, reject) => {
    /** @type {Set<string>} */
    const names = new Set();
    const request = tx.objectStore(store).index('blobs').openKeyCursor(null, 'nextunique');
    request.onsuccess = () => {
      const cursor = request.result;
      if (!cursor) return resolve(names);
      names.add(String(cursor.key));
      cursor.continue();
    };
    request.onerror = () => reject(request.error);
  });
}

/**
 * Upload every held blob the server lacks that a queued op names. One failing blob does
 * not stop the others; a network failure stops all (the next sync resumes).
 * @param {IDBDatabase} db
 * @param {import('./api.js').Api} api
 * @param {{onProgress?: (progress: {sent: number, total: number}) => void}} [options]
 *   bytes the server holds of the blobs due, of all their bytes
 * @returns {Promise<{uploaded: number, failed: ApiError[]}>}
 */
export async function uploadPending(db, api, { onProgress } = {}) {
  const tx = db.transaction(['blobs', 'outbox'], 'readonly');
  const [rows, named] = await Promise.all([settle(tx.objectStore('blobs').getAll()), namedBy(tx)]);
  // `named`: an op named it once (set by enqueue); it may be acked before its blob is up.
  const due = /** @type {BlobRow[]} */ (rows)
    .filter((blob) => blob.held && !blob.uploaded && !blob.error && (blob.named || named.has(blob.sha256)));
  const outcome = { uploaded: 0, failed: /** @type {ApiError[]} */ ([]) };
  const total = due.reduce((sum, blob) => sum + blob.size, 0);
  let finished = 0;
  for (const blob of due) {
    const report = (/** @type {number} */ held) => onProgress?.({ sent: finished + Math.min(held, blob.size), total });
    try {
      if (await uploadBlob(db, api, blob, { onBytes: report })) {
        await markUploaded(db, blob.sha256);
        outcome.uploaded += 1;
      }
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.offline || error.status === 503 || error.status === 401) throw error;
      outcome.failed.push(error); // refused or busy (409 upload_in_progress): the others go on
    }
    finished += blob.size;
    report(0);
  }
  return outcome;
}

/**
 * Free the chunks of blobs the server has and no queued op names; keep the row (its mime
 * and size), marked not held. Blobs that ops acknowledged in the last 14 days name are
 * kept too, for a server restored from a backup, unless `short` (the disk is nearly
 * full: what the server holds goes first). Unnamed blobs never uploaded are freed after
 * `orphanAfterMs` (a photo taken for a form that was abandoned).
 * @param {IDBDatabase} db
 * @param {{now?: () => Date, orphanAfterMs?: number, short?: boolean}} [options]
 * @returns {Promise<string[]>} the freed blobs
 */
export async function collectBlobs(db, { now = () => new Date(), orphanAfterMs = 7 * 24 * 3600_000, short = false } = {}) {
  const tx = db.transaction(['blobs', 'blob_chunks', 'outbox', 'retained'], 'readwrite');
  const committed = done(tx);
  const blobs = tx.objectStore('blobs');
  const [rows, named, kept] = await Promise.all([settle(blobs.getAll()), namedBy(tx), short ? new Set() : namedBy(tx, 'retained')]);
  const freed = [];
  for (const blob of /** @type {BlobRow[]} */ (rows)) {
    if (!blob.held || named.has(blob.sha256)) continue;
    const orphaned = !blob.uploaded && !blob.named && now().getTime() - Date.parse(blob.created_at) > orphanAfterMs;
    if (!blob.uploaded && !orphaned) continue;
    if (blob.uploaded && kept.has(blob.sha256)) continue;
    tx.objectStore('blob_chunks').delete(IDBKeyRange.bound([blob.sha256, 0], [blob.sha256, Infinity]));
    // Short of space, nothing is written, not even a smaller row: a full disk refuses
    // any write, and the transaction would free nothing. Without its row a blob is
    // simply fetched from the server when shown.
    if (short) blobs.delete(blob.sha256);
    else blobs.put({ ...blob, held: false });
    freed.push(blob.sha256);
  }
  await committed;
  return freed;
}

/**
 * The bytes of a held blob as a Blob (for an object URL), or undefined.
 * @param {IDBDatabase} db
 * @param {string} sha256
 * @returns {Promise<Blob | undefined>}
 */
export async function blobOf(db, sha256) {
  const blob = await blobInfo(db, sha256);
  if (!blob?.held) return undefined;
  return new Blob([await readBytes(db, blob)], { type: blob.mime });
}
