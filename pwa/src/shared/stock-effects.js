// The stock ops' optimistic effects (server/domain/stock): what a receipt, an issue, a
// return, a transfer, an adjustment and a count line do to the rows the phone holds.
// Balances are the server's rows `stock_balance:<id>`, their ids derived as the server
// derives them (stock-ids.js), so an offline issue lowers the very row the server will.
// A balance may go below zero: two phones may each issue the last unit offline, and both
// happened. The server keeps both and opens an exception for the storekeeper; the phone
// shows the negative balance, never refuses. Pure, like effects.js.
import RULES from './rules.js';
import { isDesk } from './roles.js';
import { balanceId, lotId } from './stock-ids.js';

/** A part line lands on an order in the states work_order.add_part is allowed from. */
const PART_FROM = new Set(RULES.moves.add_part.from);
const PART_ASSIGNEE_ONLY = RULES.assignee_only.includes('add_part');

/** @typedef {import('./effects.js').Key} Key */
/** @typedef {import('./effects.js').Row} Row */
/** @typedef {import('./effects.js').OpLike} OpLike */
/** @typedef {import('./effects.js').Context} Context */
/** @typedef {import('./effects.js').Effect} Effect */

/** The lot row's id of an op's printed lot code, or null. */
const lotOf = (/** @type {string} */ itemId, /** @type {unknown} */ lot) => (lot ? lotId(String(itemId), String(lot)) : null);

/**
 * The balance a movement lands on.
 * @param {string} storeId
 * @param {string | null | undefined} binId
 * @param {Record<string, any>} args
 * @returns {Key}
 */
export function balanceKey(storeId, binId, args) {
  return ['stock_balance', balanceId(String(storeId), binId ? String(binId) : null, String(args.item_id), lotOf(args.item_id, args.lot))];
}

/**
 * The balance row after `delta` units, made when the phone has none yet (the server makes
 * it on its first movement, with the same id).
 * @param {Row | undefined} row
 * @param {Key} key
 * @param {{store_id: string, bin_id?: string | null, item_id: string, lot?: string | null}} place
 * @param {number} delta
 * @param {Context} ctx
 * @returns {Row}
 */
function moved(row, key, place, delta, ctx) {
  const base = row ?? {
    type: 'stock_balance',
    id: key[1],
    version: 0,
    store_id: place.store_id,
    site_id: ctx.get('store', String(place.store_id))?.site_id ?? null,
    bin_id: place.bin_id ?? null,
    item_id: place.item_id,
    lot_id: lotOf(place.item_id, place.lot),
    on_hand: 0,
  };
  return { ...base, on_hand: (Number(base.on_hand) || 0) + delta };
}

/** @param {Record<string, any>} args @returns {Key[]} */
const stores = (args) => [args.store_id, args.from_store_id, args.to_store_id]
  .filter(Boolean).map((id) => /** @type {Key} */ (['store', String(id)]));

/** @param {Record<string, any>} args @returns {Key[]} */
const here = (args) => [balanceKey(args.store_id, args.bin_id, args)];

/**
 * A part line on the order, as work_order.add_part's effect writes it: priced at the item's
 * cost (the server's moving average, as the phone last pulled it).
 * @param {Row} row
 * @param {OpLike} op
 * @param {Context} ctx
 * @param {number} sign +1 issued to the order, -1 returned from it
 */
function partLine(row, op, ctx, sign) {
  // As the server's part line (the workflow's add_part): the order's state and assignee
  // decide; refused there, the op comes back as a conflict and the order stays as it is.
  if (!PART_FROM.has(row.status)) return row;
  if (PART_ASSIGNEE_ONLY && row.assignee_id && row.assignee_id !== ctx.user?.id && !isDesk(ctx.user)) return row;
  const item = ctx.get('item', String(op.args.item_id));
  const unit = item?.unit_cost_cents ?? null;
  const quantity = sign * op.args.quantity;
  const line = {
    item_id: op.args.item_id,
    quantity,
    unit_cost_cents: unit,
    cost_cents: unit === null ? null : unit * quantity,
    store_id: op.args.store_id,
    lot: op.args.lot ?? null,
    op_id: op.op_id,
  };
  return { ...row, _parts: [...(row._parts ?? []), line] };
}

/**
 * A movement into or out of one place, and for an issue or return naming a work order its
 * part line on the order.
 * @param {1 | -1} sign
 * @returns {Effect}
 */
function placeMovement(sign) {
  return {
    touches: (args) => [...here(args), ...(args.work_order_id ? [/** @type {Key} */ (['work_order', String(args.work_order_id)])] : [])],
    needs: (args) => [...stores(args), ['item', String(args.item_id)]],
    apply(op, row, ctx, key) {
      if (key?.[0] === 'work_order') return row ? partLine(row, op, ctx, sign === -1 ? 1 : -1) : row;
      return moved(row, /** @type {Key} */ (key), op.args, sign * op.args.quantity, ctx);
    },
  };
}

/** @type {Record<string, Effect>} */
export const STOCK_EFFECTS = {
  'stock.receive': {
    touches: (args) => [...here(args), ...(args.lot ? [/** @type {Key} */ (['stock_lot', lotId(String(args.item_id), String(args.lot))])] : [])],
    needs: stores,
    apply(op, row, ctx, key) {
      const a = op.args;
      if (key?.[0] === 'stock_lot') {
        // As ledger.find_or_create_lot: made on first sight; an expiry fills one unknown.
        if (row) return row.expiry || !a.expiry ? row : { ...row, expiry: a.expiry };
        return {
          type: 'stock_lot', id: key[1], version: 0, item_id: a.item_id, lot: String(a.lot),
          expiry: a.expiry ?? null, recalled_at: null, recall_reason: '',
        };
      }
      return moved(row, /** @type {Key} */ (key), a, a.quantity, ctx);
    },
  },
  'stock.issue': placeMovement(-1),
  'stock.return': placeMovement(1),
  'stock.transfer': {
    touches: (args) => [
      balanceKey(args.from_store_id, args.from_bin_id, args),
      balanceKey(args.to_store_id, args.to_bin_id, args),
    ],
    needs: stores,
    apply(op, row, ctx, key) {
      const a = op.args;
      const [out] = STOCK_EFFECTS['stock.transfer'].touches(a);
      const from = key?.[1] === out[1];
      const place = from
        ? { store_id: a.from_store_id, bin_id: a.from_bin_id, item_id: a.item_id, lot: a.lot }
        : { store_id: a.to_store_id, bin_id: a.to_bin_id, item_id: a.item_id, lot: a.lot };
      return moved(row, /** @type {Key} */ (key), place, from ? -a.quantity : a.quantity, ctx);
    },
  },
  'stock.adjust': {
    touches: here,
    needs: stores,
    apply: (op, row, ctx, key) => moved(row, /** @type {Key} */ (key), op.args, Number(op.args.delta), ctx),
  },
  // A blind count line: kept on the stocktake as the phone's own list until the server has
  // it; it moves no balance (an approved stocktake writes the adjustments).
  'stock.count': {
    touches: (args) => [['stocktake', String(args.stocktake_id)]],
    apply(op, row) {
      if (!row || row.status !== 'counting') return row;
      const a = op.args;
      const line = { line_id: a.line_id, bin_id: a.bin_id ?? null, item_id: a.item_id, lot: a.lot ?? null, counted: a.counted, at: op.client_time, op_id: op.op_id };
      return { ...row, _lines: [...(row._lines ?? []), line] };
    },
  },
};
