// Web Push (service worker only; a classic script).
// The server sends JSON (server/domain/notify/delivery.py `payload`):
//   {title, body, url, kind, id}   url is e.g. "/app/#/orders/<work order id>", id the notification's
// Every push shows a notification (browsers require it); the notification's id is its tag,
// so a message the server had to send twice replaces itself. A click focuses a window of
// the app and asks it to open the url (OPEN_URL, answered in src/app/sw-client.js), or
// opens a new window there.
'use strict';

self.RoundsPush = (() => {
  const APP = '/app/';
  const ICON = '/app/icons/icon-192.png';
  const OPEN_URL = 'OPEN_URL'; // the same name in src/app/sw-client.js

  /**
   * @param {{json(): any, text(): string} | null} data the push event's data
   * @returns {{title?: string, body?: string, url?: string, kind?: string, id?: string}}
   */
  function parse(data) {
    if (!data) return {};
    try {
      const payload = data.json();
      return payload && typeof payload === 'object' ? payload : { body: String(payload) };
    } catch {
      return { body: data.text() };
    }
  }

  /**
   * Where a click leads: the payload's url when it is a place in this app, else the app.
   * @param {unknown} url
   */
  function target(url) {
    return typeof url === 'string' && url.startsWith(APP) ? url : APP;
  }

  /** @param {ReturnType<typeof parse>} payload */
  function notification(payload) {
    const title = payload.title || 'Rounds';
    /** @type {NotificationOptions} */
    const options = {
      body: payload.body || '',
      icon: ICON,
      data: { url: target(payload.url), kind: payload.kind ?? null, id: payload.id ?? null },
    };
    if (payload.id) options.tag = String(payload.id);
    return { title, options };
  }

  /** @param {{json(): any, text(): string} | null} data */
  function show(data) {
    const { title, options } = notification(parse(data));
    return self.registration.showNotification(title, options);
  }

  /**
   * Focus a window of the app (the focused one first) and send it to the url, or open one.
   * @param {string} url
   */
  async function open(url) {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const ours = windows.filter((client) => new URL(client.url).pathname.startsWith(APP));
    ours.sort((a, b) => Number(b.focused) - Number(a.focused));
    if (ours.length > 0) {
      const client = await ours[0].focus();
      client.postMessage({ type: OPEN_URL, url });
      return client;
    }
    return self.clients.openWindow(url);
  }

  /** @param {Notification} clicked */
  function click(clicked) {
    clicked.close();
    return open(target(clicked.data?.url));
  }

  return { parse, target, notification, show, open, click };
})();
