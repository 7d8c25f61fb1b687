// A fake Rounds server for the field app's tests: a fetch that answers as sync/PROTOCOL.md,
// docs/blobs.md and server/api/auth.py say (and as sync/vectors/push_sequence.json shows,
// which sync-vectors.test.js checks against this fake). In memory, deterministic, with
// switches for the failures the app must survive (offline, 503, expired tokens, cut uploads).
import { createHash } from 'node:crypto';

export const TYPES = ['site', 'building', 'location', 'department', 'team', 'asset', 'item', 'store', 'checkpoint', 'route', 'work_order'];

const problem = (status, code, detail, extra = {}, headers = {}) => new Response(
  JSON.stringify({ type: `about:blank#${code}`, title: code, status, code, detail, ...extra }),
  { status, headers: { 'Content-Type': 'application/problem+json', ...headers } },
);
const json = (body, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const sha = (bytes) => createHash('sha256').update(bytes).digest('hex');
const canonical = (value) => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
};
const CHAIN = ['op_id', 'incarnation', 'seq', 'name', 'v', 'args', 'client_time', 'hlc', 'blobs', 'prev_hash'];
export const opHash = (op) => sha(canonical(Object.fromEntries(CHAIN.map((k) => [k, op[k] ?? null]))));

export class FakeServer {
  constructor() {
    this.epoch = 1;
    this.rows = new Map(); // "type:id" -> {type, id, version, data}
    this.log = []; // change log: {type, id, version}
    this.streams = new Map(); // "device|incarnation" -> {last_seq, last_hash}
    this.ops = new Map(); // op_id -> record
    this.blobs = new Map(); // sha -> {size, bytes: Uint8Array, complete}
    this.users = new Map([['T100', { password: 'pw', user: { id: 'u-tech', employee_no: 'T100', name: 'Tess Tech', roles: ['technician'], team_id: 'team-1', contractor_id: null, department_id: null, site_ids: ['site-1'] } }]]);
    this.access = new Map(); // token -> {employee_no, device_id, family}
    this.refresh = new Map(); // token -> {employee_no, device_id, family, used}
    this.revoked = new Set(); // families
    this.requests = [];
    this.pushes = []; // the seqs of each push body
    this.offline = false;
    this.failures = []; // [{match: (method, path) => bool, status, code, retryAfter}]
    this.cutUploadAfter = null; // bytes a PUT keeps before the connection "drops"
    this.counter = 0;
    this.maxOps = 500;
    this.heldPulls = 0; // pulls whose horizon is held back: they acknowledge nothing
    this.fetch = this.fetch.bind(this);
  }

  /** Put a row (as if the desk changed it): a new version and a change-log entry. */
  upsert(type, id, data) {
    const key = `${type}:${id}`;
    const version = (this.rows.get(key)?.version ?? 0) + 1;
    this.rows.set(key, { type, id, version, data: { ...this.rows.get(key)?.data, ...data, id, version } });
    this.log.push({ type, id, version });
    return version;
  }

  remove(type, id) {
    const key = `${type}:${id}`;
    const version = (this.rows.get(key)?.version ?? 0) + 1;
    this.rows.delete(key);
    this.log.push({ type, id, version });
  }

  /** A backup of the data (rows, change log, op log, streams, blobs), as pg_dump takes. */
  backup() {
    return structuredClone({ rows: this.rows, log: this.log, streams: this.streams, ops: this.ops, blobs: this.blobs });
  }

  /** Restore from a backup (without one: only every cursor goes stale). */
  restore(backup = null) {
    this.epoch += 1;
    if (backup) Object.assign(this, structuredClone(backup));
  }

  fail(match, status = 503, code = 'database_unavailable', retryAfter = 5) {
    this.failures.push({ match, status, code, retryAfter });
  }

  expireAccessTokens() {
    this.access.clear();
  }

  issue(employeeNo, deviceId, family) {
    this.counter += 1;
    const pair = { access_token: `a${this.counter}`, refresh_token: `r${this.counter}` };
    this.access.set(pair.access_token, { employee_no: employeeNo, device_id: deviceId, family });
    this.refresh.set(pair.refresh_token, { employee_no: employeeNo, device_id: deviceId, family, used: false });
    return { ...pair, device_id: deviceId, user: this.users.get(employeeNo).user, token_type: 'Bearer', expires_in: 900 };
  }

