// The offline shell (service worker only; a classic script, loaded by ../../sw.js).
// Install caches every file of self.PRECACHE into `rounds-shell-<version>`; activate deletes
// the other versions; fetch answers navigations within /app/ with the cached index.html
// and listed files from the cache. Everything else (the API above all) goes to the
// network untouched: the app keeps its data in IndexedDB and handles being offline itself.
// A worker only ever reads its own version's cache, so one page never mixes two versions.
'use strict';

self.RoundsShell = (() => {
  const PREFIX = 'rounds-shell-';
  const SCOPE = '/app/';
  const INDEX = '/app/index.html';
  /** @type {{version: string, files: string[]}} */
  const { version, files } = self.PRECACHE;
  const cacheName = PREFIX + version;
  const listed = new Set(files);

  async function install() {
    const cache = await caches.open(cacheName);
    // Revalidate each file with the server rather than trust the HTTP cache (a file that
    // has not changed costs a 304). addAll is all or nothing: a failed install leaves the
    // running version in place and is tried again at the next update check.
    await cache.addAll(files.map((url) => new Request(url, { cache: 'no-cache' })));
  }

  async function activate() {
    const names = await caches.keys();
    const stale = names.filter((name) => name.startsWith(PREFIX) && name !== cacheName);
    await Promise.all(stale.map((name) => caches.delete(name)));
    await self.clients.claim();
  }

  /**
   * The response for a request this worker answers, or null to leave it to the network.
   * @param {Request} request
   * @returns {Promise<Response> | null}
   */
  function route(request) {
    if (request.method !== 'GET') return null;
    const url = new URL(request.url);
    if (url.origin !== self.location.origin) return null;
    if (request.mode === 'navigate' && url.pathname.startsWith(SCOPE)) {
      const own = listed.has(url.pathname) && url.pathname !== SCOPE;
      return fromCache(own ? url.pathname : INDEX, request);
    }
    return listed.has(url.pathname) ? fromCache(url.pathname, request) : null;
  }

  /**
   * Cache first; the network only when the cache lost the file (and nothing is stored
   * then: the server may already hold a newer version than this worker's).
   * @param {string} path
   * @param {Request} request
   */
  async function fromCache(path, request) {
    const cache = await caches.open(cacheName);
    return (await cache.match(path)) ?? fetch(request);
  }

  return { cacheName, version, install, activate, route };
})();
