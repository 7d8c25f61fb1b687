// Hash routes (#/orders, #/orders/<id>, #/report?asset=TAG ...): the server serves one
// index.html at /app/ and never needs a fallback for deep links. Each screen is its own
// module, imported the first time its route opens.

import { maySend } from '../shared/roles.js';

/**
 * @typedef {object} Route
 * @property {string} name
 * @property {RegExp} pattern
 * @property {string[]} [params]
 * @property {() => Promise<{default: View}>} load
 * @property {boolean} [public] shown without a signed-in user
 */

/**
 * @typedef {object} ViewContext
 * @property {any} client
 * @property {any} user
 * @property {Record<string, string>} params
 * @property {URLSearchParams} query
 * @property {HTMLElement} outlet
 * @property {(path: string, options?: {replace?: boolean}) => void} navigate
 * @property {(fn: () => void) => void} onCleanup
 * @property {(types: string[] | null, fn: () => void) => void} onChange re-run fn when
 *   rows of these types change (null: any); dropped when the route changes
 * @property {() => boolean} alive false once the user has left the route
 * @property {(message: string) => void} toast
 * @property {(user: any, next?: string | null) => void} signedIn after signing in or out
 */

/** @typedef {(ctx: ViewContext) => Promise<void> | void} View */

/** @type {Route[]} */
export const ROUTES = [
  { name: 'signin', pattern: /^\/signin$/, load: () => import('./views/signin.js'), public: true },
  { name: 'orders', pattern: /^\/orders$/, load: () => import('./views/orders.js') },
  { name: 'order', pattern: /^\/orders\/([\w-]+)$/, params: ['id'], load: () => import('./views/order.js') },
  { name: 'report', pattern: /^\/report$/, load: () => import('./views/report.js') },
  { name: 'requests', pattern: /^\/requests$/, load: () => import('./views/requests.js') },
  { name: 'ratings', pattern: /^\/ratings$/, load: () => import('./views/ratings.js') },
  { name: 'inbox', pattern: /^\/inbox$/, load: () => import('./views/inbox.js') },
  { name: 'settings', pattern: /^\/settings$/, load: () => import('./views/settings.js') },
  { name: 'stock', pattern: /^\/stock$/, load: () => import('./views/stock.js') },
  { name: 'stock-receive', pattern: /^\/stock\/receive$/, load: () => import('./views/stock-receive.js') },
  { name: 'stock-issue', pattern: /^\/stock\/issue$/, load: () => import('./views/stock-issue.js') },
  { name: 'stock-move', pattern: /^\/stock\/move$/, load: () => import('./views/stock-move.js') },
  { name: 'stock-count', pattern: /^\/stock\/count$/, load: () => import('./views/stock-count.js') },
  { name: 'stock-items', pattern: /^\/stock\/items$/, load: () => import('./views/stock-item.js') },
  { name: 'stock-item', pattern: /^\/stock\/items\/([\w-]+)$/, params: ['id'], load: () => import('./views/stock-item.js') },
  { name: 'patrol', pattern: /^\/patrol$/, load: () => import('./views/patrol.js') },
  { name: 'patrol-round', pattern: /^\/patrol\/rounds\/([\w-]+)$/, params: ['id'], load: () => import('./views/patrol-round.js') },
  { name: 'patrol-incident', pattern: /^\/patrol\/incident$/, load: () => import('./views/patrol-incident.js') },
  { name: 'patrol-clock', pattern: /^\/patrol\/clock$/, load: () => import('./views/patrol-clock.js') },
  { name: 'patrol-tags', pattern: /^\/patrol\/tags$/, load: () => import('./views/patrol-tags.js') },
  { name: 'cleaning', pattern: /^\/cleaning$/, load: () => import('./views/cleaning.js') },
  { name: 'cleaning-task', pattern: /^\/cleaning\/tasks\/([\w-]+)$/, params: ['id'], load: () => import('./views/cleaning-task.js') },
  { name: 'cleaning-request', pattern: /^\/cleaning\/request$/, load: () => import('./views/cleaning-request.js') },
  { name: 'cleaning-audit', pattern: /^\/cleaning\/audit$/, load: () => import('./views/cleaning-audit.js') },
  { name: 'cleaning-audit-task', pattern: /^\/cleaning\/audit\/([\w-]+)$/, params: ['id'], load: () => import('./views/cleaning-audit.js') },
];

/** Is the user a cleaner (a contractor's, whom the server lets start a clean)? */
export function isCleaner(/** @type {any} */ user) {
  return Boolean(user?.roles?.includes('cleaner')) && maySend(user, 'cleaning.start');
}

/** Is the user ward staff who ask for terminal cleans of their rooms? */
export function isWardStaff(/** @type {any} */ user) {
  return Boolean(user?.roles?.includes('requester')) && maySend(user, 'cleaning.request_terminal');
}

/** Does the user audit cleans (a supervisor or infection control: the roles the server lets)? */
export function isAuditor(/** @type {any} */ user) {
  return maySend(user, 'cleaning.audit');
}

/** Does the user walk patrol rounds (the roles the server lets start one)? */
export function isGuard(/** @type {any} */ user) {
  return maySend(user, 'patrol.start_round');
}

/** Does the user work orders in the field (the roles the server lets start work)? */
export function isField(/** @type {any} */ user) {
  return maySend(user, 'work_order.start');
}

