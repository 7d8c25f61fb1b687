// GS1 Digital Link URIs (https://<any host>/<prefix>/01/<gtin>/10/<lot>?17=<expiry>), read by
// the rules of scanners/gs1_link.py: a primary key in the path, its qualifiers in their set
// order, numeric query keys that are AIs. Pure: runs anywhere.
import TABLE from './gs1-ais.js';
import { aiRule, checkElement, gs1Result } from './gs1.js';
import { ScanError } from './scan-error.js';

/** @type {Record<string, string[]>} */
const PRIMARY_KEYS = TABLE.link_primary_keys;

/** @param {string} text */
function parsed(text) {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host ? url : null;
  } catch {
    return null;
  }
}

/** @param {string} text */
function segments(text) {
  const url = parsed(text);
  if (!url) return null;
  const path = url.pathname.split('/');
  const start = path.findIndex((segment) => Object.hasOwn(PRIMARY_KEYS, segment));
  return start < 0 ? null : { path: path.slice(start), url };
}

/** @param {string} text an http(s) URL with a primary key AI as a path segment */
export const isDigitalLink = (text) => segments(text.trim()) !== null;

/** @param {string} segment */
function unquote(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * @param {string} ai
 * @param {string} data
 * @returns {[string, string]}
 */
function element(ai, data) {
  checkElement(/** @type {import('./gs1.js').AiRule} */ (aiRule(ai)), data);
  return [ai, data];
}

/**
 * @param {string} text
 * @returns {Array<[string, string]>}
 */
export function linkElements(text) {
  const found = segments(text);
  if (!found) throw new ScanError('invalid_digital_link', 'no primary key in the path');
  if (found.path.length % 2) throw new ScanError('invalid_digital_link', 'a path segment without its value');
  const values = found.path.map(unquote);
  const [key, value] = values;
  const elements = [element(key, key === '01' ? value.padStart(14, '0') : value)];
  const expected = [...PRIMARY_KEYS[key]];
  for (let i = 2; i < values.length; i += 2) {
    const ai = values[i];
    const at = expected.indexOf(ai);
    if (at < 0) throw new ScanError('invalid_digital_link', `(${ai}) is no qualifier here`);
    expected.splice(0, at + 1);
    elements.push(element(ai, values[i + 1]));
  }
  /** @type {Map<string, string>} */
  const query = new Map();
  for (const [name, given] of new URLSearchParams(found.url.search)) {
    if (given !== '') query.set(name, given); // a repeated key: the last value counts
  }
  for (const [ai, given] of query) if (aiRule(ai)) elements.push(element(ai, given));
  return elements;
}

/**
 * @param {string} text
 * @param {{iso: string, year: number}} today
 */
export function readDigitalLink(text, today) {
  const url = text.trim();
  return gs1Result('gs1', linkElements(url), today, text, url);
}
