// HIBC supplier labelling (ANSI/HIBC 2.6), read by the rules of scanners/hibc.py: "+" LIC,
// product, unit of measure, secondary data after "/" or in a second symbol linked by the
// primary's check character, a mod-43 check character last. Space is data: nothing is
// trimmed. Pure: runs anywhere.
import { calendarDate, fullYear, julian, yymmdd, yyyymmdd } from './dates.js';
import { ScanError, scanResult } from './scan-error.js';

export const MOD43 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%';
const PRIMARY = /^([A-Z][A-Z0-9]{3})([A-Z0-9]{1,18})([0-9])$/;
const MAX_LOT = 18;

/**
 * The mod-43 character that closes `data`.
 * @param {string} data
 */
export function checkCharacter(data) {
  let sum = 0;
  for (const char of data) sum += MOD43.indexOf(char);
  return MOD43[sum % 43];
}

/** @param {string} raw */
function hour(raw) {
  if (!/^\d+$/.test(raw) || Number(raw) > 23) throw new ScanError('invalid_date', `no hour ${raw}`);
}

/**
 * @param {string} flag
 * @param {string} rest
 * @param {number} year
 * @returns {[string | undefined, string]}
 */
function dated(flag, rest, year) {
  if (flag === '0' || flag === '1') {
    const monthYear = rest.slice(0, 4);
    if (!/^\d{4}$/.test(monthYear)) throw new ScanError('invalid_date', `${monthYear} is not MMYY`);
    const full = fullYear(Number(monthYear.slice(2)), year);
    return [calendarDate(full, Number(monthYear.slice(0, 2)), 0, monthYear, true), rest.slice(4)];
  }
  const body = rest.slice(1);
  if (flag === '2') {
    const raw = body.slice(0, 6);
    return [raw.length === 6 ? yymmdd(raw.slice(4, 6) + raw.slice(0, 4), year) : yymmdd(raw, year), body.slice(6)];
  }
  if (flag === '3' || flag === '4') {
    if (flag === '4') hour(body.slice(6, 8));
    return [yymmdd(body.slice(0, 6), year), body.slice(flag === '4' ? 8 : 6)];
  }
  if (flag === '5' || flag === '6') {
    if (flag === '6') hour(body.slice(5, 7));
    return [julian(body.slice(0, 5), year), body.slice(flag === '6' ? 7 : 5)];
  }
  if (flag === '7') return [undefined, body];
  throw new ScanError('invalid_hibc', `no date format ${flag} after $$`);
}

/**
 * @param {string} rest
 * @returns {[number | undefined, string]}
 */
function quantity(rest) {
  const width = { 8: 2, 9: 5 }[rest.slice(0, 1)];
  if (width === undefined) return [undefined, rest];
  const digits = rest.slice(1, 1 + width);
  if (!new RegExp(`^\\d{${width}}$`).test(digits)) throw new ScanError('invalid_hibc', `quantity ${digits} is not ${width} digits`);
  return [Number(digits), rest.slice(1 + width)];
}

/**
 * @param {string} value
 * @param {string} name
 */
function bounded(value, name) {
  if (value.length > MAX_LOT) throw new ScanError('field_too_long', `${name} of ${value.length} characters, at most 18`);
  return value || undefined;
}

/**
 * @typedef {{lot?: string, serial?: string, expiry?: string, production_date?: string, quantity?: number}} Secondary
 */

/**
 * @param {string} data
 * @param {number} year
 * @returns {Secondary}
 */
function secondary(data, year) {
  const [main, ...supplemental] = data.split('/');
  let expiry;
  let count;
  let serial = false;
  let rest;
  if (main.startsWith('$$')) {
    rest = main.slice(2);
    if (rest.startsWith('+')) [serial, rest] = [true, rest.slice(1)];
    [count, rest] = quantity(rest);
    if (!rest) throw new ScanError('truncated', 'a $$ field without its date format');
    [expiry, rest] = dated(rest[0], rest, year);
  } else if (main.startsWith('$')) {
    rest = main.slice(1);
    if (rest.startsWith('+')) [serial, rest] = [true, rest.slice(1)];
  } else if (/^\d{5}/.test(main)) {
    [expiry, rest] = [julian(main.slice(0, 5), year), main.slice(5)];
  } else {
    throw new ScanError('invalid_hibc', `no secondary data format at ${main.slice(0, 3)}`);
  }
  const value = bounded(rest, serial ? 'serial' : 'lot');
  /** @type {Secondary} */
  const found = { lot: serial ? undefined : value, serial: serial ? value : undefined, expiry, quantity: count };
  for (const field of supplemental) {
    if (field.startsWith('14D')) found.expiry = yyyymmdd(field.slice(3));
    else if (field.startsWith('16D')) found.production_date = yyyymmdd(field.slice(3));
    else if (field.startsWith('S')) found.serial = bounded(field.slice(1), 'serial');
    else throw new ScanError('invalid_hibc', `no supplemental field ${field}`);
  }
  return found;
}

/**
 * @param {string} text
 * @param {Secondary} found
 * @param {{iso: string, year: number}} today
 * @param {Record<string, string | number>} primary
 */
function result(text, found, today, primary) {
  const expired = found.expiry !== undefined && found.expiry < today.iso;
  return scanResult({
    kind: 'hibc', text, ...found, ...primary, check_character: text[text.length - 1], warnings: expired ? ['expired'] : [],
  });
}

/**
 * A primary, a primary with its secondary after "/", or a secondary alone.
 * @param {string} text
 * @param {{iso: string, year: number}} today
 */
export function readHibc(text, today) {
  if (!text.startsWith('+') || text.length < 3) throw new ScanError('invalid_hibc', "an HIBC symbol starts with '+' and has data");
  for (const char of text) {
    if (!MOD43.includes(char)) throw new ScanError('invalid_character', `${char} is not an HIBC character`);
  }
  const body = text.slice(0, -1);
  const check = text[text.length - 1];
  if (check !== checkCharacter(body)) throw new ScanError('hibc_check_character', `check character ${check}, expected ${checkCharacter(body)}`);
  const content = body.slice(1);
  if (/^[A-Z]/.test(content)) {
    const slash = content.indexOf('/');
    const primary = slash < 0 ? content : content.slice(0, slash);
    const match = PRIMARY.exec(primary);
    if (!match) throw new ScanError('invalid_hibc', `${primary} is not LIC, product, unit of measure`);
    const found = slash < 0 ? {} : secondary(content.slice(slash + 1), today.year);
    return result(text, found, today, { lic: match[1], product: match[2], unit_of_measure: Number(match[3]) });
  }
  return result(text, secondary(content.slice(0, -1), today.year), today, { link_character: content[content.length - 1] });
}

/**
 * One reading of a two-symbol label; the secondary must name the primary's check character.
 * @param {Record<string, any>} primary a reading of the primary symbol
 * @param {Record<string, any>} second a reading of the secondary symbol alone
 */
export function link(primary, second) {
  if (primary.lic === undefined || second.link_character === undefined) {
    throw new ScanError('hibc_link_character', 'needs an HIBC primary and a secondary alone');
  }
  if (second.link_character !== primary.check_character) {
    throw new ScanError('hibc_link_character', `link character ${second.link_character}, primary ends ${primary.check_character}`);
  }
  return scanResult({
    ...second, lic: primary.lic, product: primary.product, unit_of_measure: primary.unit_of_measure, check_character: primary.check_character,
  });
}
