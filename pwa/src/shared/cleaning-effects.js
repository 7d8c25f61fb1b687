// Optimistic effects of the cleaning ops (server/domain/cleaning): a cleaner works a whole
// shift offline, so the phone keeps what the server will hold. Pure, like effects.js.
//
//   cleaning_task:<task_id>   the task: status (open, in_progress, done), who cleans it,
//                             when started and finished; a request made on this phone
//                             (terminal, spill) is a new task with its deadline
//
// A finish is a record of work done and the server keeps it whatever it meets (a task the
// desk cancelled meanwhile keeps it with a conflict), so the effect never refuses it; a
// start with another room's tag is refused by the server (`wrong_room`), and the screen
// checks the tag before sending. Deadlines come from the server's rules (rules.js).
import RULES from './rules.js';

/** @typedef {import('./effects.js').Effect} Effect */
/** @typedef {import('./effects.js').Key} Key */

/** @param {Record<string, any>} args @returns {Key[]} */
const task = (args) => [['cleaning_task', String(args.task_id)]];

/**
 * @param {string} iso
 * @param {number} minutes
 */
function plusMinutes(iso, minutes) {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? null : new Date(at + minutes * 60_000).toISOString();
}

/**
 * A task asked for on this phone: the room's (found by its location), due `minutes` on.
 * @param {string} kind
 * @param {(args: Record<string, any>) => number} minutes
 * @returns {Effect}
 */
function requested(kind, minutes) {
  return {
    touches: task,
    apply(op, row, { user }) {
      if (row) return row;
      const a = op.args;
      // The op names the location; the room, its site and contractor come with the
      // server's copy (screens name the task by its location meanwhile).
      return {
        type: 'cleaning_task',
        id: String(a.task_id),
        version: 0,
        room_id: null,
        location_id: String(a.location_id),
        kind,
        status: 'open',
        window_start: op.client_time,
        due_at: plusMinutes(op.client_time, minutes(a)),
        requested_by_id: user?.id ?? null,
        reason: kind === 'spill' ? 'spill' : String(a.reason ?? ''),
        note: String(a.note ?? '').trim(),
        photos: (a.photos ?? []).map(String),
        record_id: null,
        cleaner_id: null,
        started_at: null,
        finished_at: null,
      };
    },
  };
}

/** @type {Record<string, Effect>} */
export const CLEANING_EFFECTS = {
  'cleaning.start': {
    touches: task,
    apply(op, row, { user }) {
      if (!row || row.status !== 'open') return row;
      return { ...row, status: 'in_progress', record_id: String(op.args.record_id), cleaner_id: user?.id ?? null, started_at: op.client_time };
    },
  },
  'cleaning.finish': {
    touches: task,
    apply(op, row, { user }) {
      if (!row || row.status === 'cancelled' || row.status === 'done') return row; // kept on the server, for the desk
      return {
        ...row,
        status: 'done',
        record_id: String(op.args.record_id),
        cleaner_id: user?.id ?? null,
        started_at: row.started_at ?? null,
        finished_at: op.client_time,
        _finish: { product: op.args.product, photos: (op.args.photos ?? []).map(String) },
      };
    },
  },
  'cleaning.request_terminal': requested('terminal', (a) => Number(a.due_within_minutes) || RULES.cleaning.terminal_minutes[a.reason] || 120),
  'cleaning.report_spill': requested('spill', () => RULES.cleaning.spill_minutes),
  'cleaning.audit': {
    // The audit itself is no row the phone holds; its re-clean is a new task of the room.
    touches: (args) => (args.reclean_task_id ? [['cleaning_task', String(args.reclean_task_id)], ...task(args)] : []),
    apply(op, row, ctx, key) {
      const a = op.args;
      if (!key || key[1] !== String(a.reclean_task_id) || row) return row;
      const audited = ctx.get('cleaning_task', String(a.task_id));
      if (!audited) return row;
      return {
        ...audited,
        id: String(a.reclean_task_id),
        version: 0,
        status: 'open',
        window_start: op.client_time,
        due_at: plusMinutes(op.client_time, RULES.cleaning.reclean_minutes),
        reason: 'reclean',
        reclean_of_audit_id: String(a.audit_id),
        record_id: null,
        cleaner_id: null,
        started_at: null,
        finished_at: null,
      };
    },
  },
};
