/**
 * The one module that talks to the service worker (pwa/sw.js, parts in src/sw/), and to the
 * browser features that hang off its registration: updates, Background Sync, Web Push,
 * persistent storage. Window only.
 *
 * An update is offered, never forced: a new version installs beside the running one and
 * waits; `onUpdateReady(applyUpdate)` tells the screens, and only `applyUpdate()` (the user
 * said yes) activates it and reloads the page, once.
 *
 * Messages with the worker (the same names in src/sw/): SKIP_WAITING (page -> worker),
 * SYNC_REQUEST (worker -> page, with a reply port), OPEN_URL (worker -> page, after a
 * notification click).
 */

const WORKER_URL = '/app/sw.js';
/** The same worker as a module: it can send the outbox with no window open (pwa/sw-module.js). */
const MODULE_WORKER_URL = '/app/sw-module.js';
const SCOPE = '/app/';
const SYNC_TAG = 'rounds-sync';
const UPDATE_CHECK_MS = 60 * 60 * 1000; // while the app stays open, look for a new version hourly

/** GET: `{public_key}`, the VAPID key for subscribePush() (server/api/notifications.py). */
export const PUSH_KEY_PATH = '/api/v1/push/key';
/** PUT this device's subscription, DELETE to stop pushes (a device-bound token is needed). */
export const PUSH_SUBSCRIPTION_PATH = '/api/v1/devices/current/push-subscription';

/** @typedef {() => void} ApplyUpdate */
/** @typedef {() => Promise<unknown>} SyncHandler resolves when synced; rejects when not */

/** @type {SyncHandler | null} */
let syncHandler = null;
let listening = false;
let accepted = false; // this tab accepted an update: the takeover is its own doing
let reloading = false;
let lastUpdateCheck = 0;

/** @returns {ServiceWorkerContainer | null} */
function container() {
  return typeof navigator !== 'undefined' && 'serviceWorker' in navigator
    ? navigator.serviceWorker
    : null;
}

/**
 * Register the worker (scope /app/). Returns null where service workers are unavailable
 * (an insecure origin, a private window of some browsers); the app still runs online.
 * @param {{onUpdateReady?: (applyUpdate: ApplyUpdate) => void}} [options]
 * @returns {Promise<ServiceWorkerRegistration | null>}
 */
export async function registerServiceWorker({ onUpdateReady } = {}) {
  const sw = container();
  if (!sw) return null;
  listen(sw);
  const registration = await register(sw);
  lastUpdateCheck = Date.now();
  if (onUpdateReady) {
    watchForUpdates(registration, onUpdateReady);
    watchForTakeover(sw, onUpdateReady);
  }
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && Date.now() - lastUpdateCheck > UPDATE_CHECK_MS) {
      void checkForUpdate();
    }
  });
  return registration;
}

/**
 * Where the browser has Background Sync (Chromium), the module worker, which sends the
 * outbox itself when no window is open; elsewhere, or when module workers are refused
 * (Chromium before 91), the classic one: there a sync event never comes anyway.
 * @param {ServiceWorkerContainer} sw
 */
async function register(sw) {
  const options = { scope: SCOPE, updateViaCache: /** @type {const} */ ('none') };
  if (typeof SyncManager !== 'undefined') {
    try {
      return await sw.register(MODULE_WORKER_URL, { ...options, type: 'module' });
    } catch (error) {
      console.warn('module service worker refused; the classic one instead', error);
    }
  }
  return sw.register(WORKER_URL, options);
}

/**
 * Ask the server for a new version now (the browser also checks on its own schedule).
 * A version found installs in the background and is then offered through onUpdateReady.
 * @returns {Promise<boolean>} false when the check could not be made (offline, no worker)
 */
export async function checkForUpdate() {
  lastUpdateCheck = Date.now();
  const registration = await container()?.getRegistration(SCOPE);
  if (!registration) return false;
  try {
    await registration.update();
    return true;
  } catch {
    return false;
  }
}

