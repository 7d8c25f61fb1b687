// Optimistic effects: what an op does to the rows the screens read, computed on the phone
// the way the server's handler would (server/domain/work, server/domain/assets), so a
// technician sees "in progress" the moment they tap Start, offline. Pure: no IndexedDB,
// no clock, no randomness; the same op on the same rows always gives the same rows, which
// is what lets a pull rebase pending ops on fresh server rows (src/sync/rebase.js).
//
// A row is the wire row flattened: {type, id, version, ...data}. What the server keeps
// in other tables (notes, labour, parts, attachments, inspection results) is not part of
// the synced row, so a pending op shows it in a local list the screens may display as
// "waiting to sync": _notes, _labour, _parts, _attachments, _inspections. They vanish with
// the op's ack; the order's detail (client.cached) then has the server's copy.
//
// When the server would refuse the op (a role that may not send it, an illegal move, not
// the assignee, a retired asset), the effect leaves the row as it is: the refusal arrives
// in the inbox. Those rules are the server's own, generated into rules.js.
import RULES from './rules.js';
import { isDesk, maySend } from './roles.js';
import { STOCK_EFFECTS } from './stock-effects.js';
import { PATROL_EFFECTS } from './patrol-effects.js';
import { CLEANING_EFFECTS } from './cleaning-effects.js';
import { RATING_EFFECTS } from './ratings-effects.js';

/** @typedef {[string, string]} Key [type, id] */
/** @typedef {Record<string, any>} Row */
/** @typedef {{op_id: string, name: string, v?: number, args: Record<string, any>, client_time: string, hlc?: string}} OpLike */
/**
 * @typedef {object} Context
 * @property {{id: string, name?: string, roles?: string[]} | null | undefined} user the signed-in user
 * @property {(type: string, id: string) => Row | undefined} get a row the effect may consult
 */
/**
 * @typedef {object} Effect
 * @property {(args: Record<string, any>) => Key[]} touches rows the op writes
 * @property {(args: Record<string, any>, get: Context['get']) => Key[]} [needs] rows it reads
 * @property {(op: OpLike, row: Row | undefined, ctx: Context, key?: Key) => Row | undefined} apply the
 *   new row (undefined: none) from the current one; `key` says which, for an op that
 *   touches several (a stock issue: its balance and the order's part line)
 */

/** Minutes to arrive after dispatch and to complete after the report, by priority (docs/work-orders.md). */
export const SLA_MINUTES = RULES.sla_minutes;
/** @type {Record<string, {from: string[], to: string | null}>} */
const MOVES = RULES.moves;

/** @param {number} priority @param {'response' | 'resolution'} clock */
const slaMinutes = (priority, clock) =>
  (/** @type {Record<string, {response: number, resolution: number}>} */ (SLA_MINUTES)[priority] ?? SLA_MINUTES[3])[clock];

/**
 * @param {string} iso
 * @param {number} minutes
 */
function plusMinutes(iso, minutes) {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? null : new Date(at + minutes * 60_000).toISOString();
}

/**
 * Python's str.strip(), near enough for free text.
 * @param {unknown} text
 */
const strip = (text) => String(text ?? '').trim();

/**
 * A copy of the row with one more entry in a local list.
 * @param {Row} row
 * @param {string} list
 * @param {Record<string, unknown>} entry
 */
function append(row, list, entry) {
  return { ...row, [list]: [...(row[list] ?? []), entry] };
}

/** @param {Record<string, any>} args @returns {Key[]} */
const order = (args) => [['work_order', String(args.work_order_id)]];
/** @param {Record<string, any>} args @returns {Key[]} */
const asset = (args) => [['asset', String(args.asset_id)]];

/**
 * An effect on an existing work order, guarded like the server's workflow: the states the
 * action is allowed from, the state it moves to, and whether only the assignee (or the
 * desk) may take it, all from the server's rules.
 * @param {string} action a key of RULES.moves (work_order.<action>)
 * @param {(row: Row, op: OpLike, ctx: Context) => Row} [change]
 * @returns {Effect}
 */
function orderEffect(action, change) {
  const { from, to } = MOVES[action];
  const assignee = RULES.assignee_only.includes(action);
  return {
    touches: order,
    apply(op, row, ctx) {
      if (!row) return row;
      if (!from.includes(row.status)) return row;
      if (assignee && row.assignee_id && row.assignee_id !== ctx.user?.id && !isDesk(ctx.user)) return row;
      let next = to ? { ...row, status: to } : { ...row };
      if (change) next = change(next, op, ctx);
      return next;
    },
  };
}

