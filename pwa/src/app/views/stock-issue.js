// Issue stock from a store: to a work order on this phone, or to a department. Scan the
// item; the lot to take is suggested first expiry, first out, among the lots this store
// holds, and a scanned lot that is expired or recalled is warned at the scan (never
// refused: the part may be in hand already). Offline the issue is an op: the balance drops
// at once, below zero when the shelf held less than the phone knew (the storekeeper sees it).
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { OPEN, empty, orderNumber, pageHead } from './common.js';
import { confirmScan, scanStream } from '../components/scan-stream.js';
import { addScanLine, fefo, localToday, lotWarning, nameScan, needsAttention } from '../stock-logic.js';
import { args, doneList, quantityField, record, recordButton } from './stock-form.js';
import {
  itemStock, rememberStore, rememberedStore, scanLineView, scanLookups, storeName, storeSelect, storesOf, warningLine,
} from './stock-common.js';
import { userError } from '../components/sheet.js';
import { lotId } from '../../shared/stock-ids.js';

/**
 * The lots (balances) of an item in a store as choices, FEFO's pick first and marked.
 * @param {any} client
 * @param {any} item
 * @param {string} storeId
 * @param {string | null} scannedLot
 */
export async function lotChoices(client, item, storeId, scannedLot) {
  const { balances, lots } = await itemStock(client, item.id, storeId);
  const today = localToday();
  const best = fefo(balances, lots, today);
  const bins = new Map((await client.findBy('store_id', storeId)).filter((/** @type {any} */ r) => r.type === 'bin').map((/** @type {any} */ b) => [b.id, b.code]));
  const choices = balances
    .filter((b) => Number(b.on_hand) > 0 || (scannedLot && lots.get(b.lot_id)?.lot === scannedLot))
    .map((b) => {
      const lot = b.lot_id ? lots.get(b.lot_id) : null;
      return { balance: b, lot, bin: b.bin_id ? bins.get(b.bin_id) ?? '?' : null, warning: lotWarning(lot, null, today), suggested: best?.balance.id === b.id };
    })
    .sort((a, b) => Number(b.suggested) - Number(a.suggested) || String(a.lot?.expiry ?? '9999').localeCompare(String(b.lot?.expiry ?? '9999')));
  return { choices, best };
}

/** A choice's words: lot, expiry, bin, on hand. */
export function choiceText(/** @type {any} */ c) {
  return [
    c.lot ? t('stock.lot', { lot: c.lot.lot }) : t('stock.no_lot'),
    c.lot?.expiry && t('stock.expiry', { date: c.lot.expiry }),
    c.bin && t('stock.in_bin', { code: c.bin }),
    t('stock.on_hand_here', { n: c.balance.on_hand }),
    c.suggested && t('stock.fefo'),
  ].filter(Boolean).join(' · ');
}