/** Is the user clinical staff who confirm and rate (the roles the server lets rate)? */
export function isRequester(/** @type {any} */ user) {
  return maySend(user, 'work_order.rate');
}

/** Does the user rate the contractors for their department (the roles the server lets)? */
export function isRater(/** @type {any} */ user) {
  return maySend(user, 'contractor.rate');
}

/** Does the user keep a store (the roles the server lets receive stock, short of the desk)? */
export function isStorekeeper(/** @type {any} */ user) {
  return Boolean(user?.roles?.includes('storekeeper')) && maySend(user, 'stock.receive');
}

/** The screen a user lands on. */
export function homeOf(/** @type {any} */ user) {
  if (isStorekeeper(user) && !isField(user)) return '/stock';
  if (isCleaner(user) && !isField(user)) return '/cleaning';
  if (isGuard(user) && !isField(user)) return '/patrol';
  if (isField(user)) return '/orders';
  if (isRequester(user)) return '/requests';
  return '/report';
}

/**
 * Split a hash into its path and query: "#/report?asset=X" -> {path: "/report", query}.
 * @param {string} hash
 */
export function parseHash(hash) {
  const raw = hash.replace(/^#/, '') || '/';
  const at = raw.indexOf('?');
  const path = (at >= 0 ? raw.slice(0, at) : raw) || '/';
  const query = new URLSearchParams(at >= 0 ? raw.slice(at + 1) : '');
  return { path: path.length > 1 ? path.replace(/\/+$/, '') : path, query };
}

/**
 * @param {string} path
 * @returns {{route: Route, params: Record<string, string>} | null}
 */
export function match(path) {
  for (const route of ROUTES) {
    const found = route.pattern.exec(path);
    if (found) {
      /** @type {Record<string, string>} */
      const params = {};
      (route.params || []).forEach((name, i) => {
        params[name] = decodeURIComponent(found[i + 1]);
      });
      return { route, params };
    }
  }
  return null;
}

/**
 * @param {object} options
 * @param {HTMLElement} options.outlet
 * @param {() => any} options.getClient
 * @param {(route: Route | null, path: string) => void} [options.onRoute] after each navigation
 * @param {(message: string) => void} options.toast
 * @param {(user: any, next?: string | null) => void} options.signedIn
 * @param {(error: unknown) => void} options.onError
 */
export function createRouter({ outlet, getClient, onRoute, toast, signedIn, onError }) {
  /** @type {(() => void)[]} */
  let cleanups = [];
  let generation = 0;

  /** @param {string} path @param {{replace?: boolean}} [options] */
  function navigate(path, { replace = false } = {}) {
    const hash = `#${path}`;
    if (location.hash === hash) {
      render();
    } else if (replace) {
      history.replaceState(null, '', hash);
      render();
    } else {
      location.hash = hash;
    }
  }

  async function render() {
    const mine = ++generation;
    for (const fn of cleanups.splice(0)) {
      try {
        fn();
      } catch (error) {
        console.error(error);
      }
    }
    const client = getClient();
    const user = client?.user ?? null;
    const { path, query } = parseHash(location.hash);
    if (!user && path !== '/signin') {
      const next = path !== '/' ? `?next=${encodeURIComponent(path + (query.size ? `?${query}` : ''))}` : '';
      history.replaceState(null, '', `#/signin${next}`);
      return render();
    }
    // A signed-in user sees the sign-in screen only to renew a sign-in the server ended.
    if (user && (path === '/' || (path === '/signin' && !query.has('again')))) {
      history.replaceState(null, '', `#${homeOf(user)}`);
      return render();
    }
    const found = match(path);
    if (!found) {
      history.replaceState(null, '', `#${homeOf(user)}`);
      return render();
    }
    /** @type {(() => void)[]} */
    const mineCleanups = [];
    cleanups = mineCleanups;
    const alive = () => mine === generation;
    /** @type {ViewContext} */
    const ctx = {
      client,
      user,
      params: found.params,
      query,
      outlet,
      navigate,
      toast,
      signedIn,
      alive,
      onCleanup: (fn) => {
        if (alive()) mineCleanups.push(fn);
        else fn();
      },
      onChange: (types, fn) => {
        if (!client?.on || !alive()) return;
        let queued = false;
        const off = client.on('change', (/** @type {{types?: string[]}} */ change) => {
          if (types && change?.types && !change.types.some((x) => types.includes(x))) return;
          if (queued) return;
          queued = true;
          // Batch a burst of changes (a pull writes many rows) into one re-render.
          setTimeout(() => {
            queued = false;
            if (alive()) Promise.resolve(fn()).catch(onError);
          }, 120);
        });
        mineCleanups.push(() => (typeof off === 'function' ? off() : client.off?.('change', fn)));
      },
    };
    try {
      const module = await found.route.load();
      if (!alive()) return;
      outlet.setAttribute('aria-busy', 'true');
      await module.default(ctx);
      if (!alive()) return;
    } catch (error) {
      if (alive()) onError(error);
    } finally {
      if (alive()) outlet.removeAttribute('aria-busy');
    }
    if (!alive()) return;
    onRoute?.(found.route, path);
    // A screen change is announced by moving focus to its heading, as a page load would.
    const heading = outlet.querySelector('h1');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
      document.title = `${heading.textContent} · Rounds`;
    }
    window.scrollTo(0, 0);
  }

  return {
    navigate,
    render,
    start() {
      window.addEventListener('hashchange', () => render());
      return render();
    },
  };
}
