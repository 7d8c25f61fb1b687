// Languages: English and Simplified Chinese. The catalogue of the language in use is
// loaded on start (only that one); the choice is navigator.language unless the user picked
// one in Settings. Missing keys fall back to the key itself, and a test keeps the two
// catalogues' keys identical.

export const LANGUAGES = /** @type {const} */ (['en', 'zh-CN']);
const STORAGE_KEY = 'rounds.lang';

/** @type {Record<string, () => Promise<{default: Record<string, Message>}>>} */
const LOADERS = {
  en: () => import('./messages/en.js'),
  'zh-CN': () => import('./messages/zh-CN.js'),
};

/** @typedef {string | {one?: string, other: string}} Message */

let current = 'en';
/** @type {Record<string, Message>} */
let messages = {};
/** @type {Set<(lang: string) => void>} */
const listeners = new Set();

/** The language from a stored choice, else the browser's preference. */
export function detectLanguage() {
  let stored = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    // storage blocked: fall through to the browser's language
  }
  if (stored && LANGUAGES.includes(/** @type {any} */ (stored))) return stored;
  const wanted = navigator.languages?.length ? navigator.languages : [navigator.language || 'en'];
  for (const tag of wanted) {
    const lower = String(tag).toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

/**
 * Load and use a language.
 * @param {string} lang
 * @param {{remember?: boolean}} [options] remember: keep the choice over the browser's
 */
export async function setLanguage(lang, { remember = false } = {}) {
  const code = LANGUAGES.includes(/** @type {any} */ (lang)) ? lang : 'en';
  messages = (await LOADERS[code]()).default;
  current = code;
  document.documentElement.lang = code;
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, code);
    } catch {
      // not remembered; the choice still holds for this session
    }
  }
  for (const fn of listeners) fn(code);
}

export function initI18n() {
  return setLanguage(detectLanguage());
}

export function language() {
  return current;
}

/** The locale for dates and numbers: the browser's own when it is of the language shown
 * (en-GB writes 23 Nov, 16:05; en-US Nov 23, 4:05 PM), else the language itself. */
function locale() {
  const browser = navigator.language || '';
  return browser.toLowerCase().startsWith(current.slice(0, 2).toLowerCase()) && current === 'en' ? browser : current;
}

/** @param {(lang: string) => void} fn */
export function onLanguageChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * Translate: t('orders.count', {n: 3}). A message may be {one, other}, picked by `n`.
 * @param {string} key
 * @param {Record<string, string | number>} [vars]
 * @returns {string}
 */
export function t(key, vars) {
  let msg = messages[key];
  if (msg === undefined) return key;
  if (typeof msg === 'object') {
    const n = Number(vars?.n ?? 0);
    const form = new Intl.PluralRules(current).select(n);
    msg = /** @type {string} */ (form === 'one' && msg.one !== undefined ? msg.one : msg.other);
  }
  if (!vars) return msg;
  return msg.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

/** Is there a message for this key (e.g. a known error code)? */
export function has(/** @type {string} */ key) {
  return key in messages;
}

/**
 * Date and time, short: "23 Nov, 14:05" / "11月23日 14:05".
 * @param {string | Date | null | undefined} value
 */
export function formatDateTime(value) {
  if (!value) return '';
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  const now = new Date();
  const sameYear = date.getFullYear() === now.getFullYear();
  return new Intl.DateTimeFormat(locale(), {
    year: sameYear ? undefined : 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(date);
}

/**
 * A duration in words, coarse: "2 h 15 min", "3 d 4 h", "45 min".
 * @param {number} ms
 */
export function formatDuration(ms) {
  const minutes = Math.max(0, Math.round(Math.abs(ms) / 60000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return hours ? t('time.d_h', { d: days, h: hours }) : t('time.d', { d: days });
  if (hours > 0) return mins ? t('time.h_min', { h: hours, m: mins }) : t('time.h', { h: hours });
  return t('time.min', { m: mins });
}

/**
 * Bytes in MB or GB, one decimal.
 * @param {number} bytes
 */
export function formatBytes(bytes) {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}