/** @param {import('../router.js').ViewContext} ctx */
export default async function issueView(ctx) {
  const { client, user, outlet, query } = ctx;
  const stores = await storesOf(client, user);
  const store = stores.find((s) => s.id === query.get('store')) ?? rememberedStore(stores, user);
  const back = { href: '#/stock', label: t('stock.title') };
  if (!store) {
    mount(outlet, pageHead(t('issue.title'), { back }), empty(t('stock.no_store')));
    return;
  }
  const orders = /** @type {any[]} */ (await client.list('work_order', (/** @type {any} */ o) => OPEN.has(o.status) || o.status === 'completed'));
  const departments = /** @type {any[]} */ (await client.list('department')).sort((a, b) => String(a.name).localeCompare(String(b.name)));
  const toOrder = /** @type {HTMLSelectElement} */ (h('select', { name: 'work_order' },
    h('option', { value: '' }, t('issue.choose_order')),
    orders.map((o) => h('option', { value: o.id, selected: o.id === query.get('order') }, `${orderNumber(o)} · ${o.description || ''}`.slice(0, 80)))));
  const toDept = /** @type {HTMLSelectElement} */ (h('select', { name: 'department' },
    h('option', { value: '' }, t('issue.choose_department')),
    departments.map((d) => h('option', { value: d.id }, d.name))));
  const qty = quantityField();
  /** @type {any} */
  let item = null;
  let scanText = '';
  /** @type {any[]} */
  let choices = [];
  const lotSelect = /** @type {HTMLSelectElement} */ (h('select', { name: 'lot' }));
  const picked = h('p', { class: 'picked', 'aria-live': 'polite' }, t('part.none_chosen'));
  const warning = h('div');
  /** @type {import('../stock-logic.js').ScanLine[]} */
  let lines = [];
  const scanned = h('ol', { class: 'scan-lines', 'aria-label': t('stock.scanned') });
  const done = doneList();
  const paint = () => mount(scanned, lines.slice(0, 5).map((line) => scanLineView(line)));

  const stream = scanStream({
    hint: t('issue.hint'),
    onRepeat: (text) => {
      lines = addScanLine(lines, { at: Date.now(), kind: 'repeat', text });
      paint();
    },
    onScan: async (scan, event) => {
      const named = await nameScan(scan, scanLookups(client, store.id));
      if (!ctx.alive()) return;
      /** @type {any} */
      let line = { at: Date.now(), kind: named.kind === 'bin' ? 'bin' : named.kind, text: named.text, title: named.kind === 'bin' ? named.bin.code : undefined };
      if (named.kind === 'item') {
        item = named.item;
        scanText = String(event?.text ?? '').slice(0, 300);
        const found = await lotChoices(client, item, store.id, named.lot);
        choices = found.choices;
        mount(lotSelect, choices.length
          ? choices.map((c, i) => h('option', { value: String(i) }, choiceText(c)))
          : h('option', { value: '' }, t('stock.no_lot')));
        const scannedAt = named.lot ? choices.findIndex((c) => c.lot?.lot === named.lot) : -1;
        if (scannedAt >= 0) lotSelect.value = String(scannedAt);
        const scannedLot = scannedAt >= 0 ? choices[scannedAt].lot : named.lot ? await client.get('stock_lot', lotId(item.id, named.lot)) : null;
        const w = named.lot || named.expiry ? lotWarning(scannedLot, named.expiry, localToday()) : null;
        const better = named.lot && found.best && found.best.lot.lot !== named.lot ? t('issue.fefo_other', { lot: found.best.lot.lot, date: found.best.lot.expiry ?? '—' }) : null;
        mount(picked, h('strong', null, item.name), ' ', h('span', { class: 'muted' }, item.code));
        mount(warning, warningLine(w), better && h('p', { class: 'small' }, better));
        line = { ...line, itemId: item.id, title: item.name, lot: named.lot, expiry: named.expiry, warning: w };
      }
      lines = addScanLine(lines, line);
      confirmScan(!needsAttention(lines[0]));
      paint();
    },
  });
  ctx.onCleanup(() => stream.dispose());

  const submit = recordButton(t('issue.submit'), async () => {
    if (!item) throw userError(t('issue.scan_first'));
    const orderId = toOrder.value || null;
    const departmentId = orderId ? null : toDept.value || null;
    if (!orderId && !departmentId) throw userError(t('issue.choose_to'));
    const choice = choices[Number(lotSelect.value)] ?? null;
    const quantity = qty.value();
    await record(ctx, 'stock.issue', args({
      movement_id: crypto.randomUUID(), store_id: store.id, item_id: item.id, quantity,
      bin_id: choice?.balance.bin_id ?? null, lot: choice?.lot?.lot ?? null,
      work_order_id: orderId, department_id: departmentId, scan: scanText,
    }));
    confirmScan(true);
    const to = orderId ? orderNumber(orders.find((o) => o.id === orderId)) : departments.find((d) => d.id === departmentId)?.name;
    const after = choice ? Number(choice.balance.on_hand) - quantity : null;
    done.add(t('issue.done', { n: quantity, item: item.name, to: to ?? '?' }),
      after !== null && after < 0 ? h('span', { class: 'warn-text' }, t('stock.went_below', { n: after })) : null);
    item = null;
    choices = [];
    mount(lotSelect);
    qty.reset();
    mount(picked, t('part.none_chosen'));
    mount(warning);
  });

  mount(outlet,
    pageHead(t('issue.title'), { back, sub: h('p', { class: 'muted' }, storeName(store)) }),
    stores.length > 1 && storeSelect(stores, store, (id) => {
      rememberStore(user, id);
      ctx.navigate(`/stock/issue?store=${id}`, { replace: true });
    }),
    h('fieldset', { class: 'issue-to' }, h('legend', null, t('issue.to')),
      h('label', null, t('issue.to_order'), toOrder),
      h('label', null, t('issue.to_department'), toDept)),
    stream.el,
    scanned,
    h('div', { class: 'picked-box' }, h('p', { class: 'label' }, t('stock.item')), picked, warning),
    h('label', null, t('issue.lot'), lotSelect),
    qty.el,
    submit.el,
    done.el);
}