  async fetch(url, init = {}) {
    const method = (init.method ?? 'GET').toUpperCase();
    const { pathname, searchParams } = new URL(url, 'http://fake');
    const headers = new Headers(init.headers);
    this.requests.push({ method, path: pathname, query: Object.fromEntries(searchParams), auth: headers.get('authorization'), offset: headers.get('upload-offset') });
    if (this.offline) throw new TypeError('fetch failed');
    const failure = this.failures.find((f) => f.match(method, pathname));
    if (failure) {
      this.failures.splice(this.failures.indexOf(failure), 1);
      return problem(failure.status, failure.code, 'injected', {}, failure.retryAfter ? { 'Retry-After': String(failure.retryAfter) } : {});
    }
    if (pathname === '/api/v1/auth/login') return this.login(JSON.parse(init.body));
    if (pathname === '/api/v1/auth/refresh') return this.rotate(JSON.parse(init.body));
    const session = this.access.get((headers.get('authorization') ?? '').replace(/^Bearer /, ''));
    if (!session || this.revoked.has(session.family)) return problem(401, 'token_expired', 'The access token has expired.');
    if (pathname === '/api/v1/auth/logout') {
      this.revoked.add(session.family);
      return new Response(null, { status: 204 });
    }
    if (pathname === '/api/v1/sync/push') return this.push(session, JSON.parse(init.body));
    if (pathname === '/api/v1/sync/pull') return this.pull(session, searchParams);
    if (pathname === '/api/v1/sync/inbox') return json(this.inbox(session));
    const blob = /^\/api\/v1\/blobs\/([0-9a-f]{64})$/.exec(pathname);
    if (blob && method === 'HEAD') return this.head(blob[1]);
    if (blob && method === 'PUT') return this.put(blob[1], headers, init.body);
    return problem(404, 'not_found', `no route ${method} ${pathname}`);
  }

  login({ employee_no: employeeNo, password, device_id: deviceId }) {
    const account = this.users.get(employeeNo);
    if (!account || account.password !== password) return problem(401, 'invalid_credentials', 'Wrong employee number or password.');
    return json(this.issue(employeeNo, deviceId ?? crypto.randomUUID(), crypto.randomUUID()));
  }

  rotate({ refresh_token: token }) {
    const held = this.refresh.get(token);
    if (!held || this.revoked.has(held.family)) return problem(401, 'refresh_rejected', 'Sign in again.');
    if (held.used) {
      this.revoked.add(held.family);
      return problem(401, 'refresh_reused', 'This refresh token was already used.');
    }
    held.used = true;
    return json(this.issue(held.employee_no, held.device_id, held.family));
  }

  /** The op handlers this fake knows; anything else is rejected unknown_op. */
  apply(op, session) {
    const args = op.args ?? {};
    const user = this.users.get(session.employee_no).user;
    if (op.name === 'test.poison') return { status: 'rejected', code: 'invalid_args', message: 'poison' };
    if (op.name === 'asset.add_note') {
      const row = this.rows.get(`asset:${args.asset_id}`);
      if (!row) return { status: 'rejected', code: 'unknown_asset', message: 'No such asset.' };
      const line = `[${op.client_time} ${user.name}] ${args.text.trim()}`;
      const version = this.upsert('asset', args.asset_id, { notes: row.data.notes ? `${row.data.notes}\n${line}` : line });
      return { status: 'applied', entity_versions: { [`asset:${args.asset_id}`]: version } };
    }
    if (op.name === 'asset.set_status') {
      const row = this.rows.get(`asset:${args.asset_id}`);
      if (!row) return { status: 'rejected', code: 'unknown_asset', message: 'No such asset.' };
      if (row.data.status === 'retired') return { status: 'conflict', code: 'conflict', message: 'Retired.', conflict_id: crypto.randomUUID() };
      const version = this.upsert('asset', args.asset_id, { status: args.status });
      return { status: 'applied', entity_versions: { [`asset:${args.asset_id}`]: version } };
    }
    if (op.name === 'work_order.report') {
      const version = this.upsert('work_order', args.work_order_id, {
        number: `WO-2026-${String(this.rows.size).padStart(6, '0')}`, status: 'reported', description: args.description.trim(),
        priority: args.priority ?? 3, asset_id: args.asset_id ?? null, location_id: args.location_id ?? null, reported_by_id: user.id, reported_at: op.client_time,
      });
      return { status: 'applied', entity_versions: { [`work_order:${args.work_order_id}`]: version } };
    }
    if (op.name === 'work_order.start') {
      const row = this.rows.get(`work_order:${args.work_order_id}`);
      if (!row) return { status: 'rejected', code: 'unknown_work_order', message: 'No such order.' };
      if (row.data.status !== 'accepted') return { status: 'rejected', code: 'invalid_transition', message: `Cannot start a work order that is ${row.data.status}.` };
      const version = this.upsert('work_order', args.work_order_id, { status: 'in_progress', arrived_at: row.data.arrived_at ?? op.client_time });
      return { status: 'applied', entity_versions: { [`work_order:${args.work_order_id}`]: version } };
    }
    return { status: 'rejected', code: 'unknown_op', message: `This server has no op ${op.name} v${op.v}.` };
  }

