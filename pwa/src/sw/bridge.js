// Background Sync (service worker only; a classic script, a module worker imports it too).
// The sync engine runs in the window (IndexedDB, tokens, the Web Locks leader), so on a
// 'rounds-sync' event the worker asks the app's windows to sync and waits for one of them
// to say it did. No reply in time, or every window failing, rejects: the browser then
// retries the sync later. With no window of the app open, the module worker
// (pwa/sw-module.js) sends the outbox itself (`withoutWindow`, src/sw/outbox.js); the
// classic one has nothing to do: the app syncs whenever it opens. The window side is
// onSyncRequest() in src/app/sw-client.js.
'use strict';

self.RoundsBridge = (() => {
  const TAG = 'rounds-sync';
  const SYNC_REQUEST = 'SYNC_REQUEST'; // the same name in src/app/sw-client.js
  const TIMEOUT_MS = 60_000;
  const APP = '/app/';

  /**
   * @param {number} [timeoutMs]
   * @param {() => Promise<unknown>} [withoutWindow] the sync to run when no window is open
   * @returns {Promise<'synced' | 'no-window' | 'synced-without-window'>}
   */
  async function syncFromWindows(timeoutMs = TIMEOUT_MS, withoutWindow) {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const ours = windows.filter((client) => new URL(client.url).pathname.startsWith(APP));
    if (ours.length === 0) {
      if (!withoutWindow) return 'no-window';
      await withoutWindow();
      return 'synced-without-window';
    }
    await Promise.any(ours.map((client) => ask(client, timeoutMs)));
    return 'synced';
  }

  /**
   * Post a sync request with a reply port; settle on the reply or the timeout.
   * @param {Client} client
   * @param {number} timeoutMs
   */
  function ask(client, timeoutMs) {
    return new Promise((resolve, reject) => {
      const channel = new MessageChannel();
      const done = () => {
        clearTimeout(timer);
        channel.port1.close();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no answer from ${client.url} within ${timeoutMs} ms`));
      }, timeoutMs);
      channel.port1.onmessage = (event) => {
        done();
        const reply = event.data ?? {};
        if (reply.ok) resolve(reply);
        else reject(new Error(reply.error || 'the window could not sync'));
      };
      client.postMessage({ type: SYNC_REQUEST, tag: TAG }, [channel.port2]);
    });
  }

  return { TAG, syncFromWindows };
})();
