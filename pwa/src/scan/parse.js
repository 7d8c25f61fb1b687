// parseScan: what one scan names, whatever the symbol, the scanner or the keyboard sent. The
// same answers as scanners.parse_scan (ScanResult.to_dict() form) on the shared vectors in
// scanners/vectors/scans.json; docs/scanning.md says what it reads. Pure: runs anywhere.
import { todayOf } from './dates.js';
import { GS, gs1Result, looksLikeHri, mod10Ok, readElements, readHri } from './gs1.js';
import { isDigitalLink, readDigitalLink } from './gs1-link.js';
import { link, readHibc } from './hibc.js';
import { looksLikeEnvelope, readEnvelope } from './iso15434.js';
import { ScanError, scanResult } from './scan-error.js';
import { tagFromScan } from './tags.js';
import { isGs1Identifier } from './symbology.js';

export { ScanError } from './scan-error.js';

const AIM = /^\][A-Za-z][0-9A-Za-z]/;
const RETAIL = new Set([']E0', ']E4']);
const KNOWN_CODES = new Set('ACEFGHIJKLMQRSdez');
const GTIN = /^(?:[0-9]{8}|[0-9]{12,14})$/;
// Text a GS1 encoder would make and little else would: FNC1 first, or an SSCC or GTIN AI
// with its 18 or 14 digits.
const CLAIMS_GS1 = /^(?:\x1d|0[0-3][0-9]{14})/;

/**
 * @typedef {{iso: string, year: number}} Today
 * @typedef {Record<string, any>} Result
 */

/** @param {string | null} id */
function reading(id) {
  if (!id) return 'untold';
  if (isGs1Identifier(id)) return 'gs1';
  if (RETAIL.has(id)) return 'retail';
  if (/^\][A-Za-z][0-9A-Za-z]$/.test(id) && KNOWN_CODES.has(id[1])) return 'plain';
  return 'unknown';
}

/** @param {string} digits */
const isGtin = (digits) => GTIN.test(digits) && mod10Ok(digits);

/** @param {string} digits */
const gtin = (digits) => scanResult({ kind: 'gtin', text: digits, gtin: digits.padStart(14, '0') });

/** @param {string} upcE */
function upcEAsUpcA(upcE) {
  const [system, d, check] = [upcE[0], upcE.slice(1, 7), upcE[7]];
  const last = d[5];
  let body;
  if ('012'.includes(last)) body = `${d.slice(0, 2)}${last}0000${d.slice(2, 5)}`;
  else if (last === '3') body = `${d.slice(0, 3)}00000${d.slice(3, 5)}`;
  else if (last === '4') body = `${d.slice(0, 4)}00000${d[4]}`;
  else body = `${d.slice(0, 5)}0000${last}`;
  return system + body + check;
}

/**
 * @param {string} text
 * @param {string} body
 * @param {string} id
 */
function retail(text, body, id) {
  let digits = body.trim();
  if (!/^[0-9]+$/.test(digits)) throw new ScanError('invalid_character', `${id} carries digits only`);
  const lengths = id === ']E4' ? [8] : [8, 12, 13];
  if (!lengths.includes(digits.length)) throw new ScanError('invalid_value', `${id} with ${digits.length} digits`);
  if (id === ']E0' && digits.length === 8) {
    if (!'01'.includes(digits[0])) throw new ScanError('invalid_value', 'a UPC-E starts with 0 or 1');
    digits = upcEAsUpcA(digits);
  }
  if (!mod10Ok(digits)) throw new ScanError('check_digit', `GTIN ${digits}: wrong check digit`);
  return { ...gtin(digits), text };
}

/** @param {string} text */
function isWebUrl(text) {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && Boolean(url.host);
  } catch {
    return false;
  }
}

/**
 * @param {string} body
 * @param {Today} today
 * @returns {Result[]}
 */
function linkOrUrl(body, today) {
  const tag = tagFromScan(body);
  if (tag) return [{ kind: 'asset_tag', text: body, tag }];
  if (isDigitalLink(body)) return [readDigitalLink(body, today)];
  if (isWebUrl(body.trim())) return [{ kind: 'url', text: body, url: body.trim() }];
  return [];
}

/**
 * The one reading of a text that claims a standard by its first characters.
 * @param {string} body
 * @param {Today} today
 * @returns {Result[] | null}
 */
function claimed(body, today) {
  if (body.startsWith('+')) return [readHibc(body, today)];
  if (looksLikeEnvelope(body)) return [readEnvelope(body, today)];
  return null;
}

/**
 * @param {string} body
 * @param {Today} today
 * @returns {Result[]}
 */
function untold(body, today) {
  const claim = claimed(body, today);
  if (claim) return claim;
  if (looksLikeHri(body)) return [gs1Result('gs1', readHri(body), today, body)];
  const found = linkOrUrl(body, today);
  if (found.length && found[0].kind !== 'asset_tag') return found;
  if (isGtin(body.trim())) found.push(gtin(body.trim()));
  if (CLAIMS_GS1.test(body)) {
    found.push(gs1Result('gs1', readElements(body), today, body));
    return found;
  }
  try {
    found.push(gs1Result('gs1', readElements(body), today, body));
  } catch (error) {
    if (!(error instanceof ScanError)) throw error; // plain text that is no element string: opaque
  }
  return found;
}

/**
 * What a scan names, in ScanResult.to_dict()'s form; throws a ScanError (with `.code`) for a
 * text that claims a standard and breaks it.
 * @param {string} text
 * @param {{symbologyId?: string | null, gsSubstitutes?: string[], today?: Date | string, primary?: Result}} [options]
 * @returns {Result}
 */
export function parseScan(text, { symbologyId, gsSubstitutes = [], today, primary } = {}) {
  if (!text.trim()) throw new ScanError('empty', 'nothing was scanned');
  const day = todayOf(today);
  let id = symbologyId || null;
  let body = text;
  if (!id && AIM.test(text)) [id, body] = [text.slice(0, 3), text.slice(3)];
  for (const substitute of gsSubstitutes) body = body.split(substitute).join(GS);
  if (primary) return { ...link(primary, readHibc(body, day)), text };
  const how = reading(id);
  if (how === 'gs1') return gs1Result('gs1', readElements(body), day, text);
  if (how === 'retail') return retail(text, body, /** @type {string} */ (id));
  const readings = how === 'plain' ? (claimed(body, day) ?? linkOrUrl(body, day)) : untold(body, day);
  if (id && id[1] === 'I' && body.length === 14 && isGtin(body)) readings.push(gtin(body));
  const found = readings.map((r) => ({ ...r, text }));
  const warnings = how === 'unknown' ? ['unknown_symbology_id'] : [];
  if (!found.length) return scanResult({ kind: 'opaque', text, warnings });
  if (found.length === 1) return scanResult({ ...found[0], warnings: [...(found[0].warnings ?? []), ...warnings] });
  return scanResult({ kind: 'ambiguous', text, candidates: found, warnings });
}
