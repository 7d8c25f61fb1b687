// The service worker's scripts (pwa/sw.js, pwa/src/sw/*), run as classic scripts in a
// context with fake caches and clients; and the page side's pure helpers (sw-client.js).
// The browser tests (tests/e2e/) run the same worker in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { base64UrlBytes, iosNeedsHomeScreen } from '../../pwa/src/app/sw-client.js';

const PWA = new URL('../../pwa/', import.meta.url);
const ORIGIN = 'https://phone.test';
const ORDER = '/app/#/orders/0b8f4a52-3c7e-4c0e-9d55-7b3f0e8a1c11';

/** A worker global scope with fake caches and clients; events dispatch to its listeners. */
function worker({ precache = { version: 'v2', files: ['/app/', '/app/index.html', '/app/a.js'] }, windows = [] } = {}) {
  const listeners = {};
  const stores = new Map();
  const log = { fetched: [], cacheModes: [], skipped: 0, claimed: 0, opened: [], shown: [] };
  const caches = {
    async open(name) {
      if (!stores.has(name)) stores.set(name, new Map());
      const store = stores.get(name);
      return {
        async addAll(requests) {
          for (const request of requests) {
            log.cacheModes.push(request.cache);
            const path = new URL(request.url).pathname;
            store.set(path, `${path} as cached`);
          }
        },
        async match(path) {
          return store.has(path) ? new Response(store.get(path)) : undefined;
        },
      };
    },
    keys: async () => [...stores.keys()],
    delete: async (name) => stores.delete(name),
  };
  const self = {
    location: new URL(`${ORIGIN}/app/sw.js`),
    addEventListener: (type, listener) => {
      listeners[type] = listener;
    },
    skipWaiting: async () => {
      log.skipped += 1;
    },
    clients: {
      matchAll: async () => windows,
      claim: async () => {
        log.claimed += 1;
      },
      openWindow: async (url) => {
        log.opened.push(url);
        return null;
      },
    },
    registration: {
      showNotification: async (title, options) => {
        log.shown.push({ title, options });
      },
    },
  };
  const context = vm.createContext({
    self,
    caches,
    Request: class {
      constructor(url, init = {}) {
        this.url = new URL(url, self.location).href;
        this.cache = init.cache;
      }
    },
    Response,
    URL,
    MessageChannel,
    setTimeout,
    clearTimeout,
    fetch: async (request) => {
      log.fetched.push(request.url);
      return new Response('from the network');
    },
    importScripts: (...paths) => {
      for (const path of paths) {
        if (path.endsWith('/precache.js')) self.PRECACHE = precache;
        else vm.runInContext(readFileSync(new URL(path, new URL('sw.js', PWA)), 'utf8'), context);
      }
    },
  });
  vm.runInContext(readFileSync(new URL('sw.js', PWA), 'utf8'), context);

  /** Dispatch an event; resolves with what the worker passed to waitUntil/respondWith. */
  async function dispatch(type, fields = {}) {
    const event = { ...fields, waited: undefined, responded: undefined };
    event.waitUntil = (promise) => {
      event.waited = promise;
    };
    event.respondWith = (promise) => {
      event.responded = promise;
    };
    listeners[type](event);
    return { waited: await event.waited, responded: event.responded && (await event.responded) };
  }
  return { self, stores, log, dispatch };
}

const get = (path, mode = 'no-cors') => ({ url: new URL(path, ORIGIN).href, method: 'GET', mode });

test('install caches every listed file, revalidated, into its version and waits', async () => {
  const sw = worker();
  await sw.dispatch('install');
  assert.deepEqual([...sw.stores.keys()], ['rounds-shell-v2']);
  assert.deepEqual([...sw.stores.get('rounds-shell-v2').keys()], ['/app/', '/app/index.html', '/app/a.js']);
  assert.deepEqual(sw.log.cacheModes, ['no-cache', 'no-cache', 'no-cache']);
  assert.equal(sw.log.skipped, 0, 'a new version waits for the user');
});

test('activate deletes the other shell versions only, then claims the pages', async () => {
  const sw = worker();
  for (const name of ['rounds-shell-v1', 'rounds-shell-v2', 'someone-elses']) sw.stores.set(name, new Map());
  await sw.dispatch('activate');
  assert.deepEqual([...sw.stores.keys()].sort(), ['rounds-shell-v2', 'someone-elses']);
  assert.equal(sw.log.claimed, 1);
});

