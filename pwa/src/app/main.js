// The field app's start: language, the local client (IndexedDB: the app opens from it,
// offline too), the status bar, the tab bar, the router, and then the service worker.
// Nothing here waits for the network.
import { h, icon, ICONS, mount } from './dom.js';
import { initI18n, onLanguageChange, t } from './i18n.js';
import { createRouter, homeOf, isAuditor, isCleaner, isField, isGuard, isRequester, isStorekeeper, isWardStaff, parseHash } from './router.js';
import { createStatusBar } from './components/status-bar.js';
import { openClient } from '../sync/client.js';

/** @type {any} */
let client = null;

const top = /** @type {HTMLElement} */ (document.getElementById('top'));
const outlet = /** @type {HTMLElement} */ (document.getElementById('main'));
const tabs = /** @type {HTMLElement} */ (document.getElementById('tabs'));
const toastBox = /** @type {HTMLElement} */ (document.getElementById('toast'));

const statusBar = createStatusBar({ getClient: () => client });

/** @type {ReturnType<typeof setTimeout> | null} */
let toastTimer = null;
/** A short message at the bottom, read out politely by screen readers. */
function toast(/** @type {string} */ message) {
  toastBox.textContent = message;
  toastBox.classList.add('show');
  if (toastTimer) clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    toastBox.classList.remove('show');
    toastTimer = setTimeout(() => {
      toastBox.textContent = '';
    }, 300);
  }, 4000);
}

/** The tab bar: the user's home, reporting, the inbox, settings. */
function renderTabs(/** @type {string} */ path = parseHash(location.hash).path) {
  const user = client?.user;
  if (!user) {
    tabs.hidden = true;
    mount(tabs);
    return;
  }
  tabs.hidden = false;
  const items = [];
  if (isCleaner(user)) items.push({ href: '/cleaning', label: t('nav.cleaning'), path: ICONS.list });
  if (isGuard(user)) items.push({ href: '/patrol', label: t('nav.patrol'), path: ICONS.scan });
  if (isField(user)) items.push({ href: '/orders', label: t('nav.orders'), path: ICONS.list });
  if (isRequester(user)) items.push({ href: '/requests', label: t('nav.requests'), path: ICONS.requests });
  if (isWardStaff(user)) items.push({ href: '/cleaning/request', label: t('nav.cleaning_request'), path: ICONS.ok });
  if (isAuditor(user)) items.push({ href: '/cleaning/audit', label: t('nav.cleaning_audit'), path: ICONS.ok });
  if (isStorekeeper(user)) items.push({ href: '/stock', label: t('nav.stock'), path: ICONS.scan });
  items.push({ href: '/report', label: t('nav.report'), path: ICONS.report });
  items.push({ href: '/inbox', label: t('nav.inbox'), path: ICONS.inbox });
  items.push({ href: '/settings', label: t('nav.settings'), path: ICONS.settings });
  const section = path.startsWith('/cleaning/tasks/') ? '/cleaning' : path.startsWith('/cleaning/audit/') ? '/cleaning/audit' : path.startsWith('/patrol/') ? '/patrol' : path.startsWith('/orders/') ? (isField(user) ? '/orders' : '/requests') : path.startsWith('/stock/') ? '/stock' : path;
  tabs.setAttribute('aria-label', t('nav.label'));
  mount(tabs, h('ul', null, items.map((item) =>
    h('li', null, h('a', { href: `#${item.href}`, 'aria-current': section === item.href ? 'page' : null },
      icon(item.path), h('span', null, item.label))))));
}

function fatal(/** @type {unknown} */ error) {
  console.error(error);
  const e = /** @type {any} */ (error);
  mount(outlet,
    h('div', { class: 'card' },
      h('h1', null, t('fatal.title')),
      h('p', null, t('fatal.text')),
      h('p', { class: 'small muted' }, e?.message || String(e)),
      h('button', { type: 'button', class: 'primary', onclick: () => location.reload() }, t('fatal.reload'))));
}

const router = createRouter({
  outlet,
  getClient: () => client,
  toast,
  onError: fatal,
  onRoute: (_route, path) => renderTabs(path),
  signedIn: (user, next) => {
    statusBar.setSignedIn(Boolean(user));
    renderTabs();
    if (user) {
      // The outbox and unsent photos live in this browser's storage: ask to keep it.
      import('./sw-client.js').then((sw) => sw.requestPersistentStorage?.()).catch(() => {});
      // Assignments reach the phone with the app closed, unless turned off in Settings.
      import('./push.js').then((push) => push.enablePush(client)).catch((error) => console.warn('web push', error));
      // The tab bar shows as soon as the user's database opens, before the first sync ends:
      // someone who already moved on (to report a fault) is not pulled back home.
      const { path } = parseHash(location.hash);
      if (path === '/signin' || path === '/') router.navigate(next || homeOf(user), { replace: true });
    } else {
      router.navigate('/signin', { replace: true });
    }
  },
});

async function startServiceWorker() {
  let sw;
  try {
    sw = await import('./sw-client.js');
  } catch (error) {
    console.warn('service worker client unavailable', error);
    return;
  }
  try {
    if (sw.iosNeedsHomeScreen?.()) statusBar.showIosHint();
    // backgroundSync rejects when the sync fails, so the browser schedules a retry.
    sw.onSyncRequest?.(() => (client ? client.backgroundSync() : Promise.reject(new Error('signed out'))));
    await sw.registerServiceWorker?.({ onUpdateReady: (/** @type {() => void} */ apply) => statusBar.showUpdate(apply) });
  } catch (error) {
    console.warn('service worker', error);
  }
}

// The skip link moves focus to the screen itself (a plain #main would be read as a route).
document.querySelector('.skip')?.addEventListener('click', (event) => {
  event.preventDefault();
  outlet.focus();
});

async function boot() {
  await initI18n();
  const skip = document.querySelector('.skip');
  if (skip) skip.textContent = t('nav.skip');
  top.replaceChildren(statusBar.el);
  statusBar.render();
  try {
    // Each queued action asks for Background Sync: where the browser has it (Chrome on
    // Android) the service worker sends the outbox when the network is back, app or not.
    const requestSync = () => import('./sw-client.js').then((sw) => sw.requestBackgroundSync()).catch(() => false);
    client = await openClient({ onQueued: requestSync });
  } catch (error) {
    fatal(error);
    return;
  }
  statusBar.attach(client);
  renderTabs();
  // Signed out in another tab, or signed in: the whole app follows.
  let wasSignedIn = Boolean(client.user);
  client.on('change', (/** @type {{types?: string[]}} */ change) => {
    if (!change?.types?.includes('session')) return;
    const now = Boolean(client.user);
    if (now === wasSignedIn) return;
    wasSignedIn = now;
    statusBar.setSignedIn(now);
    renderTabs();
    if (!now) router.navigate('/signin', { replace: true });
  });
  onLanguageChange(() => {
    if (skip) skip.textContent = t('nav.skip');
    statusBar.render();
    renderTabs();
    router.render();
  });
  await router.start();
  startServiceWorker();
  // Signed in before: keep the subscription current (a new server key, a shared phone's
  // new user), without asking anything.
  if (client.user) {
    import('./push.js').then((push) => push.enablePush(client, { ask: false })).catch((error) => console.warn('web push', error));
  }
  // The keyboard wedge listens on every screen from here on.
  import('./scan-anywhere.js')
    .then((scan) => scan.listenEverywhere({ getClient: () => client, navigate: router.navigate, toast }))
    .catch((error) => console.warn('scanning unavailable', error));
}

boot().catch(fatal);