/**
 * @param {ServiceWorkerRegistration} registration
 * @param {(applyUpdate: ApplyUpdate) => void} onUpdateReady
 */
function watchForUpdates(registration, onUpdateReady) {
  /** @type {ServiceWorker | null} */
  let offered = null;
  /** @param {ServiceWorker | null} worker */
  const offer = (worker) => {
    // With no active worker this is the first install, which takes over by itself.
    if (!worker || worker === offered || !registration.active) return;
    offered = worker;
    onUpdateReady(() => applyUpdate(worker));
  };
  offer(registration.waiting);
  registration.addEventListener('updatefound', () => {
    const worker = registration.installing;
    worker?.addEventListener('statechange', () => {
      if (worker.state === 'installed') offer(worker);
    });
  });
}

/**
 * Another tab accepted an update: the new worker now serves this page too, which still runs
 * the old code. Offer a reload rather than run on with two versions mixed (a lazily loaded
 * module would come from the new one); never reload under the user's hands.
 * @param {ServiceWorkerContainer} sw
 * @param {(applyUpdate: ApplyUpdate) => void} onUpdateReady
 */
function watchForTakeover(sw, onUpdateReady) {
  let hadController = Boolean(sw.controller);
  sw.addEventListener('controllerchange', () => {
    // The first install claiming this page is no update.
    if (hadController && !accepted) onUpdateReady(reloadOnce);
    hadController = true;
  });
}

function reloadOnce() {
  if (reloading) return;
  reloading = true;
  location.reload();
}

/** @param {ServiceWorker} worker */
function applyUpdate(worker) {
  const sw = container();
  if (!sw) return;
  accepted = true;
  sw.addEventListener('controllerchange', reloadOnce);
  worker.postMessage({ type: 'SKIP_WAITING' });
}

/** @param {ServiceWorkerContainer} sw */
function listen(sw) {
  if (listening) return;
  listening = true;
  sw.addEventListener('message', (event) => {
    const message = event.data ?? {};
    if (message.type === 'SYNC_REQUEST') void answerSync(event.ports[0]);
    else if (message.type === 'OPEN_URL') openUrl(message.url);
  });
  sw.startMessages(); // deliver messages the worker sent before this listener existed
}

/** @param {MessagePort | undefined} port */
async function answerSync(port) {
  if (!port) return;
  if (!syncHandler) {
    port.postMessage({ ok: false, error: 'this window has no sync handler' });
    return;
  }
  try {
    await syncHandler();
    port.postMessage({ ok: true });
  } catch (error) {
    port.postMessage({ ok: false, error: String(error instanceof Error ? error.message : error) });
  }
}

/** @param {unknown} url a place in the app, e.g. "/app/#/orders/<id>" */
function openUrl(url) {
  if (typeof url !== 'string' || !url.startsWith(SCOPE)) return;
  if (location.pathname + location.search + location.hash !== url) location.assign(url);
}

/**
 * Answer the worker's Background Sync requests by running `handler` (e.g. the client's
 * syncNow); its rejection tells the browser to try again later. One handler per window.
 * @param {SyncHandler} handler
 * @returns {() => void} stop answering
 */
export function onSyncRequest(handler) {
  syncHandler = handler;
  const sw = container();
  if (sw) listen(sw);
  return () => {
    if (syncHandler === handler) syncHandler = null;
  };
}

/** @returns {Promise<ServiceWorkerRegistration | null>} the registration once it has an active worker */
async function activeRegistration() {
  const registration = await container()?.getRegistration(SCOPE);
  return registration?.active ? registration : null;
}

/**
 * Ask the browser to wake the worker when the network is back, even with the app in the
 * background (Chromium). False where Background Sync is missing (Safari, Firefox): the app
 * then relies on its own triggers (launch, online, visible, every minute).
 * @returns {Promise<boolean>}
 */