/** @type {Record<string, Effect>} */
const EFFECTS = {
  'work_order.report': {
    touches: order,
    needs(args, get) {
      /** @type {Key[]} */
      const keys = [];
      if (args.asset_id) keys.push(['asset', String(args.asset_id)]);
      const assetRow = args.asset_id ? get('asset', String(args.asset_id)) : undefined;
      const locationId = args.asset_id ? assetRow?.location_id : args.location_id;
      if (locationId) keys.push(['location', String(locationId)]);
      return keys;
    },
    apply(op, row, { user, get }) {
      if (row) return row; // the server's row wins: reported before, or pulled ahead of the ack
      const a = op.args;
      const assetRow = a.asset_id ? get('asset', String(a.asset_id)) : undefined;
      // As workflow.report: an asset's own location wins over the one named in args.
      const locationId = a.asset_id ? assetRow?.location_id ?? a.location_id ?? null : a.location_id ?? null;
      const location = locationId ? get('location', String(locationId)) : undefined;
      const priority = a.priority ?? 3;
      const at = op.client_time;
      return {
        type: 'work_order',
        id: String(a.work_order_id),
        version: 0,
        number: '', // allocated by the server
        kind: 'corrective',
        status: 'reported',
        priority,
        site_id: location?.site_id ?? assetRow?.site_id ?? null,
        asset_id: a.asset_id ?? null,
        location_id: locationId,
        department_id: location?.department_id || assetRow?.department_id || null,
        team_id: assetRow?.team_id ?? null,
        description: strip(a.description),
        reported_by_id: user?.id ?? null,
        reported_at: at,
        category: a.category || assetRow?.category || '',
        assignee_id: null,
        response_due_at: null,
        resolution_due_at: plusMinutes(at, slaMinutes(priority, 'resolution')),
        dispatched_at: null,
        arrived_at: null,
        completed_at: null,
        resolution: '',
        hold_reason: '',
        confirmed_at: null,
        confirmed_by_id: null,
        signature_sha256: null,
        rating: null,
        rating_comment: '',
        fixed: null,
        closed_at: null,
        response_breached: false,
        resolution_breached: false,
        created_at: at,
        updated_at: at,
        _attachments: (a.photos ?? []).map((sha256) => ({ sha256, kind: 'photo', caption: '', op_id: op.op_id })),
      };
    },
  },
  'work_order.dispatch': orderEffect('dispatch', (row, op) => ({
    ...row,
    team_id: op.args.team_id,
    assignee_id: row.team_id && row.team_id !== op.args.team_id ? null : row.assignee_id,
    dispatched_at: op.client_time,
    response_due_at: plusMinutes(op.client_time, slaMinutes(row.priority, 'response')),
  })),
  'work_order.assign': orderEffect('assign', (row, op) => ({ ...row, assignee_id: op.args.technician_id })),
  'work_order.accept': orderEffect('accept'),
  'work_order.start': orderEffect('start', (row, op) => ({ ...row, arrived_at: row.arrived_at ?? op.client_time })),
  'work_order.hold': orderEffect('hold', (row, op) => ({ ...row, hold_reason: String(op.args.reason ?? '').slice(0, 200) })),
  'work_order.resume': orderEffect('resume'),
  'work_order.complete': orderEffect('complete', (row, op) => ({
    ...row, completed_at: op.client_time, resolution: strip(op.args.resolution),
  })),
  // confirmed_by_id is the server's lookup of the employee number; keep what was typed.
  'work_order.confirm': orderEffect('confirm', (row, op) => append(
    { ...row, confirmed_at: op.client_time, signature_sha256: op.args.signature_sha256, _confirmed_by_employee_no: strip(op.args.employee_no) },
    '_attachments',
    { sha256: op.args.signature_sha256, kind: 'signature', caption: '', op_id: op.op_id },
  )),
  'work_order.rate': orderEffect('rate', (row, op) => ({
    ...row, rating: op.args.score, rating_comment: strip(op.args.comment), fixed: op.args.fixed, closed_at: op.client_time,
  })),
  'work_order.cancel': orderEffect('cancel'),
  'work_order.reopen': orderEffect('reopen', (row) => ({
    ...row, completed_at: null, confirmed_at: null, closed_at: null, rating: null, fixed: null,
  })),
  'work_order.log_labour': orderEffect('log_labour', (row, op) => append(row, '_labour', {
    minutes: op.args.minutes, grade: op.args.grade ?? 'technician', at: op.client_time, op_id: op.op_id,
  })),
  'work_order.add_part': {
    ...orderEffect('add_part', (row, op, { get }) => {
      const item = get('item', String(op.args.item_id));
      const unit = item?.unit_cost_cents ?? null;
      return append(row, '_parts', {
        item_id: op.args.item_id,
        quantity: op.args.quantity,
        unit_cost_cents: unit,
        cost_cents: unit === null ? null : unit * op.args.quantity,
        op_id: op.op_id,
      });
    }),
    needs: (args) => [['item', String(args.item_id)]],
  },
  'work_order.attach': orderEffect('attach', (row, op) => append(row, '_attachments', {
    sha256: op.args.sha256, kind: op.args.kind ?? 'photo', caption: op.args.caption ?? '', op_id: op.op_id,
  })),
  'work_order.note': orderEffect('note', (row, op, { user }) => append(row, '_notes', {
    text: strip(op.args.text), author_id: user?.id ?? null, author: user?.name ?? '', at: op.client_time, op_id: op.op_id,
  })),
  'work_order.inspect': orderEffect('inspect', (row, op) => append(row, '_inspections', {
    results: op.args.results, at: op.client_time, op_id: op.op_id,
  })),
  'asset.set_location': {
    touches: asset,
    needs: (args) => [['location', String(args.location_id)]],
    apply(op, row, { get }) {
      if (!row) return row;
      const location = get('location', String(op.args.location_id));
      // The server merges per field by clock; the phone's own newest edit is what it shows.
      return { ...row, location_id: op.args.location_id, site_id: location?.site_id ?? row.site_id };
    },
  },
  'asset.set_status': {
    touches: asset,
    apply(op, row) {
      if (!row || row.status === 'retired') return row; // retiring is the server's call: a conflict
      return { ...row, status: op.args.status };
    },
  },
  'asset.add_note': {
    touches: asset,
    apply(op, row, { user }) {
      if (!row) return row;
      // The very line server/domain/assets/ops.py appends, so the rebase after the ack is seamless.
      const line = `[${op.client_time} ${user?.name ?? ''}] ${strip(op.args.text)}`;
      return { ...row, notes: row.notes ? `${row.notes}\n${line}` : line };
    },
  },
  ...STOCK_EFFECTS,
  ...PATROL_EFFECTS,
  ...CLEANING_EFFECTS,
  ...RATING_EFFECTS,
};