test('navigations in the app get the cached shell; listed files come from the cache', async () => {
  const sw = worker();
  await sw.dispatch('install');
  const text = async (request) => (await sw.dispatch('fetch', { request })).responded?.text();
  assert.equal(await text(get('/app/', 'navigate')), '/app/index.html as cached');
  assert.equal(await text(get('/app/orders/42?x=1', 'navigate')), '/app/index.html as cached');
  assert.equal(await text(get('/app/a.js?v=3')), '/app/a.js as cached');
  assert.deepEqual(sw.log.fetched, []);
});

test('the API, other files, other origins and writes go to the network untouched', async () => {
  const sw = worker();
  await sw.dispatch('install');
  for (const request of [
    get('/api/v1/sync/pull'),
    get('/app/b.js'),
    get('/desk/', 'navigate'),
    { url: 'https://cdn.example/app/a.js', method: 'GET', mode: 'cors' },
    { url: `${ORIGIN}/app/a.js`, method: 'POST', mode: 'cors' },
  ]) {
    assert.equal((await sw.dispatch('fetch', { request })).responded, undefined, request.url);
  }
});

test('a file the cache lost is fetched, not stored', async () => {
  const sw = worker();
  const response = (await sw.dispatch('fetch', { request: get('/app/a.js') })).responded;
  assert.equal(await response.text(), 'from the network');
  assert.deepEqual([...sw.stores.get('rounds-shell-v2').keys()], []);
});

test('SKIP_WAITING, and only that message, activates the waiting worker', async () => {
  const sw = worker();
  await sw.dispatch('message', { data: { type: 'HELLO' } });
  await sw.dispatch('message', { data: null });
  assert.equal(sw.log.skipped, 0);
  await sw.dispatch('message', { data: { type: 'SKIP_WAITING' } });
  assert.equal(sw.log.skipped, 1);
});

/** A window that answers sync requests with `reply` (or never, when reply is null). */
function windowReplying(reply, url = `${ORIGIN}/app/`) {
  const asked = [];
  return {
    url,
    focused: false,
    asked,
    postMessage(message, ports = []) {
      asked.push(JSON.parse(JSON.stringify(message))); // out of the worker's realm
      if (reply && ports[0]) {
        ports[0].postMessage(reply);
        ports[0].close();
      }
    },
  };
}

test('a background sync asks the windows and settles when one has synced', async () => {
  const failing = windowReplying({ ok: false, error: 'offline' });
  const syncing = windowReplying({ ok: true });
  const sw = worker({ windows: [failing, syncing] });
  assert.equal((await sw.dispatch('sync', { tag: 'rounds-sync' })).waited, 'synced');
  assert.deepEqual(syncing.asked, [{ type: 'SYNC_REQUEST', tag: 'rounds-sync' }]);
  assert.equal((await sw.dispatch('sync', { tag: 'someone-elses' })).waited, undefined);
});

test('a background sync fails (to be retried) when every window fails or none answers', async () => {
  const failing = worker({ windows: [windowReplying({ ok: false, error: 'quota' })] });
  await assert.rejects(failing.dispatch('sync', { tag: 'rounds-sync' }), { name: 'AggregateError' });
  const silent = worker({ windows: [windowReplying(null)] });
  await assert.rejects(silent.self.RoundsBridge.syncFromWindows(20), { name: 'AggregateError' });
  const closed = worker({ windows: [] });
  assert.equal((await closed.dispatch('sync', { tag: 'rounds-sync' })).waited, 'no-window');
});

test('with no window of the app open, the sync the worker was given runs there', async () => {
  const desk = windowReplying(null, `${ORIGIN}/desk/`);
  const sw = worker({ windows: [desk] });
  let ran = 0;
  const result = await sw.self.RoundsBridge.syncFromWindows(20, async () => { ran += 1; });
  assert.equal(result, 'synced-without-window');
  assert.equal(ran, 1);
  assert.deepEqual(desk.asked, [], 'a desk page is no window of the app');
  await assert.rejects(sw.self.RoundsBridge.syncFromWindows(20, async () => { throw new Error('offline'); }), /offline/, 'so that the browser retries');
  const app = windowReplying({ ok: true });
  const open = worker({ windows: [app] });
  assert.equal(await open.self.RoundsBridge.syncFromWindows(20, async () => { ran += 1; }), 'synced', 'an open window syncs itself');
  assert.equal(ran, 1);
});

const pushData = (payload) => ({ json: () => JSON.parse(payload), text: () => payload });

