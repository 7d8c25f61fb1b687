// GS1 element strings (GS1-128, GS1 DataMatrix, GS1 QR, DataBar) and their printed form
// "(01)…(17)…", read by the rules of scanners/gs1.py: the AI table is generated from the
// server's (gs1-ais.js, `make pwa-rules`), so the phone refuses what the server refuses, with
// the same codes: check_digit, invalid_date, unknown_ai, field_too_long, truncated,
// invalid_character, invalid_value, duplicate_ai. Pure: runs anywhere.
import TABLE from './gs1-ais.js';
import { yymmdd } from './dates.js';
import { ScanError, scanResult } from './scan-error.js';

export const GS = '\x1d';
const HRI = /^(?:\(\d{2,4}\)[^()]*)+$/;
const HRI_ELEMENT = /\((\d{2,4})\)([^()]*)/g;

/**
 * @typedef {{ai: string, fixed: boolean, min: number, max: number, charset: string,
 *   pattern: RegExp, date: boolean, dayZero: boolean, checkDigit: number[] | null}} AiRule
 */

/** @type {Map<string, AiRule>} */
const RULES = new Map(
  Object.entries(TABLE.ais).map(([ai, [fixed, min, max, charset, pattern, date, check]]) => [
    ai,
    {
      ai, fixed: fixed === 1, min, max, charset, pattern: new RegExp(`^(?:${pattern})$`),
      date: date > 0, dayZero: date === 2, checkDigit: check || null,
    },
  ]),
);

/** @param {string} ai */
export const aiRule = (ai) => RULES.get(ai);

/**
 * Whether the last digit is the GS1 mod-10 check digit of the others.
 * @param {string} digits
 */
export function mod10Ok(digits) {
  let sum = 0;
  for (let i = digits.length - 2, weight = 3; i >= 0; i -= 1, weight = 4 - weight) sum += Number(digits[i]) * weight;
  return (10 - (sum % 10)) % 10 === Number(digits[digits.length - 1]);
}

/** @param {string} text */
function ruleFor(text) {
  for (const length of [2, 3, 4]) {
    const rule = RULES.get(text.slice(0, length));
    if (rule) return rule;
  }
  throw new ScanError('unknown_ai', `no GS1 Application Identifier at ${text.slice(0, 4)}`);
}

/**
 * Refuse data that breaks its AI's rules: characters, length, date, pattern, check digit.
 * @param {AiRule} rule
 * @param {string} data
 */
export function checkElement(rule, data) {
  const { ai } = rule;
  const allowed = TABLE.charsets[rule.charset];
  for (const char of data) {
    if (!allowed.includes(char)) throw new ScanError('invalid_character', `AI (${ai}): ${char} not allowed`);
  }
  if (data.length > rule.max) throw new ScanError('field_too_long', `AI (${ai}): ${data.length} characters, at most ${rule.max}`);
  if (data.length < rule.min) throw new ScanError('truncated', `AI (${ai}): ${data.length} characters, at least ${rule.min}`);
  if (rule.date) {
    yymmdd(data.slice(0, 6), 2000, rule.dayZero);
    if (ai === '7007' && data.length === 12) yymmdd(data.slice(6), 2000);
  }
  if (!rule.pattern.test(data)) throw new ScanError('invalid_value', `AI (${ai}): ${data} is not its format`);
  if (rule.checkDigit) {
    const [start, length] = rule.checkDigit;
    if (!mod10Ok(data.slice(start, start + length))) throw new ScanError('check_digit', `AI (${ai}) ${data}: wrong check digit`);
  }
}

/**
 * @param {Array<[string, string]>} elements
 * @param {string} ai
 * @param {string} data
 */
function add(elements, ai, data) {
  const earlier = elements.find(([key]) => key === ai);
  if (!earlier) elements.push([ai, data]);
  else if (earlier[1] !== data) throw new ScanError('duplicate_ai', `AI (${ai}) twice: ${earlier[1]} and ${data}`);
}

