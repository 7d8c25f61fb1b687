// What several screens share: lookups of reference rows, the location path, badges for
// status and priority, the service-level countdown, and acting with feedback.
import { h, icon, ICONS } from '../dom.js';
import { formatDuration, t } from '../i18n.js';
import RULES from '../../shared/rules.js';

/** The server's open states; every other state is finished for the screens (cancelled too). */
export const OPEN = new Set(RULES.statuses.open);
export const FINISHED = new Set(RULES.statuses.all.filter((status) => !OPEN.has(status)));

/**
 * Whether the server takes this action on an order in this state (its state machine).
 * @param {string} action e.g. log_labour
 * @param {string} status
 */
export function moveAllowed(action, status) {
  return Boolean(/** @type {Record<string, {from: string[]}>} */ (RULES.moves)[action]?.from.includes(status));
}
/** Before the technician arrives the clock that matters is the response time. */
const BEFORE_ARRIVAL = new Set(['reported', 'dispatched', 'accepted_by_team', 'accepted']);

/** @type {WeakMap<object, Map<string, Promise<Map<string, any>>>>} */
const tables = new WeakMap();

/**
 * Rows of a reference type by id, kept until a change touches the type.
 * @param {any} client
 * @param {string} type
 * @returns {Promise<Map<string, any>>}
 */
export function byId(client, type) {
  let cache = tables.get(client);
  if (!cache) {
    const fresh = new Map();
    cache = fresh;
    tables.set(client, fresh);
    client.on?.('change', (/** @type {{types?: string[]}} */ change) => {
      if (!change?.types) fresh.clear();
      else for (const changed of change.types) fresh.delete(changed);
    });
  }
  let found = cache.get(type);
  if (!found) {
    found = client.list(type).then((/** @type {any[]} */ rows) => new Map(rows.map((r) => [r.id, r])));
    found.catch(() => cache?.delete(type));
    cache.set(type, found);
  }
  return /** @type {Promise<Map<string, any>>} */ (found);
}

/**
 * @typedef {{sites: Map<string, any>, buildings: Map<string, any>, locations: Map<string, any>,
 *   assets: Map<string, any>, departments: Map<string, any>, teams: Map<string, any>}} Places
 */

/**
 * The places and people rows a screen names. With `assetIds`, only those assets are read
 * (a list of orders); without, the whole register (the report screen looks tags up in it).
 * @param {any} client
 * @param {Iterable<string | null | undefined>} [assetIds]
 * @returns {Promise<Places>}
 */
export async function places(client, assetIds) {
  const [sites, buildings, locations, departments, teams, assets] = await Promise.all([
    ...['site', 'building', 'location', 'department', 'team'].map((type) => byId(client, type)),
    assetIds ? client.getMany('asset', assetIds) : byId(client, 'asset'),
  ]);
  return { sites, buildings, locations, assets, departments, teams };
}

/**
 * Site › Building › (ward) › room, from the location rows on the phone.
 * @param {string | null | undefined} locationId
 * @param {Places} p
 * @returns {string[]}
 */
export function locationPath(locationId, p) {
  const location = locationId ? p.locations.get(locationId) : null;
  if (!location) return [];
  const chain = [];
  let node = location;
  for (let depth = 0; node && depth < 4; depth += 1) {
    chain.unshift(node.name);
    node = node.parent_id ? p.locations.get(node.parent_id) : null;
  }
  const building = p.buildings.get(location.building_id);
  const site = p.sites.get(location.site_id);
  return [site?.name, building?.name, ...chain].filter(Boolean);
}

export function pathText(/** @type {string[]} */ parts) {
  return parts.join(' › ');
}

export function statusBadge(/** @type {string} */ status) {
  return h('span', { class: ['badge', `status-${status}`] }, t(`status.${status}`));
}

export function priorityBadge(/** @type {number} */ priority) {
  const p = Number(priority) || 3;
  return h('span', { class: ['badge', 'priority', `p${p}`], title: t(`priority.${p}.hint`) },
    t('priority.short', { n: p }), h('span', { class: 'sr-only' }, ` ${t(`priority.${p}`)}`));
}

/**
 * The clock that matters now: time to arrive before arrival, time to finish after.
 * @param {any} order
 * @param {number} [now]
 * @returns {{kind: 'response' | 'resolution', due: number, left: number, breached: boolean} | null}
 */
export function slaOf(order, now = Date.now()) {
  if (!order || FINISHED.has(order.status)) return null;
  const beforeArrival = BEFORE_ARRIVAL.has(order.status) && !order.arrived_at;
  const iso = beforeArrival && order.response_due_at ? order.response_due_at : order.resolution_due_at;
  if (!iso) return null;
  const due = Date.parse(iso);
  if (Number.isNaN(due)) return null;
  const kind = beforeArrival && order.response_due_at ? 'response' : 'resolution';
  const flagged = kind === 'response' ? order.response_breached : order.resolution_breached;
  return { kind, due, left: due - now, breached: due <= now || Boolean(flagged) };
}

