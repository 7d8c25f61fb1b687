// Receive stock into a store: scan the item (a GS1 code fills its lot and expiry; a GTIN
// alone names the item), scan or choose the bin, say how many (and the delivery's unit
// price, when known), Receive. Scans follow one another: each is confirmed by a beep and a
// line, and the form keeps the bin for the next item. Offline: the receipt is an op, its
// balance and a new lot appear on the phone at once.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { empty, pageHead } from './common.js';
import { confirmScan, scanStream } from '../components/scan-stream.js';
import { addScanLine, nameScan, needsAttention } from '../stock-logic.js';
import { binSelect, args, doneList, quantityField, record, recordButton } from './stock-form.js';
import {
  rememberStore, rememberedStore, scanLineView, scanLookups, scanWarning, storeName, storeSelect, storesOf, warningLine,
} from './stock-common.js';
import { userError } from '../components/sheet.js';

/** @param {import('../router.js').ViewContext} ctx */
export default async function receiveView(ctx) {
  const { client, user, outlet, query } = ctx;
  const stores = (await storesOf(client, user));
  const store = stores.find((s) => s.id === query.get('store')) ?? rememberedStore(stores, user);
  const back = { href: '#/stock', label: t('stock.title') };
  if (!store) {
    mount(outlet, pageHead(t('receive.title'), { back }), empty(t('stock.no_store')));
    return;
  }
  const bin = await binSelect(client, store.id);
  const qty = quantityField();
  /** @type {any} */
  let item = null;
  let scanText = '';
  let symbologyId = '';
  /** @type {import('../stock-logic.js').ScanLine[]} */
  let lines = [];
  const lot = /** @type {HTMLInputElement} */ (h('input', { name: 'lot', maxlength: 20, autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false' }));
  const expiry = /** @type {HTMLInputElement} */ (h('input', { name: 'expiry', type: 'date' }));
  const cost = /** @type {HTMLInputElement} */ (h('input', { name: 'unit_cost', type: 'number', inputmode: 'decimal', min: 0, step: '0.01' }));
  const picked = h('p', { class: 'picked', 'aria-live': 'polite' }, t('part.none_chosen'));
  const warning = h('div');
  const scanned = h('ol', { class: 'scan-lines', 'aria-label': t('stock.scanned') });
  const done = doneList();

  const paint = () => mount(scanned, lines.slice(0, 5).map((line) => scanLineView(line)));

  const stream = scanStream({
    hint: t('receive.hint'),
    onRepeat: (text) => {
      lines = addScanLine(lines, { at: Date.now(), kind: 'repeat', text });
      paint();
    },
    onScan: async (scan, event) => {
      const named = await nameScan(scan, scanLookups(client, store.id));
      if (!ctx.alive()) return;
      /** @type {any} */
      let line = { at: Date.now(), kind: named.kind, text: named.text };
      if (named.kind === 'item') {
        item = named.item;
        scanText = String(event?.text ?? '').slice(0, 300);
        symbologyId = String(event?.symbologyId ?? '').slice(0, 3);
        lot.value = named.lot ?? '';
        expiry.value = named.expiry ?? '';
        const w = await scanWarning(client, item.id, named.lot, named.expiry);
        mount(picked, h('strong', null, item.name), ' ', h('span', { class: 'muted' }, `${item.code} · ${t('part.unit', { unit: item.unit })}`));
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

  const submit = recordButton(t('receive.submit'), async () => {
    if (!item) throw userError(t('receive.scan_first'));
    const quantity = qty.value();
    const lotCode = lot.value.trim() || null;
    const costCents = cost.value.trim() === '' ? null : Math.round(Number(cost.value) * 100);
    await record(ctx, 'stock.receive', args({
      movement_id: crypto.randomUUID(), store_id: store.id, item_id: item.id, quantity,
      bin_id: bin.value(), lot: lotCode, expiry: expiry.value || null,
      unit_cost_cents: costCents !== null && Number.isFinite(costCents) && costCents >= 0 ? costCents : null,
      scan: scanText, symbology_id: symbologyId,
    }));
    confirmScan(true);
    const where = [store.code, bin.code(bin.value())].filter(Boolean).join(' · ');
    done.add(t('receive.done', { n: quantity, item: item.name, where }),
      lotCode ? h('span', { class: 'small' }, t('stock.lot', { lot: lotCode })) : null);
    item = null;
    scanText = '';
    lot.value = '';
    expiry.value = '';
    cost.value = '';
    qty.reset();
    mount(picked, t('part.none_chosen'));
    mount(warning);
  });

  mount(outlet,
    pageHead(t('receive.title'), { back, sub: h('p', { class: 'muted' }, storeName(store)) }),
    stores.length > 1 && storeSelect(stores, store, (id) => {
      rememberStore(user, id);
      ctx.navigate(`/stock/receive?store=${id}`, { replace: true });
    }),
    stream.el,
    scanned,
    h('div', { class: 'picked-box' }, h('p', { class: 'label' }, t('stock.item')), picked, warning),
    h('div', { class: 'pair' }, h('label', null, t('stock.lot_label'), lot), h('label', null, t('stock.expiry_label'), expiry)),
    bin.el,
    qty.el,
    h('label', null, t('receive.unit_cost'), cost),
    submit.el,
    done.el);
}