/** @param {string} type @param {string} id */
export const keyOf = (type, id) => `${type}:${id}`;

/**
 * The rows an op writes; none for an op this app does not know.
 * @param {{name: string, args: Record<string, any>}} op
 * @returns {Key[]}
 */
export function touches(op) {
  const effect = EFFECTS[op.name];
  return effect ? effect.touches(op.args ?? {}) : [];
}

/**
 * The rows an op consults besides those it writes. Called again with more rows known
 * until it asks for nothing new (a report's location comes from its asset).
 * @param {{name: string, args: Record<string, any>}} op
 * @param {Context['get']} get
 * @returns {Key[]}
 */
export function needs(op, get) {
  const effect = EFFECTS[op.name];
  return effect?.needs ? effect.needs(op.args ?? {}, get) : [];
}

/**
 * The new value of one touched row (called once per key of `touches`: most ops touch one
 * row; a stock issue to an order touches its balance and the order, a transfer two balances).
 * @param {OpLike} op
 * @param {Key} key
 * @param {Row | undefined} row the current row (undefined: none)
 * @param {Context} ctx
 * @returns {Row | undefined}
 */
export function applyEffect(op, key, row, ctx) {
  const effect = EFFECTS[op.name];
  if (!effect) return row;
  // A role the server refuses (`forbidden`) changes nothing; an unknown sender is not judged.
  if (ctx.user && !maySend(ctx.user, op.name, op.v ?? 1)) return row;
  return effect.apply(op, row, ctx, key);
}

/** @param {string} name */
export const hasEffect = (name) => Object.hasOwn(EFFECTS, name);