/** @param {string} text */
const stripGs = (text) => text.replace(/^\x1d+/, '');

/**
 * The (AI, data) pairs of an element string; GS ends a variable field (and may follow any).
 * @param {string} raw
 * @returns {Array<[string, string]>}
 */
export function readElements(raw) {
  /** @type {Array<[string, string]>} */
  const elements = [];
  let rest = stripGs(raw);
  while (rest) {
    const rule = ruleFor(rest);
    rest = rest.slice(rule.ai.length);
    let data;
    if (rule.fixed) {
      data = rest.slice(0, rule.max);
      rest = rest.slice(rule.max);
      if (data.includes(GS) || data.length < rule.max) {
        throw new ScanError('truncated', `AI (${rule.ai}): needs ${rule.max} digits`);
      }
    } else {
      const end = rest.indexOf(GS);
      data = end < 0 ? rest : rest.slice(0, end);
      rest = end < 0 ? '' : rest.slice(end + 1);
    }
    checkElement(rule, data);
    add(elements, rule.ai, data);
    rest = stripGs(rest);
  }
  if (!elements.length) throw new ScanError('empty', 'no element string');
  return elements;
}

/** @param {string} text */
export const looksLikeHri = (text) => HRI.test(text.replace(/\s+/g, ''));

/**
 * The (AI, data) pairs of "(01)…(17)…"; white space is layout.
 * @param {string} text
 * @returns {Array<[string, string]>}
 */
export function readHri(text) {
  /** @type {Array<[string, string]>} */
  const elements = [];
  for (const [, ai, data] of text.replace(/\s+/g, '').matchAll(HRI_ELEMENT)) {
    const rule = RULES.get(ai);
    if (!rule) throw new ScanError('unknown_ai', `no GS1 Application Identifier (${ai})`);
    if (rule.fixed && data.length < rule.max) throw new ScanError('truncated', `AI (${ai}): needs ${rule.max} digits`);
    checkElement(rule, data);
    add(elements, ai, data);
  }
  return elements;
}

/**
 * GS1 pairing rules (General Specifications 4.13) broken by these AIs, as warning codes.
 * @param {string[]} ais
 * @returns {string[]}
 */
export function pairingWarnings(ais) {
  const present = new Set(ais);
  const found = TABLE.invalid_pairs.filter(([, pair]) => pair.every((ai) => present.has(ai))).map(([code]) => code);
  for (const [code, needs, partners] of TABLE.required_partners) {
    const needing = ais.some((ai) => needs.some((prefix) => ai.startsWith(prefix)));
    if (needing && !partners.some((ai) => present.has(ai))) found.push(code);
  }
  return found;
}

/**
 * The fields a user acts on, from elements that passed the gate: ScanResult.to_dict()'s form.
 * @param {string} kind
 * @param {Array<[string, string]>} elements
 * @param {{iso: string, year: number}} today
 * @param {string} text
 * @param {string} [url]
 */
export function gs1Result(kind, elements, today, text, url) {
  /** @type {Record<string, string>} */
  const ais = Object.fromEntries(elements);
  /** @param {string} ai */
  const day = (ai) => (ai in ais ? yymmdd(ais[ai].slice(0, 6), today.year, RULES.get(ai)?.dayZero) : undefined);
  const count = ais['30'] || ais['37'];
  const expiry = day('17');
  const warnings = pairingWarnings(Object.keys(ais));
  if (expiry !== undefined && expiry < today.iso) warnings.push('expired');
  return scanResult({
    kind, text, gtin: ais['01'] || ais['02'], lot: ais['10'], serial: ais['21'], expiry,
    best_before: day('15'), production_date: day('11'), quantity: count ? Number(count) : undefined,
    ais, url, warnings,
  });
}

/**
 * Read an element string for the GTIN, lot, expiry and serial; null when it is not one.
 * @param {string} text raw text: AIs and data, GS after a variable field; a leading GS is allowed
 * @returns {Gs1Elements | null}
 */
