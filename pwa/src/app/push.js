// Web Push on this phone: after sign-in the app subscribes (asking for the notification
// permission where the browser still has to), so an assignment reaches the technician with
// the app closed; a setting turns it off (unsubscribed in the browser and on the server).
// iOS and iPadOS deliver Web Push only to a web app added to the Home Screen, from 16.4,
// and ask for the permission only from a tap: Settings offers that tap. Window only.
import * as sw from './sw-client.js';

/** The user turned notifications off on this phone (kept per user: a phone is shared). */
const offKey = (/** @type {string} */ employeeNo) => `rounds:push-off:${employeeNo}`;
/** A first install's worker may still be activating at sign-in: wait this long for it. */
const READY_WAIT_MS = 30_000;

/**
 * @typedef {'on' | 'off' | 'blocked' | 'ask' | 'home_screen' | 'unsupported'} PushState
 * on: subscribed; off: the user turned it off; blocked: the browser refuses notifications
 * for the app; ask: not subscribed, a tap may ask; home_screen: iOS in a browser tab (add
 * the app to the Home Screen first); unsupported: this browser has no Web Push.
 */

/** @returns {Storage | null} */
function storage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** @param {any} user */
export function pushTurnedOff(user) {
  return Boolean(user && storage()?.getItem(offKey(user.employee_no)) === '1');
}

function supported() {
  return typeof navigator !== 'undefined' && 'serviceWorker' in navigator
    && typeof PushManager !== 'undefined' && typeof Notification !== 'undefined';
}

/** @returns {Promise<ServiceWorkerRegistration | null>} */
async function ready() {
  if (!supported()) return null;
  const timeout = new Promise((resolve) => setTimeout(() => resolve(null), READY_WAIT_MS));
  return /** @type {Promise<ServiceWorkerRegistration | null>} */ (Promise.race([navigator.serviceWorker.ready, timeout]));
}

/**
 * Where Web Push stands on this phone for this user.
 * @param {any} user
 * @returns {Promise<PushState>}
 */
export async function pushState(user) {
  if (!supported()) return sw.iosNeedsHomeScreen() ? 'home_screen' : 'unsupported';
  if (pushTurnedOff(user)) return 'off';
  if (Notification.permission === 'denied') return 'blocked';
  const registration = await navigator.serviceWorker.getRegistration('/app/');
  const subscription = await registration?.pushManager?.getSubscription();
  return subscription && Notification.permission === 'granted' ? 'on' : 'ask';
}

/**
 * Subscribe this phone and tell the server (PUT /api/v1/devices/current/push-subscription),
 * unless the user turned it off. `ask`: may ask for the permission (after sign-in, or a tap
 * in Settings); without it only a permission already granted is used (on start).
 * @param {any} client
 * @param {{ask?: boolean}} [options]
 * @returns {Promise<PushState>}
 */
export async function enablePush(client, { ask = true } = {}) {
  const user = client?.user;
  if (!user) return 'unsupported';
  if (!supported()) return pushState(user);
  if (pushTurnedOff(user)) return 'off';
  if (Notification.permission === 'denied') return 'blocked';
  if (Notification.permission === 'default' && !ask) return 'ask';
  if (!(await ready())) return 'unsupported';
  const { public_key: key } = await client.request('GET', sw.PUSH_KEY_PATH);
  const request = await sw.subscribePush(key);
  if (!request) return Notification.permission === 'denied' ? 'blocked' : 'ask';
  await client.request(request.method, request.path, request.body);
  return 'on';
}

/**
 * Turn notifications off on this phone: the choice is kept, the browser's subscription ends
 * and the server forgets it (DELETE), so nothing more is pushed here.
 * @param {any} client
 */
export async function disablePush(client) {
  const user = client?.user;
  if (!user) return;
  storage()?.setItem(offKey(user.employee_no), '1');
  if (supported()) await sw.unsubscribePush();
  await client.request('DELETE', sw.PUSH_SUBSCRIPTION_PATH);
}

/**
 * Turn them on again (from a tap: iOS asks for the permission only then).
 * @param {any} client
 */
export function reenablePush(client) {
  if (client?.user) storage()?.removeItem(offKey(client.user.employee_no));
  return enablePush(client, { ask: true });
}

/**
 * Signing out: this phone stops receiving the user's notifications (the choice to have them
 * stays for their next sign-in). Offline, the server keeps the subscription until the next
 * user signs in on this phone (it moves to them) or the push service drops it.
 * @param {any} client
 */
export async function leavePush(client) {
  try {
    if (supported()) await sw.unsubscribePush();
    await client.request('DELETE', sw.PUSH_SUBSCRIPTION_PATH);
  } catch (error) {
    console.warn('web push not ended on sign-out', error);
  }
}
