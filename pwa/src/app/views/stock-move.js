// Return, transfer and adjust (#/stock/move?kind=return|transfer|adjust): scan the item (a
// GS1 code names its lot), choose where from and to, how many, Record. A return brings
// unused stock back from a work order or a department; a transfer moves it to another
// store or bin (a van's restock); an adjustment corrects a balance up or down, with one of
// the server's reasons (rules.js). All are ops, offline like the rest.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { OPEN, empty, orderNumber, pageHead } from './common.js';
import { confirmScan, scanStream } from '../components/scan-stream.js';
import { ADJUST_REASONS, addScanLine, nameScan, needsAttention } from '../stock-logic.js';
import { args, binSelect, doneList, quantityField, record, recordButton } from './stock-form.js';
import { rememberedStore, scanLineView, scanLookups, scanWarning, storeName, storesOf, warningLine } from './stock-common.js';
import { userError } from '../components/sheet.js';

const KINDS = ['return', 'transfer', 'adjust'];

/** @param {import('../router.js').ViewContext} ctx */
export default async function moveView(ctx) {
  const { client, user, outlet, query } = ctx;
  const kind = KINDS.includes(query.get('kind') ?? '') ? /** @type {string} */ (query.get('kind')) : 'return';
  const stores = await storesOf(client, user);
  const store = stores.find((s) => s.id === query.get('store')) ?? rememberedStore(stores, user);
  const back = { href: '#/stock', label: t('stock.title') };
  const tabs = h('nav', { class: ['tools', 'move-kinds'], 'aria-label': t('move.kinds') }, KINDS.map((k) =>
    h('a', { class: ['button', k === kind ? 'primary' : null], href: `#/stock/move?kind=${k}${store ? `&store=${store.id}` : ''}`, 'aria-current': k === kind ? 'page' : null }, t(`move.${k}`))));
  if (!store) {
    mount(outlet, pageHead(t('move.title'), { back }), tabs, empty(t('stock.no_store')));
    return;
  }
  const bin = await binSelect(client, store.id);
  const qty = quantityField();
  /** @type {any} */
  let item = null;
  /** @type {string | null} */
  let lot = null;
  /** @type {import('../stock-logic.js').ScanLine[]} */
  let lines = [];
  const picked = h('p', { class: 'picked', 'aria-live': 'polite' }, t('part.none_chosen'));
  const warning = h('div');
  const scanned = h('ol', { class: 'scan-lines', 'aria-label': t('stock.scanned') });
  const done = doneList();
  const paint = () => mount(scanned, lines.slice(0, 5).map((line) => scanLineView(line)));

  // What each kind asks besides item, bin and quantity.
  const orders = /** @type {any[]} */ (await client.list('work_order', (/** @type {any} */ o) => OPEN.has(o.status) || o.status === 'completed'));
  const departments = /** @type {any[]} */ (await client.list('department')).sort((a, b) => String(a.name).localeCompare(String(b.name)));
  const fromOrder = /** @type {HTMLSelectElement} */ (h('select', { name: 'work_order' }, h('option', { value: '' }, t('issue.choose_order')),
    orders.map((o) => h('option', { value: o.id }, `${orderNumber(o)} · ${o.description || ''}`.slice(0, 80)))));
  const fromDept = /** @type {HTMLSelectElement} */ (h('select', { name: 'department' }, h('option', { value: '' }, t('issue.choose_department')),
    departments.map((d) => h('option', { value: d.id }, d.name))));
  const reasonText = /** @type {HTMLInputElement} */ (h('input', { name: 'reason', maxlength: 200, autocomplete: 'off' }));
  // A move may go to any store or van on the phone (a van's restock), not only the user's.
  const others = (/** @type {any[]} */ (await client.list('store'))).filter((s) => s.id !== store.id)
    .sort((a, b) => String(a.code).localeCompare(String(b.code)));
  const toStore = /** @type {HTMLSelectElement} */ (h('select', { name: 'to_store' }, h('option', { value: store.id }, storeName(store)),
    others.map((s) => h('option', { value: s.id }, storeName(s)))));
  const toBin = await binSelect(client, store.id);
  const direction = /** @type {HTMLSelectElement} */ (h('select', { name: 'direction' },
    h('option', { value: '-1' }, t('move.fewer')), h('option', { value: '1' }, t('move.more'))));
  const reason = /** @type {HTMLSelectElement} */ (h('select', { name: 'adjust_reason' },
    ADJUST_REASONS.map((/** @type {string} */ r) => h('option', { value: r }, t(`move.reason.${r}`)))));
  const note = /** @type {HTMLInputElement} */ (h('input', { name: 'note', maxlength: 200, autocomplete: 'off' }));
  const fields = {
    return: [h('label', null, t('move.from_order'), fromOrder), h('label', null, t('move.from_department'), fromDept), h('label', null, t('move.why'), reasonText)],
    transfer: [h('label', null, t('move.to_store'), toStore), h('label', null, t('move.to_bin'), toBin.select)],
    adjust: [h('label', null, t('move.direction'), direction), h('label', null, t('move.reason'), reason), h('label', null, t('move.note'), note)],
  }[kind];

  const stream = scanStream({
    onRepeat: (text) => {
      lines = addScanLine(lines, { at: Date.now(), kind: 'repeat', text });
      paint();
    },
    onScan: async (scan) => {
      const named = await nameScan(scan, scanLookups(client, store.id));
      if (!ctx.alive()) return;
      /** @type {any} */
      let line = { at: Date.now(), kind: named.kind, text: named.text };
      if (named.kind === 'item') {
        item = named.item;
        lot = named.lot;
        const w = await scanWarning(client, item.id, named.lot, named.expiry);
        mount(picked, h('strong', null, item.name), ' ', h('span', { class: 'muted' }, [item.code, lot && t('stock.lot', { lot })].filter(Boolean).join(' · ')));
        mount(warning, warningLine(w));
        line = { ...line, itemId: item.id, title: item.name, lot: named.lot, expiry: named.expiry, warning: w };
      } else if (named.kind === 'bin') {
        bin.set(named.bin.id);
        line = { ...line, title: named.bin.code };
      }
      lines = addScanLine(lines, line);
      confirmScan(!needsAttention(lines[0]));
      paint();
    },
  });
  ctx.onCleanup(() => stream.dispose());

  const submit = recordButton(t(`move.submit_${kind}`), async () => {
    if (!item) throw userError(t('issue.scan_first'));
    const quantity = qty.value();
    const base = { movement_id: crypto.randomUUID(), item_id: item.id, lot };
    if (kind === 'return') {
      if (fromOrder.value && fromDept.value) throw userError(t('move.one_source'));
      await record(ctx, 'stock.return', args({
        ...base, store_id: store.id, bin_id: bin.value(), quantity,
        work_order_id: fromOrder.value || null, department_id: fromDept.value || null, reason: reasonText.value.trim(),
      }));
    } else if (kind === 'transfer') {
      if (toStore.value === store.id && (toBin.value() ?? '') === (bin.value() ?? '')) throw userError(t('move.same_place'));
      await record(ctx, 'stock.transfer', args({
        ...base, quantity, from_store_id: store.id, from_bin_id: bin.value(), to_store_id: toStore.value, to_bin_id: toStore.value === store.id ? toBin.value() : null,
      }));
    } else {
      await record(ctx, 'stock.adjust', args({
        ...base, store_id: store.id, bin_id: bin.value(), delta: Number(direction.value) * quantity, reason: reason.value, note: note.value.trim(),
      }));
    }
    confirmScan(true);
    done.add(t(`move.done_${kind}`, { n: quantity, item: item.name }));
    item = null;
    lot = null;
    qty.reset();
    mount(picked, t('part.none_chosen'));
    mount(warning);
  });

  mount(outlet,
    pageHead(t('move.title'), { back, sub: h('p', { class: 'muted' }, storeName(store)) }),
    tabs,
    stream.el,
    scanned,
    h('div', { class: 'picked-box' }, h('p', { class: 'label' }, t('stock.item')), picked, warning),
    bin.el,
    fields,
    qty.el,
    submit.el,
    done.el);
}