test('a push shows the server payload; its id is the tag, so a resend replaces it', async () => {
  const sw = worker();
  const payload = { title: 'WO-1: assigned', body: 'Ward 3', url: ORDER, kind: 'assigned', id: 'n-1' };
  await sw.dispatch('push', { data: pushData(JSON.stringify(payload)) });
  await sw.dispatch('push', { data: pushData('not json') });
  await sw.dispatch('push', { data: null });
  const [first, second, third] = sw.log.shown;
  assert.equal(first.title, 'WO-1: assigned');
  assert.equal(first.options.body, 'Ward 3');
  assert.equal(first.options.tag, 'n-1');
  assert.deepEqual({ ...first.options.data }, { url: ORDER, kind: 'assigned', id: 'n-1' });
  assert.deepEqual([second.title, second.options.body, second.options.data.url], ['Rounds', 'not json', '/app/']);
  assert.deepEqual([third.title, third.options.tag], ['Rounds', undefined]);
});

test('a click focuses a window of the app and sends it to the order', async () => {
  const desk = { ...windowReplying(null, `${ORIGIN}/desk/`), focused: true };
  const app = windowReplying(null);
  app.focus = async () => app;
  const sw = worker({ windows: [desk, app] });
  let closed = false;
  const notification = { data: { url: ORDER }, close: () => (closed = true) };
  await sw.dispatch('notificationclick', { notification });
  assert.ok(closed);
  assert.deepEqual(app.asked, [{ type: 'OPEN_URL', url: ORDER }]);
  assert.deepEqual(desk.asked, []);
});

test('a click with no window of the app open opens one; foreign urls open the app', async () => {
  const sw = worker();
  const click = (url) => sw.dispatch('notificationclick', { notification: { data: { url }, close() {} } });
  await click(ORDER);
  await click('https://elsewhere.example/phish');
  await click(undefined);
  assert.deepEqual(sw.log.opened, [ORDER, '/app/', '/app/']);
});

test('the generated precache list is a classic script naming its version and files', () => {
  const context = vm.createContext({ self: {} });
  vm.runInContext(readFileSync(new URL('src/sw/precache.js', PWA), 'utf8'), context);
  const { version, files } = context.self.PRECACHE;
  assert.match(version, /^[0-9a-f]{16}$/);
  assert.equal(files[0], '/app/');
  assert.ok(files.includes('/app/index.html') && files.includes('/app/src/app/sw-client.js'));
  assert.ok(!files.some((file) => file === '/app/sw.js' || file.startsWith('/app/src/sw/')));
});

test('the page and the worker use the same message names', () => {
  const page = readFileSync(new URL('src/app/sw-client.js', PWA), 'utf8');
  const workerSide = ['sw.js', 'src/sw/events.js', 'src/sw/bridge.js', 'src/sw/push.js']
    .map((path) => readFileSync(new URL(path, PWA), 'utf8'))
    .join('\n');
  for (const name of ['SKIP_WAITING', 'SYNC_REQUEST', 'OPEN_URL', 'rounds-sync']) {
    assert.ok(page.includes(`'${name}'`) && workerSide.includes(`'${name}'`), name);
  }
});

test('iPhones and iPads in a browser tab are told to add the app to the Home Screen', () => {
  const phone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Version/18.1 Mobile/15E148 Safari/604.1';
  const ipad = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Version/18.1 Safari/605.1.15';
  const android = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36';
  const tab = () => ({ matches: false });
  const installed = () => ({ matches: true });
  assert.equal(iosNeedsHomeScreen({ navigator: { userAgent: phone }, matchMedia: tab }), true);
  assert.equal(iosNeedsHomeScreen({ navigator: { userAgent: phone, standalone: true }, matchMedia: tab }), false);
  assert.equal(iosNeedsHomeScreen({ navigator: { userAgent: phone }, matchMedia: installed }), false);
  assert.equal(iosNeedsHomeScreen({ navigator: { userAgent: ipad, maxTouchPoints: 5 }, matchMedia: tab }), true);
  assert.equal(iosNeedsHomeScreen({ navigator: { userAgent: ipad, maxTouchPoints: 0 }, matchMedia: tab }), false);
  assert.equal(iosNeedsHomeScreen({ navigator: { userAgent: android }, matchMedia: tab }), false);
});

test('the VAPID key is decoded from URL-safe base64 without padding', () => {
  const key = Buffer.from(Array.from({ length: 65 }, (_, i) => (i * 37) % 256));
  const text = key.toString('base64url');
  assert.ok(!text.includes('='));
  assert.deepEqual(Buffer.from(base64UrlBytes(text)), key);
});
