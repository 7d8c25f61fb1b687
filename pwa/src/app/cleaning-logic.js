// What the cleaner's screens work out from the replica: the list in order of urgency
// (spills, then terminal cleans by deadline, then routine), and which room a scan names.
// Pure, so tests/pwa/cleaning-effects.test.js runs it in Node.
import RULES from '../shared/rules.js';

const RANK = new Map(RULES.cleaning.urgency.map((kind, i) => [kind, i]));
const OPEN = new Set(['open', 'in_progress']);

/** @param {unknown} uid */
const normaliseUid = (uid) => String(uid ?? '').replace(/[\s:-]/g, '').toUpperCase();

/**
 * Tasks to do now: open or in progress, whose window has opened (a routine clean due this
 * afternoon shows from its start), most urgent first; the same kind by deadline.
 * @param {any[]} tasks
 * @param {number} now
 */
export function myTasks(tasks, now) {
  return tasks
    .filter((task) => OPEN.has(task.status) && Date.parse(task.window_start) <= now)
    .sort((a, b) => (RANK.get(a.kind) ?? 9) - (RANK.get(b.kind) ?? 9) || Date.parse(a.due_at) - Date.parse(b.due_at));
}

/**
 * The room a scan names: its QR payload, its NFC tag's UID, or the payload typed by hand.
 * @param {{text: string, uid?: string}} read
 * @param {Iterable<any>} rooms
 */
export function roomOf(read, rooms) {
  const text = String(read.text ?? '').trim();
  const uid = normaliseUid(read.uid || text);
  for (const room of rooms) {
    if (room.qr_payload === text || (room.nfc_uid && normaliseUid(room.nfc_uid) === uid)) return room;
  }
  return null;
}

/**
 * Minutes left to the deadline (negative: overdue).
 * @param {any} task
 * @param {number} now
 */
export function minutesLeft(task, now) {
  return Math.round((Date.parse(task.due_at) - now) / 60_000);
}

/**
 * Cleans an auditor may check: done, most recently finished first.
 * @param {any[]} tasks
 */
export function finishedTasks(tasks) {
  return tasks
    .filter((task) => task.status === 'done' && task.finished_at)
    .sort((a, b) => Date.parse(b.finished_at) - Date.parse(a.finished_at));
}

/**
 * Did an audited item pass? An ATP swab by its RLU against the server's threshold
 * (rules.js), a marker or a visual check as the auditor said; null while undecided.
 * Mirrors judge() in server/domain/cleaning/audits.py.
 * @param {{method: string, passed?: boolean | null, rlu?: number | null}} item
 */
export function itemPassed(item) {
  if (item.method === 'atp') {
    return item.rlu === null || item.rlu === undefined || Number.isNaN(item.rlu) ? null : item.rlu <= RULES.cleaning.atp_pass_rlu;
  }
  return typeof item.passed === 'boolean' ? item.passed : null;
}

/**
 * The audit's score: the share of items passed, 0..100, rounded half up in whole numbers
 * exactly as score_of() in server/domain/cleaning/audits.py (the doctests there agree).
 * @param {boolean[]} passes
 */
export function auditScore(passes) {
  if (!passes.length) return null;
  const passed = passes.filter(Boolean).length;
  return Math.floor((200 * passed + passes.length) / (2 * passes.length));
}
