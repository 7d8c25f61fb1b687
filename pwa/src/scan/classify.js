// What a scan is for the app: an asset tag, a GTIN (with lot, expiry and serial when a GS1
// code carries them), or plain text. Pure: runs anywhere. The asset-tag rules are the
// server's (scanners/tags.py): ten Crockford base32 characters, bare or as the public card
// URL <any http(s) host>/a/<code>, upper-cased.
import { expiryDate, gtinCheckDigitOk, readElementString, upcEToUpcA } from './gs1.js';
import { isGs1Identifier } from './symbology.js';

export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const TAG_LENGTH = 10;

const TAG = new RegExp(`^[${CROCKFORD_ALPHABET}]{${TAG_LENGTH}}$`);
const CARD_PATH = /^\/a\/([^/]+)\/?$/;
const RETAIL = new Set(['ean_13', 'ean_8', 'upc_a', 'upc_e']);
/** Symbologies whose digits may be a bare GTIN when nobody said which symbology it was. */
const UNTOLD = new Set(['unknown', 'itf']);

/**
 * @typedef {{kind: 'asset', tag: string}
 *   | {kind: 'gtin', gtin: string, lot?: string, expiry?: string, expiryRaw?: string, serial?: string, gs1: boolean}
 *   | {kind: 'text', text: string}} Classified
 * `gtin` is always the 14-digit form (GTIN-8/12/13 padded with leading zeros); `expiry`
 * is an ISO date, `expiryRaw` the YYMMDD as encoded.
 */

/**
 * The upper-case code if `text` is exactly a tag code (spaces around it allowed).
 * @param {string} text
 * @returns {string | null}
 */
export function normaliseTag(text) {
  const candidate = text.trim().toUpperCase();
  return TAG.test(candidate) ? candidate : null;
}

/**
 * The tag code in a scan: a bare code, or a card URL on any http(s) host; else null.
 * @param {string} text
 * @returns {string | null}
 */
export function tagFromScan(text) {
  const bare = normaliseTag(text);
  if (bare) return bare;
  let url;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.host) return null;
  const match = CARD_PATH.exec(url.pathname);
  return match ? normaliseTag(match[1]) : null;
}

/**
 * A GS1 element string typed or pasted in its bracketed human-readable form,
 * "(01)09506000134352(10)LOT", as the raw form with GS after each element.
 * @param {string} text
 * @returns {string | null}
 */
function fromBracketed(text) {
  if (!/^(\(\d{2,4}\)[^()]+)+$/.test(text)) return null;
  return [...text.matchAll(/\((\d{2,4})\)([^()]+)/g)].map(([, ai, data]) => ai + data).join('\x1d');
}

/**
 * @param {string} digits a GTIN-8, -12, -13 or -14
 * @returns {string}
 */
const gtin14 = (digits) => digits.padStart(14, '0');

/**
 * What a scan event names for the app.
 * @param {{text: string, symbology?: string, symbologyId?: string, source?: string}} event
 * @param {{today?: Date}} [options] `today` decides the century of two-digit expiry years
 * @returns {Classified}
 */
export function classify(event, { today } = {}) {
  const text = event.text ?? '';
  const symbology = event.symbology ?? 'unknown';
  const trimmed = text.trim();

  // EAN/UPC: the digits are the GTIN.
  if (RETAIL.has(symbology)) {
    const digits = symbology === 'upc_e' && trimmed.length === 8 ? upcEToUpcA(trimmed) : trimmed;
    if (digits && gtinCheckDigitOk(digits)) return { kind: 'gtin', gtin: gtin14(digits), gs1: false };
    return { kind: 'text', text };
  }

  const tag = tagFromScan(text);
  if (tag) return { kind: 'asset', tag };

  // GS1 element strings: said so by the symbology identifier, or recognisable (a leading
  // FNC1-as-GS, or AI 01 with a GTIN whose check digit is right) when nobody said.
  const saidGs1 = isGs1Identifier(event.symbologyId);
  const bracketed = event.source === 'manual' ? fromBracketed(trimmed) : null;
  const raw = bracketed ?? text;
  if (saidGs1 || bracketed || raw.startsWith('\x1d') || /^01\d{14}/.test(raw)) {
    const elements = readElementString(raw);
    if (elements?.gtin && gtinCheckDigitOk(elements.gtin)) {
      /** @type {Classified} */
      const found = { kind: 'gtin', gtin: elements.gtin, gs1: true };
      if (elements.lot !== undefined) found.lot = elements.lot;
      if (elements.expiry !== undefined) {
        found.expiryRaw = elements.expiry;
        const iso = expiryDate(elements.expiry, today);
        if (iso) found.expiry = iso;
      }
      if (elements.serial !== undefined) found.serial = elements.serial;
      return found;
    }
  }

  // Bare digits from a scanner that did not say what it read, typed digits, or an ITF-14.
  if (UNTOLD.has(symbology) && gtinCheckDigitOk(trimmed) && (symbology !== 'itf' || trimmed.length === 14)) {
    return { kind: 'gtin', gtin: gtin14(trimmed), gs1: false };
  }

  return { kind: 'text', text };
}