export function readElementString(text) {
  let elements;
  try {
    elements = readElements(text);
  } catch (error) {
    if (error instanceof ScanError) return null;
    throw error;
  }
  const ais = Object.fromEntries(elements);
  /** @type {Gs1Elements} */
  const out = { ais: elements.map(([ai]) => ai) };
  if (ais['01'] !== undefined) out.gtin = ais['01'];
  if (ais['10'] !== undefined) out.lot = ais['10'];
  if (ais['17'] !== undefined) out.expiry = ais['17'];
  if (ais['21'] !== undefined) out.serial = ais['21'];
  return out;
}

/**
 * @typedef {object} Gs1Elements
 * @property {string} [gtin] 14 digits, as encoded
 * @property {string} [lot]
 * @property {string} [expiry] YYMMDD, as encoded
 * @property {string} [serial]
 * @property {string[]} ais every AI met, in order
 */

/**
 * The human-readable form of what was read: "(01)09506000134352(17)261231(10)ABC".
 * For display only: the raw text is what is stored and compared.
 * @param {Gs1Elements} elements
 * @returns {string}
 */
export function humanReadable(elements) {
  const parts = [];
  if (elements.gtin) parts.push(`(01)${elements.gtin}`);
  if (elements.expiry) parts.push(`(17)${elements.expiry}`);
  if (elements.lot) parts.push(`(10)${elements.lot}`);
  if (elements.serial) parts.push(`(21)${elements.serial}`);
  return parts.join('');
}

/**
 * Whether a GTIN-8/12/13/14 carries a right check digit (GS1 mod 10).
 * @param {string} digits
 * @returns {boolean}
 */
export function gtinCheckDigitOk(digits) {
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(digits)) return false;
  let sum = 0;
  for (let i = digits.length - 2, weight = 3; i >= 0; i -= 1, weight = 4 - weight) {
    sum += Number(digits[i]) * weight;
  }
  return (10 - (sum % 10)) % 10 === Number(digits[digits.length - 1]);
}

/**
 * A UPC-E (8 digits: number system, six, check) as the UPC-A it stands for.
 * @param {string} upce
 * @returns {string | null}
 */
export function upcEToUpcA(upce) {
  if (!/^[01]\d{7}$/.test(upce)) return null;
  const [ns, d1, d2, d3, d4, d5, d6, check] = upce;
  let body;
  if ('012'.includes(d6)) body = `${d1}${d2}${d6}0000${d3}${d4}${d5}`;
  else if (d6 === '3') body = `${d1}${d2}${d3}00000${d4}${d5}`;
  else if (d6 === '4') body = `${d1}${d2}${d3}${d4}00000${d5}`;
  else body = `${d1}${d2}${d3}${d4}${d5}0000${d6}`;
  return `${ns}${body}${check}`;
}

/**
 * An expiry YYMMDD as an ISO date. DD 00 means the month's last day; the century is the
 * one that puts the year within 49 years back and 50 ahead of `today` (GS1 General
 * Specifications 7.12).
 * @param {string} yymmdd
 * @param {Date} [today]
 * @returns {string | null} "2026-12-31", or null for an impossible date
 */
export function expiryDate(yymmdd, today = new Date()) {
  const match = /^(\d\d)(\d\d)(\d\d)$/.exec(yymmdd);
  if (!match) return null;
  const [yy, mm, dd] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (mm < 1 || mm > 12) return null;
  const thisYear = today.getUTCFullYear();
  const difference = yy - (thisYear % 100);
  let century = thisYear - (thisYear % 100);
  if (difference >= 51) century -= 100;
  else if (difference <= -50) century += 100;
  const year = century + yy;
  const lastDay = new Date(Date.UTC(year, mm, 0)).getUTCDate();
  const day = dd === 0 ? lastDay : dd;
  if (day > lastDay) return null;
  return `${String(year).padStart(4, '0')}-${String(mm).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
