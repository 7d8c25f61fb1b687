// The one place the stock screens read a scan: what a scan event names for them (an item by
// its GTIN, with the lot and expiry a GS1 code carries; else the text, which may be an
// item's code or a bin's label). Everything else in the stock screens goes through here.
import { classify } from '../scan/classify.js';

/**
 * @typedef {{kind: 'gtin', text: string, gtin: string, lot?: string, expiry?: string}
 *   | {kind: 'asset', text: string, tag: string}
 *   | {kind: 'text', text: string}} StockScan
 */

/**
 * @param {{text: string, symbology?: string, symbologyId?: string, source?: string}} event
 * @returns {StockScan}
 */
export function readScan(event) {
  const text = String(event.text ?? '');
  const what = classify(event);
  if (what.kind === 'gtin') {
    /** @type {StockScan} */
    const found = { kind: 'gtin', text, gtin: what.gtin };
    if (what.lot !== undefined) found.lot = what.lot;
    if (what.expiry !== undefined) found.expiry = what.expiry;
    return found;
  }
  if (what.kind === 'asset') return { kind: 'asset', text, tag: what.tag };
  return { kind: 'text', text: text.trim() };
}
