// What a scan opens on a screen that takes no scans of its own (the order list, an order,
// the inbox...): an asset tag opens that asset's open work order, or the list of them when
// it has several, or says it has none; anything else is said back. Pure: no DOM.
import RULES from '../shared/rules.js';

const OPEN = new Set(RULES.statuses.open);

/**
 * @typedef {{kind: 'order', id: string}
 *   | {kind: 'orders', tag: string, count: number}
 *   | {kind: 'no_order', tag: string, asset: string}
 *   | {kind: 'unknown_tag', tag: string}
 *   | {kind: 'not_a_tag', text: string}} ScanTarget
 */

/**
 * @param {{kind: string, tag?: string, text?: string, gtin?: string}} what classify()'s verdict
 * @param {string} raw the scanned text
 * @param {{assetByTag: (tag: string) => Promise<any>, ordersOf: (assetId: string) => Promise<any[]>}} lookup
 * @returns {Promise<ScanTarget>}
 */
export async function scanTarget(what, raw, { assetByTag, ordersOf }) {
  if (what.kind !== 'asset' || !what.tag) return { kind: 'not_a_tag', text: raw.trim() };
  const asset = await assetByTag(what.tag);
  if (!asset) return { kind: 'unknown_tag', tag: what.tag };
  const open = (await ordersOf(asset.id)).filter((order) => OPEN.has(order.status));
  if (open.length === 1) return { kind: 'order', id: open[0].id };
  if (open.length > 1) return { kind: 'orders', tag: what.tag, count: open.length };
  return { kind: 'no_order', tag: what.tag, asset: asset.name };
}
