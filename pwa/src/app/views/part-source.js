// Where a technician's part comes from: the van they hold (a store of kind van whose holder
// is them, from the phone's rows), else the store of the order's site. The part line is
// then a stock.issue to the order, from that store, of the lot first to expire (or the lot
// the scan named), priced by the server at the item's moving average cost. With no store
// on the phone, or a role that may not issue, the sheet falls back to work_order.add_part.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { maySend } from '../../shared/roles.js';
import { localToday, lotWarning, pickBalance } from '../stock-logic.js';
import { issuingStore, itemStock, storeName, warningLine } from './stock-common.js';

/**
 * @param {any} ctx
 * @param {string} orderId
 * @returns {Promise<null | {el: HTMLElement, show: (item: any, lot: string | null) => Promise<void>,
 *   args: (item: any, quantity: number, lot: string | null, scan: string) => Record<string, unknown>}>}
 */
export async function partSource(ctx, orderId) {
  if (!maySend(ctx.user, 'stock.issue')) return null;
  const order = await ctx.client.get('work_order', orderId);
  const store = await issuingStore(ctx.client, ctx.user, order?.site_id ?? null);
  if (!store) return null;
  /** @type {any} */
  let balance = null;
  /** @type {any} */
  let lotRow = null;
  const detail = h('div', { class: 'small', 'aria-live': 'polite' });
  const el = h('div', { class: ['picked-box', 'part-source'] },
    h('p', { class: 'label' }, t('part.from')),
    h('p', { class: 'source-name' }, h('strong', null, storeName(store))),
    detail);
  return {
    el,
    async show(item, lot) {
      const { balances, lots } = await itemStock(ctx.client, item.id, store.id);
      balance = pickBalance(balances, lots, localToday(), lot);
      lotRow = balance?.lot_id ? lots.get(balance.lot_id) : null;
      const held = balances.reduce((sum, b) => sum + (Number(b.on_hand) || 0), 0);
      mount(detail,
        h('p', { class: 'muted' }, t('part.in_store', { n: held })),
        lotRow && h('p', null, t('part.lot_fefo', { lot: lotRow.lot, date: lotRow.expiry ?? '—' })),
        warningLine(lotWarning(lotRow, null, localToday())),
        held <= 0 && h('p', { class: 'warn-text' }, t('part.none_in_store')));
    },
    args(item, quantity, lot, scan) {
      /** @type {Record<string, unknown>} */
      const out = {
        movement_id: crypto.randomUUID(), store_id: store.id, item_id: item.id, quantity, work_order_id: orderId,
      };
      if (balance?.bin_id) out.bin_id = balance.bin_id;
      const code = lotRow?.lot ?? lot;
      if (code) out.lot = code;
      if (scan) out.scan = scan;
      return out;
    },
  };
}
