// The bar on every screen: sync state, actions not yet sent, the inbox; under it a line
// with the sync's progress (rows and pages of a first sync, ops sent, bytes uploaded) or
// the time of the last sync; below that the banners that need the user (storage nearly
// full or closed under the app, an app update is ready, iOS needs Add to Home Screen).
import { h, icon, ICONS, mount } from '../dom.js';
import { formatBytes, formatDateTime, language, t } from '../i18n.js';

const IOS_HINT_KEY = 'rounds.iosHintDismissed';
/** Codes that mean the server ended the sign-in: the outbox stays, the user signs in again. */
const SIGNED_OUT = new Set(['signed_out', 'refresh_rejected', 'refresh_reused']);
/** Used over quota from which the user is warned (src/sync/engine.js frees space from there). */
export const STORAGE_WARNING = 0.8;

/** What a sync in progress is doing, in words. */
export function progressText(/** @type {any} */ progress) {
  const number = (/** @type {number} */ n) => Number(n).toLocaleString(language());
  switch (progress?.phase) {
    case 'pull':
      return t(progress.first ? 'progress.pull_first' : 'progress.pull', { rows: number(progress.rows), pages: number(progress.pages) });
    case 'push':
      return t('progress.push', { sent: number(progress.sent), total: number(progress.total) });
    case 'upload':
      return t('progress.upload', { sent: formatBytes(progress.sent), total: formatBytes(progress.total) });
    default:
      return '';
  }
}

/**
 * @typedef {{state?: string, pending?: number, lastSync?: string | number | Date | null, error?: unknown,
 *   progress?: unknown}} SyncStatus
 */

/** A sync state in words and an icon. */
function describe(/** @type {SyncStatus} */ status, /** @type {boolean} */ online) {
  let state = status.state || 'idle';
  if (!online && state !== 'syncing') state = 'offline';
  switch (state) {
    case 'syncing':
      return { cls: 'syncing', path: ICONS.sync, text: t('sync.syncing') };
    case 'offline':
      return { cls: 'offline', path: ICONS.offline, text: t('sync.offline') };
    case 'error':
      return { cls: 'error', path: ICONS.error, text: t('sync.error') };
    default:
      // Idle with actions still queued: the next sync has not run yet.
      if (Number(status.pending || 0) > 0) return { cls: 'waiting', path: ICONS.sync, text: t('sync.waiting') };
      return { cls: 'synced', path: ICONS.ok, text: t('sync.synced') };
  }
}

/** The message of a sync error in words the user can act on. */
export function errorText(/** @type {unknown} */ error) {
  if (!error) return '';
  const e = /** @type {any} */ (error);
  const code = typeof e === 'object' ? e.code : null;
  if (code) {
    const known = t(`error.${code}`);
    if (known !== `error.${code}`) return known;
  }
  if (typeof e === 'string') return e;
  return e.message || String(e);
}

/**
 * @param {object} options
 * @param {() => any} options.getClient
 */