  push(session, body) {
    if (body.device_id !== session.device_id) return problem(403, 'device_mismatch', 'Another device.');
    this.pushes.push(body.ops.map((op) => op.seq));
    if (body.ops.length > this.maxOps) return problem(413, 'batch_too_large', 'Too many ops.', { limit: this.maxOps });
    const results = [];
    const blocked = new Set();
    let lastSeq = 0;
    for (const op of body.ops) {
      const streamKey = `${session.device_id}|${op.incarnation}`;
      const stream = this.streams.get(streamKey) ?? { last_seq: 0, last_hash: '' };
      this.streams.set(streamKey, stream);
      const known = this.ops.get(op.op_id);
      if (known) {
        // A renumbered op the server holds keeps its place in its new stream (PROTOCOL.md).
        if (!blocked.has(streamKey) && op.seq === stream.last_seq + 1) {
          stream.last_seq = op.seq;
          stream.last_hash = opHash(op);
        }
        const { status, code, message, conflict_id, entity_versions } = known;
        results.push({ op_id: op.op_id, status: 'duplicate', outcome: { status, code, message, conflict_id, entity_versions } });
      } else if (blocked.has(streamKey) || op.seq > stream.last_seq + 1) {
        blocked.add(streamKey);
        results.push({ op_id: op.op_id, status: 'seq_gap', code: 'seq_gap', expected_seq: stream.last_seq + 1, message: 'resend' });
      } else {
        const outcome = op.seq <= stream.last_seq
          ? { status: 'rejected', code: 'seq_reused', message: `Seq ${op.seq} was already used.` }
          : this.apply(op, session);
        // position: the change log's length once the op's effects are in it.
        const record = { ...outcome, op_id: op.op_id, seq: op.seq, incarnation: op.incarnation, device_id: session.device_id, name: op.name, args: op.args, position: this.log.length, chain_ok: op.prev_hash === stream.last_hash, received_at: new Date(1_800_000_000_000 + this.ops.size).toISOString() };
        this.ops.set(op.op_id, record);
        if (outcome.code !== 'seq_reused') {
          stream.last_seq = op.seq;
          stream.last_hash = opHash(op);
        }
        results.push({ op_id: op.op_id, ...outcome });
      }
      lastSeq = stream.last_seq;
    }
    return json({ results, last_seq: lastSeq, server_time: new Date().toISOString() });
  }

