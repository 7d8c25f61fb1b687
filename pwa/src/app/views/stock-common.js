// What the stock screens share: the stores this user works from (the van they hold first,
// then their sites' stores), the store chosen on this phone, lookups of items, bins and
// lots in the replica, the lines of the continuous scan list, and money and quantities in
// words. Everything reads the phone's own rows: it works offline.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { byId } from './common.js';
import { lotWarning, localToday } from '../stock-logic.js';
import { lotId } from '../../shared/stock-ids.js';

/**
 * The stores this user takes stock from: vans they hold, then stores of their sites (all
 * stores on the phone when the user has no sites), vans of others last.
 * @param {any} client
 * @param {any} user
 */
export async function storesOf(client, user) {
  const stores = /** @type {any[]} */ (await client.list('store'));
  const sites = new Set(user?.site_ids ?? []);
  const rank = (/** @type {any} */ s) => (s.kind === 'van' && s.holder_id === user?.id ? 0
    : s.kind !== 'van' && (sites.size === 0 || sites.has(s.site_id)) ? 1 : s.kind !== 'van' ? 2 : 3);
  return stores.filter((s) => rank(s) < 3).sort((a, b) => rank(a) - rank(b) || String(a.code).localeCompare(String(b.code)));
}

/** The van the user holds, or else the store of the order's site, or else any of theirs. */
export async function issuingStore(/** @type {any} */ client, /** @type {any} */ user, /** @type {string | null} */ siteId) {
  const stores = await storesOf(client, user);
  return stores.find((s) => s.kind === 'van' && s.holder_id === user?.id)
    ?? stores.find((s) => s.kind !== 'van' && s.site_id === siteId)
    ?? stores[0] ?? null;
}

const STORE_KEY = (/** @type {any} */ user) => `rounds.stock.store:${user?.employee_no ?? ''}`;

/** The store last chosen on this phone, when it is still one of the user's. */
export function rememberedStore(/** @type {any[]} */ stores, /** @type {any} */ user) {
  let id = null;
  try {
    id = localStorage.getItem(STORE_KEY(user));
  } catch {
    // storage blocked: the first store
  }
  return stores.find((s) => s.id === id) ?? stores[0] ?? null;
}

export function rememberStore(/** @type {any} */ user, /** @type {string} */ id) {
  try {
    localStorage.setItem(STORE_KEY(user), id);
  } catch {
    // not kept: asked again next time
  }
}

/**
 * A store chooser (a plain select: 48 px, the phone's own picker).
 * @param {any[]} stores
 * @param {any} chosen
 * @param {(id: string) => void} onChange
 */
export function storeSelect(stores, chosen, onChange) {
  const select = /** @type {HTMLSelectElement} */ (h('select', { name: 'store', onchange: () => onChange(select.value) },
    stores.map((s) => h('option', { value: s.id, selected: s.id === chosen?.id }, storeName(s)))));
  return h('label', null, t('stock.store'), select);
}

export const storeName = (/** @type {any} */ s) => (s ? `${s.name} (${s.code})` : '?');

/**
 * Look-ups a scan needs, in the replica.
 * @param {any} client
 * @param {string | null} storeId bins of this store only
 */
export function scanLookups(client, storeId) {
  return {
    itemByGtin: async (/** @type {string} */ gtin) => (await client.findBy('gtins', gtin)).find((/** @type {any} */ r) => r.type === 'item'),
    itemByCode: async (/** @type {string} */ code) => [...(await byId(client, 'item')).values()].find((i) => String(i.code).toUpperCase() === code),
    binByCode: async (/** @type {string} */ code) => (storeId ? await client.findBy('store_id', storeId) : [])
      .find((/** @type {any} */ r) => r.type === 'bin' && String(r.code).toUpperCase() === code),
  };
}

/**
 * The balances of an item (all stores, or one) and its lots, from the replica.
 * @param {any} client
 * @param {string} itemId
 * @param {string | null} [storeId]
 */
export async function itemStock(client, itemId, storeId = null) {
  const rows = /** @type {any[]} */ (await client.findBy('item_id', itemId));
  const balances = rows.filter((r) => r.type === 'stock_balance' && (!storeId || r.store_id === storeId));
  const lots = new Map(rows.filter((r) => r.type === 'stock_lot').map((r) => [r.id, r]));
  return { balances, lots };
}

/** The lot row of an item's printed lot code, when the phone holds it. */
export async function lotRow(/** @type {any} */ client, /** @type {string} */ itemId, /** @type {string | null} */ lot) {
  return lot ? client.get('stock_lot', lotId(itemId, lot)) : undefined;
}

/** What a lot's warning says. */
export function warningText(/** @type {ReturnType<typeof lotWarning>} */ w) {
  if (!w) return null;
  if (w.kind === 'recalled') return t('stock.warn_recalled');
  if (w.kind === 'expired') return t('stock.warn_expired', { date: w.expiry });
  return t('stock.warn_expiring', { n: w.days, date: w.expiry });
}

/** A warning line for a lot, or nothing. */
export function warningLine(/** @type {ReturnType<typeof lotWarning>} */ w) {
  const text = warningText(w);
  return text ? h('p', { class: ['lot-warning', w?.kind === 'expiring' ? 'soon' : 'bad'], role: 'alert' }, text) : null;
}

/** The warning a scanned lot deserves today. */
export async function scanWarning(/** @type {any} */ client, /** @type {string} */ itemId, /** @type {string | null} */ lot, /** @type {string | null} */ expiry) {
  if (!lot && !expiry) return null;
  return lotWarning(await lotRow(client, itemId, lot), expiry, localToday());
}

/** Cents as money (the server keeps minor units). */
export function money(/** @type {number | null | undefined} */ cents) {
  return cents === null || cents === undefined ? '—' : (cents / 100).toFixed(2);
}

/**
 * One line of the continuous scan list.
 * @param {import('../stock-logic.js').ScanLine} line
 * @param {{onOpen?: (line: import('../stock-logic.js').ScanLine) => void, extra?: import('../dom.js').Child}} [options]
 */
export function scanLineView(line, { onOpen, extra } = {}) {
  const what = line.kind === 'item'
    ? [h('strong', null, line.title ?? ''), line.count > 1 && h('span', { class: 'count-inline' }, ` ×${line.count}`)]
    : line.kind === 'bin' ? h('strong', null, t('stock.line_bin', { code: line.title ?? line.text }))
      : line.kind === 'repeat' ? h('span', null, t('stock.line_repeat', { code: line.text }))
        : h('span', { class: 'warn-text' }, t('stock.line_unknown', { code: line.text }));
  const lot = line.kind === 'item' && (line.lot || line.expiry)
    ? h('span', { class: 'small muted' }, [line.lot && t('stock.lot', { lot: line.lot }), line.expiry && t('stock.expiry', { date: line.expiry })].filter(Boolean).join(' · '))
    : null;
  const body = [h('span', { class: 'scan-n', 'aria-hidden': 'true' }, `${line.n}`), h('span', { class: 'scan-what' }, what, lot, warningLine(line.warning ?? null), extra)];
  return h('li', { class: ['scan-line', `scan-${line.kind}`], 'data-line': line.n },
    onOpen && line.itemId ? h('button', { type: 'button', class: 'scan-open', onclick: () => onOpen(line) }, body) : h('div', { class: 'scan-open' }, body));
}
