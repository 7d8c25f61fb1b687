// What a scan is for the app: an asset tag, a GTIN (with lot, expiry and serial when a GS1
// code carries them), or plain text. A thin reading of parseScan (parse.js), which knows
// every standard; this keeps the three answers the screens act on. Pure: runs anywhere.
import { parseScan, ScanError } from './parse.js';

export { CROCKFORD_ALPHABET, TAG_LENGTH, normaliseTag, tagFromScan } from './tags.js';

/** The identifier a decoder that names the symbology but sends none would have sent. */
const IMPLIED = Object.freeze({ ean_13: ']E0', upc_a: ']E0', upc_e: ']E0', ean_8: ']E4', itf: ']I0' });
/** Symbologies whose bare digits may be a GTIN when no identifier came with them. */
const UNTOLD = new Set(['unknown', 'itf', 'ean_13', 'ean_8', 'upc_a', 'upc_e']);

/**
 * @typedef {{kind: 'asset', tag: string}
 *   | {kind: 'gtin', gtin: string, lot?: string, expiry?: string, expiryRaw?: string, serial?: string, gs1: boolean}
 *   | {kind: 'text', text: string}} Classified
 * `gtin` is always the 14-digit form (GTIN-8/12/13 padded with leading zeros); `expiry`
 * is an ISO date, `expiryRaw` the YYMMDD as encoded.
 */

/**
 * @param {Record<string, any>} read one reading of parseScan
 * @param {string} symbology
 * @returns {Classified | null}
 */
function asClassified(read, symbology) {
  if (read.kind === 'asset_tag') return { kind: 'asset', tag: read.tag };
  if (read.kind === 'gtin') return UNTOLD.has(symbology) ? { kind: 'gtin', gtin: read.gtin, gs1: false } : null;
  if ((read.kind === 'gs1' || read.kind === 'iso15434') && read.gtin) {
    /** @type {Classified} */
    const found = { kind: 'gtin', gtin: read.gtin, gs1: true };
    if (read.lot !== undefined) found.lot = read.lot;
    if (read.ais?.['17'] !== undefined) found.expiryRaw = read.ais['17'];
    if (read.expiry !== undefined) found.expiry = read.expiry;
    if (read.serial !== undefined) found.serial = read.serial;
    return found;
  }
  return null;
}

/**
 * What a scan event names for the app. Where the text reads more than one way, an asset tag
 * comes first, then a bare GTIN, then a GS1 string; a scan that breaks its standard is text.
 * @param {{text: string, symbology?: string, symbologyId?: string, source?: string}} event
 * @param {{today?: Date}} [options] `today` decides the century of two-digit expiry years
 * @returns {Classified}
 */
export function classify(event, { today } = {}) {
  const text = event.text ?? '';
  const symbology = event.symbology ?? 'unknown';
  const symbologyId = event.symbologyId || /** @type {Record<string, string>} */ (IMPLIED)[symbology] || undefined;
  let read;
  try {
    read = parseScan(text, { symbologyId, today });
  } catch (error) {
    if (error instanceof ScanError) return { kind: 'text', text };
    throw error;
  }
  const readings = read.kind === 'ambiguous' ? read.candidates : [read];
  for (const reading of readings) {
    const found = asClassified(reading, symbology);
    if (found) return found;
  }
  return { kind: 'text', text };
}