  /** Cursor: the epoch, a phase and a position, as JSON (opaque to the phone). */
  pull(session, params) {
    const limit = Number(params.get('limit') ?? 500);
    let cursor = null;
    let reset = false;
    try {
      cursor = params.get('cursor') ? JSON.parse(params.get('cursor')) : null;
    } catch { reset = true; }
    if (cursor && cursor.epoch !== this.epoch) reset = true;
    if (!cursor || reset) cursor = { epoch: this.epoch, phase: 'initial', offset: 0, start: this.log.length };
    const changes = [];
    if (cursor.phase === 'initial') {
      const walk = [...this.rows.values()].sort((a, b) => TYPES.indexOf(a.type) - TYPES.indexOf(b.type) || a.id.localeCompare(b.id));
      const page = walk.slice(cursor.offset, cursor.offset + limit);
      for (const row of page) changes.push({ type: row.type, id: row.id, version: row.version, deleted: false, data: row.data });
      cursor = cursor.offset + page.length >= walk.length
        ? { epoch: this.epoch, phase: 'changes', position: cursor.start }
        : { ...cursor, offset: cursor.offset + page.length };
    }
    let more = cursor.phase === 'initial';
    if (!more && changes.length < limit) {
      const entries = this.log.slice(cursor.position, cursor.position + (limit - changes.length));
      const latest = new Map();
      for (const entry of entries) latest.set(`${entry.type}:${entry.id}`, entry);
      for (const [key, entry] of latest) {
        const row = this.rows.get(key);
        changes.push(row
          ? { type: row.type, id: row.id, version: row.version, deleted: false, data: row.data }
          : { type: entry.type, id: entry.id, version: entry.version, deleted: true, data: null });
      }
      cursor = { ...cursor, position: cursor.position + entries.length };
      more = cursor.position < this.log.length;
    } else if (!more) {
      more = true;
    }
    // Acks cover the ops whose effects are all in what was delivered: none mid-walk.
    let delivered = cursor.phase === 'changes' ? cursor.position : -1;
    if (this.heldPulls > 0) {
      this.heldPulls -= 1;
      delivered = -1;
    }
    const incarnation = params.get('incarnation');
    let lastSeq = 0;
    for (const op of this.ops.values()) {
      if (op.device_id === session.device_id && op.incarnation === incarnation && op.position <= delivered) lastSeq = Math.max(lastSeq, op.seq);
    }
    return json({ changes, cursor: JSON.stringify(cursor), more, acks: { last_seq: lastSeq }, reset });
  }

  inbox(session) {
    return [...this.ops.values()]
      .filter((op) => op.device_id === session.device_id && (op.status === 'rejected' || op.status === 'conflict'))
      .map((op) => ({ op_id: op.op_id, name: op.name, seq: op.seq, status: op.status, code: op.code, message: op.message, conflict_id: op.conflict_id ?? null, received_at: op.received_at, advice: 'The desk will follow up.', args: op.args }));
  }

  progress(hash) {
    const blob = this.blobs.get(hash);
    return { 'Upload-Length': String(blob.size), 'Upload-Offset': String(blob.complete ? blob.size : blob.bytes.length), 'Blob-Complete': String(blob.complete), 'Cache-Control': 'no-store' };
  }

  head(hash) {
    if (!this.blobs.has(hash)) return problem(404, 'not_found', 'The server has none of this file.');
    return new Response(null, { status: 200, headers: this.progress(hash) });
  }

  put(hash, headers, body) {
    const bytes = new Uint8Array(body instanceof ArrayBuffer ? body : body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
    const offset = headers.has('upload-offset') ? Number(headers.get('upload-offset')) : null;
    const size = Number(headers.get('upload-length') ?? (offset ?? 0) + bytes.length);
    let blob = this.blobs.get(hash);
    if (blob?.complete) return new Response(JSON.stringify({ sha256: hash, size, received: size, complete: true }), { status: 200, headers: this.progress(hash) });
    if (offset === null) {
      blob = { size, bytes: new Uint8Array(0), complete: false };
      this.blobs.set(hash, blob);
    } else if (!blob ? offset !== 0 : offset !== blob.bytes.length) {
      const held = blob?.bytes.length ?? 0;
      return problem(409, 'offset_mismatch', `The server holds ${held} bytes.`, { offset: held }, { 'Upload-Offset': String(held) });
    } else if (!blob) {
      blob = { size, bytes: new Uint8Array(0), complete: false };
      this.blobs.set(hash, blob);
    }
    let received = bytes;
    let cut = false;
    if (this.cutUploadAfter !== null) {
      received = bytes.slice(0, this.cutUploadAfter);
      cut = true;
      this.cutUploadAfter = null;
    }
    const merged = new Uint8Array(blob.bytes.length + received.length);
    merged.set(blob.bytes);
    merged.set(received, blob.bytes.length);
    blob.bytes = merged;
    if (cut) throw new TypeError('network connection lost');
    if (blob.bytes.length < blob.size) {
      return new Response(JSON.stringify({ sha256: hash, size: blob.size, received: blob.bytes.length, complete: false }), { status: 202, headers: this.progress(hash) });
    }
    if (sha(blob.bytes) !== hash) {
      this.blobs.delete(hash);
      return problem(422, 'hash_mismatch', 'The bytes do not hash to the address.');
    }
    blob.complete = true;
    return new Response(JSON.stringify({ sha256: hash, size: blob.size, received: blob.size, complete: true }), { status: 201, headers: this.progress(hash) });
  }
}
