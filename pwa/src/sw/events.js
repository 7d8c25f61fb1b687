// The service worker's events, for both of its forms (service worker only; written as a
// classic script, which a module worker can import as well): pwa/sw.js, a classic worker
// for browsers without Background Sync, and pwa/sw-module.js, a module worker that can also
// send the outbox itself when Background Sync fires with no window of the app open.
'use strict';

self.RoundsEvents = (() => {
  /**
   * Listen to the worker's events.
   * @param {{withoutWindow?: () => Promise<unknown>}} [options] what a Background Sync does
   *   when no window of the app is open (without it: nothing, the app syncs when it opens)
   */
  function listen({ withoutWindow } = {}) {
    self.addEventListener('install', (event) => {
      event.waitUntil(self.RoundsShell.install());
    });

    self.addEventListener('activate', (event) => {
      event.waitUntil(self.RoundsShell.activate());
    });

    self.addEventListener('fetch', (event) => {
      const response = self.RoundsShell.route(event.request);
      if (response) event.respondWith(response);
    });

    self.addEventListener('message', (event) => {
      if (event.data?.type === 'SKIP_WAITING') event.waitUntil(self.skipWaiting());
    });

    self.addEventListener('sync', (event) => {
      if (event.tag === self.RoundsBridge.TAG) event.waitUntil(self.RoundsBridge.syncFromWindows(undefined, withoutWindow));
    });

    self.addEventListener('push', (event) => {
      event.waitUntil(self.RoundsPush.show(event.data));
    });

    self.addEventListener('notificationclick', (event) => {
      event.waitUntil(self.RoundsPush.click(event.notification));
    });
  }

  return { listen };
})();