export function createStatusBar({ getClient }) {
  /** @type {SyncStatus} */
  let status = { state: 'idle', pending: 0 };
  let inboxCount = 0;
  /** @type {null | (() => unknown)} */
  let applyUpdate = null;
  let iosHint = false;
  let signedIn = false;
  /** @type {{usage: number | null, quota: number | null} | null} */
  let storage = null;

  const bar = h('div', { class: 'status-bar' });
  // Not a live region: progress changes by the second; the announcer says what matters.
  const progressLine = h('p', { class: 'sync-detail' });
  const banners = h('div', { class: 'banners' });
  const announcer = h('p', { class: 'sr-only', role: 'status' });
  /** @type {string | null | undefined} the state last announced (undefined: none yet) */
  let announced;
  const el = h('header', { class: 'top' }, bar, progressLine, banners, announcer);

  /** The origin's storage, to warn before it is full. */
  async function measureStorage() {
    try {
      const sw = await import('../sw-client.js');
      storage = await sw.storageEstimate();
    } catch {
      storage = null;
    }
    render();
  }

  function render() {
    const online = navigator.onLine !== false;
    const d = describe(status, online);
    const pending = Number(status.pending || 0);
    const lastSync = status.lastSync ? formatDateTime(status.lastSync) : '';
    const detail = d.cls === 'error' ? errorText(status.error) : '';
    mount(
      bar,
      h('a', { class: 'brand', href: '#/' }, t('app.name')),
      signedIn &&
        h(
          'p',
          { class: ['sync', `sync-${d.cls}`] },
          icon(d.path),
          h('span', { class: 'sync-text' }, d.text),
          pending > 0 &&
            h('span', { class: 'count pending', title: t('sync.pending', { n: pending }) },
              h('span', { 'aria-hidden': 'true' }, String(pending)),
              h('span', { class: 'sr-only' }, t('sync.pending', { n: pending }))),
        ),
      signedIn &&
        h(
          'a',
          { class: 'inbox-link', href: '#/inbox' },
          icon(ICONS.inbox),
          h('span', { class: 'sr-only' }, t('nav.inbox')),
          inboxCount > 0 &&
            h('span', { class: 'count problems' },
              h('span', { 'aria-hidden': 'true' }, String(inboxCount)),
              h('span', { class: 'sr-only' }, t('inbox.count', { n: inboxCount }))),
        ),
    );
    const doing = d.cls === 'syncing' ? progressText(status.progress) : '';
    const line = !signedIn ? '' : doing || (lastSync ? t('sync.last', { when: lastSync }) : t('sync.never'));
    progressLine.textContent = line;
    progressLine.hidden = !line;
    // Screen readers hear a change of state (offline, back online, a problem), not every
    // minute's "syncing".
    const category = signedIn && d.cls !== 'syncing' ? d.cls : null;
    if (category && category !== announced) {
      if (announced !== undefined) announcer.textContent = pending > 0 ? `${d.text}. ${t('sync.pending', { n: pending })}` : d.text;
      announced = category;
    }
    const items = [];
    const code = /** @type {any} */ (status.error)?.code;
    if (signedIn && code === 'storage_lost') {
      items.push(h('div', { class: 'banner banner-error', role: 'alert' },
        h('p', null, t('error.storage_lost')),
        h('button', { type: 'button', class: 'primary', onclick: () => location.reload() }, t('storage.reload'))));
    } else if (signedIn && SIGNED_OUT.has(code)) {
      items.push(h('div', { class: 'banner banner-error', role: 'alert' },
        h('p', null, t('error.signed_out')),
        h('a', { class: 'button primary', href: '#/signin?again=1' }, t('signin.again'))));
    } else if (signedIn && detail) {
      items.push(h('p', { class: 'banner banner-error', role: 'alert' }, t('sync.error_detail', { message: detail })));
    }
    const used = storage?.usage ?? null;
    const quota = storage?.quota ?? null;
    if (signedIn && used !== null && quota && used / quota >= STORAGE_WARNING) {
      items.push(h('p', { class: 'banner banner-warning', role: 'status' },
        t('storage.warning', { used: formatBytes(used), quota: formatBytes(quota) })));
    }
    if (applyUpdate) {
      items.push(
        h('div', { class: 'banner banner-update', role: 'region', 'aria-label': t('update.label') },
          h('p', null, t('update.ready')),
          h('button', {
            type: 'button',
            class: 'primary',
            onclick: async (/** @type {Event} */ event) => {
              const button = /** @type {HTMLButtonElement} */ (event.currentTarget);
              button.disabled = true;
              button.textContent = t('update.applying');
              try {
                await applyUpdate?.();
              } catch (error) {
                console.error(error);
                button.disabled = false;
                button.textContent = t('update.button');
              }
            },
          }, t('update.button'))),
      );
    }
    if (iosHint) {
      items.push(
        h('div', { class: 'banner banner-ios', role: 'region', 'aria-label': t('ios.label') },
          h('p', null, h('strong', null, t('ios.title')), ' ', t('ios.steps')),
          h('button', {
            type: 'button',
            onclick: () => {
              iosHint = false;
              try {
                localStorage.setItem(IOS_HINT_KEY, String(Date.now()));
              } catch {
                // shown again next time
              }
              render();
            },
          }, t('ios.dismiss'))),
      );
    }
    mount(banners, items);
  }

  async function refreshCounts() {
    const client = getClient();
    if (!client?.user) return;
    try {
      const [pending, inbox] = await Promise.all([
        client.pendingCount ? client.pendingCount() : status.pending,
        client.inbox ? client.inbox() : [],
      ]);
      status = { ...status, pending: Number(pending || 0) };
      inboxCount = Array.isArray(inbox) ? inbox.length : 0;
      render();
    } catch (error) {
      console.error(error);
    }
  }

  window.addEventListener('online', render);
  window.addEventListener('offline', render);

  return {
    el,
    render,
    refreshCounts,
    /** @param {any} client */
    attach(client) {
      signedIn = Boolean(client?.user);
      if (client?.on) {
        client.on('status', (/** @type {SyncStatus} */ next) => {
          const was = status.state;
          status = { ...status, ...next };
          render();
          // After a sync the inbox may have news, and space may have been used or freed.
          if (was === 'syncing' && next.state !== 'syncing') {
            refreshCounts();
            measureStorage();
          }
        });
        client.on('change', (/** @type {{types?: string[]}} */ change) => {
          if (!change?.types || change.types.includes('inbox') || change.types.includes('outbox')) refreshCounts();
          if (change?.types?.includes('storage')) measureStorage();
        });
      }
      refreshCounts();
      measureStorage();
      render();
    },
    /** @param {boolean} value */
    setSignedIn(value) {
      signedIn = value;
      render();
      if (value) refreshCounts();
    },
    /** @param {() => unknown} apply */
    showUpdate(apply) {
      applyUpdate = apply;
      render();
    },
    /** Show the Add to Home Screen guidance unless dismissed within the last week. */
    showIosHint() {
      let dismissed = 0;
      try {
        dismissed = Number(localStorage.getItem(IOS_HINT_KEY) || 0);
      } catch {
        // show it
      }
      if (Date.now() - dismissed < 7 * 24 * 3600 * 1000) return;
      iosHint = true;
      render();
    },
  };
}
