// Dates on labels, as scanners/dates.py reads them: two-digit years within 49 years back and
// 50 ahead of today (GS1 General Specifications 7.12), GS1's day 00 (the month's last day,
// where the AI allows it), HIBC's Julian YYJJJ. Dates come out as ISO strings.
import { ScanError } from './scan-error.js';

/**
 * @param {number} twoDigits
 * @param {number} thisYear
 */
export function fullYear(twoDigits, thisYear) {
  let century = thisYear - (thisYear % 100);
  const difference = twoDigits - (thisYear % 100);
  if (difference >= 51) century -= 100;
  else if (difference <= -50) century += 100;
  return century + twoDigits;
}

/** @param {number} year @param {number} month @param {number} day */
const iso = (year, month, day) =>
  `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

/** @param {number} year @param {number} month 1-12 */
const lastDay = (year, month) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * @param {number} year @param {number} month @param {number} day @param {string} raw
 * @param {boolean} [dayZero] whether day 0 may stand for the month's last day
 * @returns {string}
 */
export function calendarDate(year, month, day, raw, dayZero = false) {
  if (month < 1 || month > 12) throw new ScanError('invalid_date', `no month ${month} in ${raw}`);
  const last = lastDay(year, month);
  if (day === 0 && !dayZero) throw new ScanError('invalid_date', `day 00 is not allowed in ${raw}`);
  if (day > last) throw new ScanError('invalid_date', `no day ${day} in month ${month} of ${raw}`);
  return iso(year, month, day || last);
}

/**
 * @param {string} raw YYMMDD
 * @param {number} thisYear
 * @param {boolean} [dayZero]
 */
export function yymmdd(raw, thisYear, dayZero = false) {
  if (!/^\d{6}$/.test(raw)) throw new ScanError('invalid_date', `${raw} is not YYMMDD`);
  const year = fullYear(Number(raw.slice(0, 2)), thisYear);
  return calendarDate(year, Number(raw.slice(2, 4)), Number(raw.slice(4, 6)), raw, dayZero);
}

/** @param {string} raw YYYYMMDD */
export function yyyymmdd(raw) {
  if (!/^\d{8}$/.test(raw)) throw new ScanError('invalid_date', `${raw} is not YYYYMMDD`);
  return calendarDate(Number(raw.slice(0, 4)), Number(raw.slice(4, 6)), Number(raw.slice(6, 8)), raw);
}

/**
 * YYJJJ: the year and the day of that year (001 is 1 January).
 * @param {string} raw
 * @param {number} thisYear
 */
export function julian(raw, thisYear) {
  if (!/^\d{5}$/.test(raw)) throw new ScanError('invalid_date', `${raw} is not YYJJJ`);
  const year = fullYear(Number(raw.slice(0, 2)), thisYear);
  const day = Number(raw.slice(2));
  const leap = lastDay(year, 2) === 29;
  if (day < 1 || day > (leap ? 366 : 365)) throw new ScanError('invalid_date', `no day ${day} in ${year}`);
  const date = new Date(Date.UTC(year, 0, day));
  return iso(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

/**
 * Today as an ISO date and its year, from a Date (its UTC day), an ISO string, or the clock.
 * @param {Date | string | undefined} today
 * @returns {{iso: string, year: number}}
 */
export function todayOf(today) {
  const day = today === undefined ? new Date() : today;
  const text = typeof day === 'string' ? day.slice(0, 10) : day.toISOString().slice(0, 10);
  return { iso: text, year: Number(text.slice(0, 4)) };
}
