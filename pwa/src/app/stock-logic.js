// What the stock screens decide, with no DOM: what a scan names (an item, a bin, nothing
// known), the lot to suggest on an issue (first expiry, first out, among lots with stock
// in that store), the warning a lot deserves at the scan, and the continuous scan list.
// The expiry warning window is the server's (rules.js: the default of ROUNDS_STOCK_EXPIRY_WARNING_DAYS).
import RULES from '../shared/rules.js';
import { lotId } from '../shared/stock-ids.js';

export const EXPIRY_WARNING_DAYS = RULES.stock.expiry_warning_days;
export const ADJUST_REASONS = RULES.stock.adjust_reasons;

/**
 * @typedef {{kind: 'item', item: any, lot: string | null, expiry: string | null, text: string}
 *   | {kind: 'bin', bin: any, text: string}
 *   | {kind: 'unknown', text: string}} Named
 */

/**
 * What a read scan names on this phone.
 * @param {import('./stock-scan.js').StockScan} scan
 * @param {{itemByGtin: (gtin: string) => Promise<any>, itemByCode: (code: string) => Promise<any>,
 *   binByCode: (code: string) => Promise<any>}} lookup
 * @returns {Promise<Named>}
 */
export async function nameScan(scan, { itemByGtin, itemByCode, binByCode }) {
  if (scan.kind === 'gtin') {
    const item = await itemByGtin(scan.gtin);
    if (item) return { kind: 'item', item, lot: scan.lot ?? null, expiry: scan.expiry ?? null, text: scan.text };
    return { kind: 'unknown', text: scan.text };
  }
  const code = scan.text.trim();
  if (!code) return { kind: 'unknown', text: code };
  const bin = await binByCode(code.toUpperCase());
  if (bin) return { kind: 'bin', bin, text: code };
  const item = await itemByCode(code.toUpperCase());
  if (item) return { kind: 'item', item, lot: null, expiry: null, text: code };
  return { kind: 'unknown', text: code };
}

/**
 * Days from `today` (YYYY-MM-DD) to `iso` (YYYY-MM-DD): negative once past.
 * @param {string} iso
 * @param {string} today
 */
export function daysUntil(iso, today) {
  return Math.round((Date.parse(`${iso}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}

/** Today's date on the phone, YYYY-MM-DD, in its own time zone. */
export function localToday(/** @type {Date} */ now = new Date()) {
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * What to say about a lot at the scan: recalled, expired (an expiry before today), expiring
 * within the server's window, or nothing. `expiry` read from the scan counts when the phone
 * has no row for the lot yet.
 * @param {{recalled_at?: string | null, expiry?: string | null} | null | undefined} lot
 * @param {string | null | undefined} scannedExpiry
 * @param {string} today
 * @returns {{kind: 'recalled' | 'expired' | 'expiring', days?: number, expiry?: string} | null}
 */
export function lotWarning(lot, scannedExpiry, today) {
  if (lot?.recalled_at) return { kind: 'recalled' };
  const expiry = lot?.expiry || scannedExpiry;
  if (!expiry) return null;
  const days = daysUntil(expiry, today);
  if (days < 0) return { kind: 'expired', expiry };
  if (days <= EXPIRY_WARNING_DAYS) return { kind: 'expiring', days, expiry };
  return null;
}

/**
 * First expiry, first out: among the item's balances in the store with stock, the lot
 * that expires first and is neither expired nor recalled; lots with no expiry after those
 * with one. Null when no lot qualifies.
 * @param {any[]} balances stock_balance rows of the item in one store
 * @param {Map<string, any>} lots stock_lot rows by id
 * @param {string} today
 * @returns {{lot: any, balance: any} | null}
 */
export function fefo(balances, lots, today) {
  const candidates = balances
    .filter((b) => b.lot_id && Number(b.on_hand) > 0)
    .map((balance) => ({ balance, lot: lots.get(balance.lot_id) }))
    .filter(({ lot }) => lot && !lot.recalled_at && !(lot.expiry && daysUntil(lot.expiry, today) < 0));
  candidates.sort((a, b) => {
    const ea = a.lot.expiry || '9999-12-31';
    const eb = b.lot.expiry || '9999-12-31';
    return ea === eb ? String(a.lot.lot).localeCompare(String(b.lot.lot)) : ea.localeCompare(eb);
  });
  return candidates[0] ?? null;
}

/** The lot row's id for an item's printed lot code (derived as the server derives it). */
export const lotRowId = (/** @type {string} */ itemId, /** @type {string} */ lot) => lotId(itemId, lot);

/**
 * @typedef {{n: number, at: number, kind: 'item' | 'bin' | 'unknown' | 'repeat', text: string,
 *   itemId?: string, title?: string, lot?: string | null, expiry?: string | null,
 *   warning?: ReturnType<typeof lotWarning>, count: number}} ScanLine
 */

/**
 * The continuous scan list: one line per scan, newest first, at most `max`. A scan of the
 * item just scanned (same item and lot) adds to that line's count instead of a new line;
 * a suppressed repeat (the scanner's 2-second window) is a line of its own that says so.
 * @param {ScanLine[]} lines
 * @param {Omit<ScanLine, 'n' | 'count'>} scan
 * @param {number} [max]
 * @returns {ScanLine[]}
 */
export function addScanLine(lines, scan, max = 50) {
  const top = lines[0];
  if (top && scan.kind === 'item' && top.kind === 'item' && top.itemId === scan.itemId && (top.lot ?? null) === (scan.lot ?? null)) {
    return [{ ...top, at: scan.at, count: top.count + 1 }, ...lines.slice(1)];
  }
  const n = (top?.n ?? 0) + 1;
  return [{ ...scan, n, count: 1 }, ...lines].slice(0, max);
}

/**
 * Whether a scan line deserves the warning tone: nothing known, or a lot to warn about.
 * @param {ScanLine} line
 */
export const needsAttention = (line) => line.kind === 'unknown' || Boolean(line.warning && line.warning.kind !== 'expiring');

/**
 * The balance an issue takes from, when the user did not choose one: the scanned lot's
 * (the one with most on hand), else FEFO's pick, else stock held without a lot, else the
 * balance with most on hand; null when the store holds none of it (the issue then lowers
 * the store's floor below zero, for the storekeeper to look at).
 * @param {any[]} balances the item's balances in the store
 * @param {Map<string, any>} lots
 * @param {string} today
 * @param {string | null} [scannedLot]
 * @returns {any | null}
 */
export function pickBalance(balances, lots, today, scannedLot = null) {
  const most = (/** @type {any[]} */ rows) => [...rows].sort((a, b) => Number(b.on_hand) - Number(a.on_hand))[0] ?? null;
  if (scannedLot) {
    const ofLot = balances.filter((b) => b.lot_id && lots.get(b.lot_id)?.lot === scannedLot);
    if (ofLot.length) return most(ofLot);
  }
  const best = fefo(balances, lots, today);
  if (best) return best.balance;
  const loose = balances.filter((b) => !b.lot_id && Number(b.on_hand) > 0);
  return most(loose.length ? loose : balances.filter((b) => Number(b.on_hand) > 0));
}
