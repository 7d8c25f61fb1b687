// ISO/IEC 15434 envelopes ("[)>" RS, formats closed by RS, EOT), read by the rules of
// scanners/iso15434.py: format 06 carries ASC MH10.8.2 data identifiers (1P, S, 1T, Q, 14D,
// 16D, D ...), format 05 carries GS1 element strings. Pure: runs anywhere.
import { yymmdd, yyyymmdd } from './dates.js';
import { GS, gs1Result, readElements } from './gs1.js';
import { ScanError, scanResult } from './scan-error.js';

const HEADER = '[)>\x1e';
const RS = '\x1e';
const EOT = '\x04';
const DATA_IDENTIFIER = /^([0-9]{0,3}[A-Z])([\s\S]+)$/;
const MERGED = ['gtin', 'lot', 'serial', 'expiry', 'best_before', 'production_date', 'quantity', 'product'];

/** @param {string} text */
export const looksLikeEnvelope = (text) => text.startsWith('[)>');

/**
 * @param {string[]} elements
 * @param {{iso: string, year: number}} today
 */
function format06(elements, today) {
  /** @type {Record<string, string>} */
  const identifiers = {};
  for (const element of elements) {
    const match = DATA_IDENTIFIER.exec(element);
    if (!match) throw new ScanError('invalid_data_identifier', `${element.slice(0, 4)} is no data identifier`);
    if (!Object.hasOwn(identifiers, match[1])) identifiers[match[1]] = match[2];
  }
  if ('D' in identifiers) yymmdd(identifiers.D, today.year);
  const quantity = identifiers.Q;
  if (quantity !== undefined && !/^[0-9]+$/.test(quantity)) throw new ScanError('invalid_character', `quantity ${quantity} is not digits`);
  const expiry = '14D' in identifiers ? yyyymmdd(identifiers['14D']) : undefined;
  const production = '16D' in identifiers ? yyyymmdd(identifiers['16D']) : undefined;
  return scanResult({
    kind: 'iso15434', text: '', product: identifiers['1P'], serial: identifiers.S, lot: identifiers['1T'],
    expiry, production_date: production, quantity: quantity !== undefined ? Number(quantity) : undefined,
    data_identifiers: identifiers, warnings: expiry !== undefined && expiry < today.iso ? ['expired'] : [],
  });
}

/**
 * @param {Record<string, any>} first
 * @param {Record<string, any>} then
 */
function merge(first, then) {
  const out = { ...first };
  for (const name of MERGED) if (out[name] === undefined && then[name] !== undefined) out[name] = then[name];
  out.ais = { ...then.ais, ...first.ais };
  out.data_identifiers = { ...then.data_identifiers, ...first.data_identifiers };
  out.warnings = [...(first.warnings ?? []), ...(then.warnings ?? []).filter((/** @type {string} */ w) => !(first.warnings ?? []).includes(w))];
  return scanResult(out);
}

/**
 * The fields of every format in the envelope; where two formats give one, the first wins.
 * @param {string} text
 * @param {{iso: string, year: number}} today
 */
export function readEnvelope(text, today) {
  if (!text.startsWith(HEADER)) throw new ScanError('invalid_envelope', 'an envelope opens with "[)>" and RS');
  if (!text.endsWith(RS + EOT)) throw new ScanError('truncated', 'the envelope does not close with RS and EOT');
  /** @type {Record<string, any> | null} */
  let found = null;
  for (const segment of text.slice(HEADER.length, -2).split(RS)) {
    const [number, body] = [segment.slice(0, 2), segment.slice(2)];
    if (!body.startsWith(GS) || body.length < 2) throw new ScanError('invalid_envelope', `format ${number} without data after GS`);
    const elements = body.slice(1).split(GS).filter(Boolean);
    let read;
    if (number === '06') read = format06(elements, today);
    else if (number === '05') read = gs1Result('iso15434', readElements(elements.join(GS)), today, '');
    else throw new ScanError('unsupported_format', `format ${number} is not read`);
    found = found === null ? read : merge(found, read);
  }
  return { ...found, text };
}