/** The countdown's words for an order now. */
export function slaText(/** @type {any} */ order, now = Date.now()) {
  const sla = slaOf(order, now);
  if (!sla) return null;
  const span = formatDuration(sla.left);
  if (sla.left <= 0) return { ...sla, text: t(`sla.${sla.kind}_overdue`, { time: span }) };
  return { ...sla, text: t(`sla.${sla.kind}_left`, { time: span }) };
}

/**
 * A countdown that keeps itself current (see the ticker below) and turns red when breached.
 * @param {any} order
 */
export function slaElement(order) {
  const sla = slaText(order);
  if (!sla) return null;
  const el = h('p', { class: ['sla', sla.breached ? 'breached' : sla.left < 3600_000 ? 'soon' : ''] },
    sla.breached && icon(ICONS.error), h('span', null, sla.text));
  slaNodes.set(el, order);
  startTicker();
  return el;
}

/** @type {Map<HTMLElement, any>} */
const slaNodes = new Map();
/** @type {number | null} */
let ticker = null;
function startTicker() {
  if (ticker !== null) return;
  ticker = window.setInterval(() => {
    for (const [el, order] of slaNodes) {
      if (!el.isConnected) {
        slaNodes.delete(el);
        continue;
      }
      const sla = slaText(order);
      if (!sla) continue;
      el.classList.toggle('breached', sla.breached);
      el.classList.toggle('soon', !sla.breached && sla.left < 3600_000);
      const span = el.lastElementChild;
      if (span && span.textContent !== sla.text) span.textContent = sla.text;
    }
    if (!slaNodes.size && ticker !== null) {
      clearInterval(ticker);
      ticker = null;
    }
  }, 30_000);
}

/** Sort key: the due time that matters, then priority. */
export function urgency(/** @type {any} */ a, /** @type {any} */ b) {
  const da = slaOf(a)?.due ?? Infinity;
  const db = slaOf(b)?.due ?? Infinity;
  if (da !== db) return da - db;
  return (a.priority || 3) - (b.priority || 3);
}

export function newestFirst(/** @type {any} */ a, /** @type {any} */ b) {
  return String(b.reported_at || b.created_at || '').localeCompare(String(a.reported_at || a.created_at || ''));
}

/** The order's number, or words for one the server has not numbered yet. */
export function orderNumber(/** @type {any} */ order) {
  return order?.number || t('order.unsent_number');
}

/**
 * The top of a screen: an optional back link, a small line above the heading, the heading.
 * @param {string} title
 * @param {{back?: {href: string, label: string}, eyebrow?: string, sub?: import('../dom.js').Child}} [options]
 */
export function pageHead(title, { back, eyebrow, sub } = {}) {
  return h('div', { class: 'page-head' },
    back && h('a', { class: 'back', href: back.href }, icon(ICONS.back), h('span', null, back.label)),
    eyebrow && h('p', { class: 'eyebrow' }, eyebrow),
    h('h1', null, eyebrow ? h('span', { class: 'sr-only' }, `${eyebrow} `) : null, title),
    sub);
}

/**
 * Record an action: the op is stored (with its effect) on the phone at once, whatever the
 * network; the toast says whether it goes now or with the next sync.
 * @param {any} ctx
 * @param {string} name
 * @param {Record<string, unknown>} args
 * @param {{blobs?: string[], quiet?: boolean}} [options]
 */
export async function perform(ctx, name, args, { blobs = [], quiet = false } = {}) {
  let op;
  try {
    op = await ctx.client.act(name, args, blobs.length ? { blobs } : {});
  } catch (error) {
    // The phone's storage is full or closed: said in words, and a sheet keeps what was typed.
    const message = storageMessage(error);
    if (message) {
      ctx.toast(message);
      throw Object.assign(/** @type {Error} */ (error), { userMessage: message });
    }
    throw error;
  }
  if (!quiet) ctx.toast(navigator.onLine === false ? t('act.saved_offline') : t('act.saved'));
  return op;
}

/**
 * The words for a storage failure (src/sync/client.js: storage_full, storage_lost), or null.
 * @param {unknown} error
 */
export function storageMessage(error) {
  const code = /** @type {any} */ (error)?.code;
  return code === 'storage_full' || code === 'storage_lost' ? t(`error.${code}`) : null;
}

/** An empty state. */
export function empty(/** @type {string} */ text, /** @type {import('../dom.js').Child} */ extra = null) {
  return h('div', { class: 'empty' }, h('p', null, text), extra);
}