export async function requestBackgroundSync() {
  const registration = await activeRegistration();
  if (!registration || !('sync' in registration)) return false;
  try {
    // @ts-ignore: Background Sync is not in every DOM typing
    await registration.sync.register(SYNC_TAG);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ask that the app's storage be kept under pressure (the outbox and unsent photos live
 * there). Browsers may grant it silently, ask the user, or refuse.
 * @returns {Promise<boolean>} whether storage is now persistent
 */
export async function requestPersistentStorage() {
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  if (!storage?.persist) return false;
  if (await storage.persisted()) return true;
  try {
    return await storage.persist();
  } catch {
    return false;
  }
}

/** @returns {Promise<{usage: number | null, quota: number | null, persisted: boolean}>} */
export async function storageEstimate() {
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  const estimate = storage?.estimate ? await storage.estimate() : {};
  const persisted = storage?.persisted ? await storage.persisted() : false;
  return { usage: estimate.usage ?? null, quota: estimate.quota ?? null, persisted };
}

/**
 * True on an iPhone or iPad when the app runs in a browser tab rather than from the Home
 * Screen: there Web Push is unavailable and the browser may clear the app's storage after
 * a week unused. Screens then guide the user: Share > Add to Home Screen.
 * @param {{navigator?: any, matchMedia?: (query: string) => {matches: boolean}}} [env]
 */
export function iosNeedsHomeScreen(env = {}) {
  const nav = env.navigator ?? globalThis.navigator;
  const matchMedia = env.matchMedia ?? globalThis.matchMedia;
  const agent = String(nav?.userAgent ?? '');
  // iPadOS reports itself as a Mac; a Mac has no touch screen.
  const ios = /iPhone|iPad|iPod/.test(agent) || (/Macintosh/.test(agent) && nav.maxTouchPoints > 1);
  if (!ios) return false;
  const standalone = nav.standalone === true || Boolean(matchMedia?.('(display-mode: standalone)').matches);
  return !standalone;
}

/**
 * Subscribe this device to Web Push with the server's VAPID key (GET PUSH_KEY_PATH ->
 * `public_key`), asking for notification permission if need be (call it from a tap).
 * Returns the request to send with the device-bound token, or null when push is
 * unavailable or the user declined:
 *   {method: 'PUT', path: PUSH_SUBSCRIPTION_PATH, body: subscription.toJSON()}
 * A subscription made with another key is replaced.
 * @param {string} vapidPublicKey URL-safe base64 of the uncompressed P-256 point
 * @returns {Promise<{method: 'PUT', path: string, body: PushSubscriptionJSON} | null>}
 */
export async function subscribePush(vapidPublicKey) {
  const registration = await activeRegistration();
  if (!registration || !('pushManager' in registration) || typeof Notification === 'undefined') {
    return null;
  }
  const permission =
    Notification.permission === 'default' ? await Notification.requestPermission() : Notification.permission;
  if (permission !== 'granted') return null;
  const key = base64UrlBytes(vapidPublicKey);
  let subscription = await registration.pushManager.getSubscription();
  if (subscription && !sameBytes(subscription.options.applicationServerKey, key)) {
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ??= await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: key,
  });
  return { method: 'PUT', path: PUSH_SUBSCRIPTION_PATH, body: subscription.toJSON() };
}

/**
 * Stop Web Push on this device. Returns the request that tells the server, or null when
 * there was no subscription.
 * @returns {Promise<{method: 'DELETE', path: string} | null>}
 */
export async function unsubscribePush() {
  const registration = await activeRegistration();
  const subscription = await registration?.pushManager?.getSubscription();
  if (!subscription) return null;
  await subscription.unsubscribe();
  return { method: 'DELETE', path: PUSH_SUBSCRIPTION_PATH };
}

/** @param {string} text */
export function base64UrlBytes(text) {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
  return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
}

/**
 * @param {ArrayBuffer | null | undefined} buffer
 * @param {Uint8Array} bytes
 */
function sameBytes(buffer, bytes) {
  if (!buffer || buffer.byteLength !== bytes.length) return false;
  const view = new Uint8Array(buffer);
  return view.every((byte, index) => byte === bytes[index]);
}
