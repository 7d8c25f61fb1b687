import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, createApi } from '../../pwa/src/sync/api.js';
import { readMeta } from '../../pwa/src/sync/outbox.js';
import { tokenStore } from '../../pwa/src/sync/session.js';
import { FakeServer } from './support/fake-server.js';
import { FakeLocks } from './support/fakes.js';
import { signedIn } from './support/setup.js';

const refreshes = (server) => server.requests.filter((r) => r.path === '/api/v1/auth/refresh').length;

test('the bearer token goes with every request to the base URL', async () => {
  const seen = [];
  const api = createApi({
    baseUrl: 'https://rounds.example',
    tokens: { read: async () => ({ access_token: 'tok', refresh_token: 'r' }), write: async () => {} },
    fetch: async (url, init) => { seen.push([url, init.headers.Authorization]); return new Response('[]', { status: 200 }); },
    locks: null,
  });
  assert.deepEqual(await api.get('/api/v1/sync/inbox'), []);
  assert.deepEqual(seen, [['https://rounds.example/api/v1/sync/inbox', 'Bearer tok']]);
});

test('401: refresh once, store the rotated pair first, retry', async () => {
  const server = new FakeServer();
  const { db, api } = await signedIn(server);
  server.expireAccessTokens();
  assert.deepEqual(await api.get('/api/v1/sync/inbox'), []);
  assert.equal(refreshes(server), 1);
  assert.equal(await readMeta(db, 'refresh_token'), 'r2', 'the new refresh token is stored');
  assert.equal(await readMeta(db, 'access_token'), 'a2');
  assert.equal(server.requests.at(-1).auth, 'Bearer a2');
  db.close();
});

test('concurrent 401s in two tabs spend the refresh token once', async () => {
  const server = new FakeServer();
  const { db } = await signedIn(server);
  const locks = new FakeLocks();
  const tab = () => createApi({ tokens: tokenStore(db), fetch: server.fetch, baseUrl: 'http://fake', locks });
  const [one, two] = [tab(), tab()];
  server.expireAccessTokens();
  await Promise.all([one.get('/api/v1/sync/inbox'), two.get('/api/v1/sync/inbox'), one.get('/api/v1/sync/inbox')]);
  assert.equal(refreshes(server), 1, 'the second tab found the pair already rotated');
  db.close();
});

test('a refused refresh signs out, keeping what is queued', async () => {
  const server = new FakeServer();
  const { db } = await signedIn(server);
  let lost = null;
  const api = createApi({ tokens: tokenStore(db), fetch: server.fetch, baseUrl: 'http://fake', locks: null, onSignedOut: (e) => { lost = e; } });
  server.refresh.get('r1').used = true; // someone copied and spent it
  server.expireAccessTokens();
  const error = await api.get('/api/v1/sync/inbox').catch((e) => e);
  assert.ok(error instanceof ApiError);
  assert.deepEqual([error.kind, error.status, error.code, error.signedOut], ['http', 401, 'refresh_reused', true]);
  assert.equal(lost, error);
  assert.equal(await readMeta(db, 'refresh_token'), null);
  const again = await api.get('/api/v1/sync/inbox').catch((e) => e);
  assert.equal(again.code, 'signed_out');
  db.close();
});

test('errors are typed from problem documents; no network is offline', async () => {
  const answers = [
    () => new Response(JSON.stringify({ status: 503, code: 'database_unavailable', detail: 'Down.' }), { status: 503, headers: { 'Retry-After': '7', 'Content-Type': 'application/problem+json' } }),
    () => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    () => { throw new TypeError('Failed to fetch'); },
    () => { throw new DOMException('timed out', 'TimeoutError'); },
  ];
  const api = createApi({ fetch: async () => answers.shift()(), baseUrl: '', locks: null });
  const down = await api.get('/x').catch((e) => e);
  assert.deepEqual(down.toJSON(), { kind: 'http', status: 503, code: 'database_unavailable', message: 'Down.', retryAfter: 7 });
  const proxy = await api.get('/x').catch((e) => e);
  assert.deepEqual([proxy.status, proxy.code, proxy.message], [502, 'http_502', 'Bad Gateway']);
  const offline = await api.get('/x').catch((e) => e);
  assert.deepEqual([offline.kind, offline.offline, offline.code, offline.status], ['offline', true, 'offline', 0]);
  const slow = await api.get('/x').catch((e) => e);
  assert.deepEqual([slow.kind, slow.code], ['offline', 'timeout']);
});
