// A small GS1 element-string reader: the GTIN (01), batch/lot (10), expiry (17) and serial
// (21) of a GS1-128, GS1 DataMatrix or GS1 QR scan. Element strings come raw: AI digits,
// then the data; a variable-length element ends at ASCII 29 (GS) or at the end. Other AIs
// are stepped over without being read: those with a predefined length (the GS1 General
// Specifications' table by the AI's first two digits) by that length, the rest up to the
// next GS. Pure: runs anywhere.

export const GS = '\x1d';

/**
 * The AIs this reader gives values for: fixed total data length, or the variable maximum.
 * @type {Readonly<Record<string, {name: string, fixed?: number, max?: number, numeric: boolean}>>}
 */
const READ = Object.freeze({
  '01': { name: 'gtin', fixed: 14, numeric: true },
  10: { name: 'lot', max: 20, numeric: false },
  17: { name: 'expiry', fixed: 6, numeric: true },
  21: { name: 'serial', max: 20, numeric: false },
});

/**
 * Predefined lengths by an AI's first two digits: AI digits plus data, no GS after them.
 * (GS1 General Specifications, "predefined length" table; 23 is no longer assigned.)
 * @type {Readonly<Record<string, number>>}
 */
const PREDEFINED = Object.freeze({
  '00': 20, '01': 16, '02': 16, '03': 16, '04': 18,
  11: 8, 12: 8, 13: 8, 14: 8, 15: 8, 16: 8, 17: 8, 18: 8, 19: 8,
  20: 4, 31: 10, 32: 10, 33: 10, 34: 10, 35: 10, 36: 10, 41: 16,
});

/**
 * @typedef {object} Gs1Elements
 * @property {string} [gtin] 14 digits, as encoded
 * @property {string} [lot]
 * @property {string} [expiry] YYMMDD, as encoded
 * @property {string} [serial]
 * @property {string[]} ais every AI met, in order (including the ones stepped over)
 */

/**
 * Read an element string. Returns null when it is not one (a read AI with data of the
 * wrong length or kind, an element cut short, no AI at all).
 * @param {string} text raw text: AIs and data, GS between a variable element and the next;
 *   a leading GS (a scanner's FNC1 in first position) is allowed
 * @returns {Gs1Elements | null}
 */
export function readElementString(text) {
  let rest = text.startsWith(GS) ? text.slice(1) : text;
  /** @type {Gs1Elements} */
  const out = { ais: [] };
  while (rest.length > 0) {
    const two = rest.slice(0, 2);
    if (!/^\d\d$/.test(two)) return null;
    const known = READ[two];
    if (known) {
      let data;
      if (known.fixed) {
        data = rest.slice(2, 2 + known.fixed);
        if (data.length !== known.fixed) return null;
        rest = rest.slice(2 + known.fixed);
        if (rest.startsWith(GS)) rest = rest.slice(1); // a needless GS after a fixed element
      } else {
        const end = rest.indexOf(GS);
        data = end < 0 ? rest.slice(2) : rest.slice(2, end);
        rest = end < 0 ? '' : rest.slice(end + 1);
        if (data.length === 0 || data.length > /** @type {number} */ (known.max)) return null;
      }
      if (known.numeric && !/^\d+$/.test(data)) return null;
      if (!known.numeric && !/^[\x21-\x7e]+$/.test(data)) return null; // GS1 AI encodable set 82, roughly
      if (/** @type {Record<string, unknown>} */ (out)[known.name] !== undefined) return null; // an AI twice
      /** @type {Record<string, unknown>} */ (out)[known.name] = data;
      out.ais.push(two);
    } else if (PREDEFINED[two]) {
      const length = PREDEFINED[two];
      if (rest.length < length || !/^\d+$/.test(rest.slice(0, length))) return null;
      out.ais.push(two);
      rest = rest.slice(length);
      if (rest.startsWith(GS)) rest = rest.slice(1);
    } else {
      // Variable length, not read: up to the next GS. The AI is 2 to 4 digits; keep its
      // first two, which is all the table above needs.
      const end = rest.indexOf(GS);
      out.ais.push(two);
      rest = end < 0 ? '' : rest.slice(end + 1);
    }
  }
  return out.ais.length ? out : null;
}

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
