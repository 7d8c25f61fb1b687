// Canonical JSON and op hashes (sync/PROTOCOL.md, "Ops"); mirrors sync/chain.py.
// Pure: usable in the window and in the service worker.
import { sha256Hex } from './sha256.js';

/** The fields an op hash covers, in the order of sync/chain.py (the JSON sorts them). */
export const CHAIN_FIELDS = Object.freeze([
  'op_id', 'incarnation', 'seq', 'name', 'v', 'args', 'client_time', 'hlc', 'blobs', 'prev_hash',
]);

/** prev_hash of the first op of an incarnation. */
export const GENESIS = '';

/**
 * Compare two strings by Unicode code point (Python's str order), not by UTF-16 unit.
 * @param {string} a
 * @param {string} b
 * @returns {number}
 */
export function compareCodePoints(a, b) {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const x = left.next();
    const y = right.next();
    if (x.done || y.done) return x.done === y.done ? 0 : x.done ? -1 : 1;
    const dx = /** @type {number} */ (x.value.codePointAt(0));
    const dy = /** @type {number} */ (y.value.codePointAt(0));
    if (dx !== dy) return dx - dy;
  }
}

/**
 * A number as Python's json.dumps writes the value json.loads reads from JSON.stringify:
 * integer-valued numbers below 1e21 travel as JSON integers, written as JSON.stringify
 * writes them (shortest digits padded with zeros; Python keeps them as that int),
 * everything else as a Python float (repr: shortest round-trip digits, exponent form
 * outside 1e-4 <= |x| < 1e16, exponent with a sign and at least two digits).
 * @param {number} x
 * @returns {string}
 */
export function canonicalNumber(x) {
  if (!Number.isFinite(x)) throw new RangeError(`not a JSON number: ${x}`);
  if (Number.isInteger(x) && Math.abs(x) < 1e21) return String(x); // no exponent below 1e21
  const [mantissa, exp] = x.toExponential().split('e');
  const exponent = Number(exp);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  if (exponent >= -4 && exponent < 16) {
    let text;
    if (exponent < 0) {
      text = `0.${'0'.repeat(-exponent - 1)}${digits}`;
    } else if (digits.length > exponent + 1) {
      text = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
    } else {
      text = `${digits}${'0'.repeat(exponent + 1 - digits.length)}.0`;
    }
    return sign + text;
  }
  const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
  const magnitude = String(Math.abs(exponent)).padStart(2, '0');
  return `${sign}${digits[0]}${fraction}e${exponent < 0 ? '-' : '+'}${magnitude}`;
}

/**
 * @param {string} text
 * @returns {string}
 */
function canonicalString(text) {
  const wellFormed = typeof text.isWellFormed === 'function'
    ? text.isWellFormed()
    : !/\p{Surrogate}/u.test(text);
  if (!wellFormed) throw new TypeError('a string with a lone surrogate cannot be hashed');
  // JSON.stringify escapes exactly what json.dumps(ensure_ascii=False) escapes:
  // quote, backslash, \b \f \n \r \t and other controls as lower-case \u00xx.
  return JSON.stringify(text);
}

/**
 * Canonical JSON: keys sorted by code point at every level, no white space, non-ASCII
 * unescaped, numbers in shortest round-trip form. Equal to Python's
 * json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False) of the
 * value the server parses from JSON.stringify(value). Members whose value is undefined
 * are left out and undefined array items become null, as JSON.stringify does.
 * @param {unknown} value
 * @returns {string}
 */
export function canonicalJson(value) {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'boolean': return value ? 'true' : 'false';
    case 'number': return canonicalNumber(value);
    case 'string': return canonicalString(value);
    case 'object': break;
    default: throw new TypeError(`cannot write a ${typeof value} as JSON`);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new TypeError('only plain objects, arrays and JSON scalars can be hashed');
  }
  const record = /** @type {Record<string, unknown>} */ (value);
  const keys = Object.keys(record).filter((key) => record[key] !== undefined);
  keys.sort(compareCodePoints);
  return `{${keys.map((key) => `${canonicalString(key)}:${canonicalJson(record[key])}`).join(',')}}`;
}

/**
 * The object an op hash covers: exactly CHAIN_FIELDS, a missing field as null.
 * @param {Record<string, unknown>} op
 * @returns {Record<string, unknown>}
 */
function chainView(op) {
  return Object.fromEntries(CHAIN_FIELDS.map((key) => [key, op[key] === undefined ? null : op[key]]));
}

/**
 * Lower-case hex SHA-256 of the op's canonical JSON (WebCrypto).
 * @param {Record<string, unknown>} op
 * @returns {Promise<string>}
 */
export async function opHash(op) {
  const bytes = new TextEncoder().encode(canonicalJson(chainView(op)));
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The same hash computed synchronously, for use inside an IndexedDB transaction, which
 * commits as soon as it waits on anything but its own requests (such as crypto.subtle).
 * @param {Record<string, unknown>} op
 * @returns {string}
 */
export function opHashSync(op) {
  return sha256Hex(new TextEncoder().encode(canonicalJson(chainView(op))));
}
