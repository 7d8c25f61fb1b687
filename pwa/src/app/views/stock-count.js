// Count a bin, blind: scan the bin's label, then every item in it (each scan counts one;
// the number can be corrected), and record the bin's count. What the ledger expects is
// never shown: the count says what is on the shelf. It needs a stocktake the desk opened
// for this store, pulled to the phone; the lines are ops, kept offline until they go.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { empty, pageHead } from './common.js';
import { confirmScan, scanStream } from '../components/scan-stream.js';
import { nameScan } from '../stock-logic.js';
import { args, doneList, record, recordButton } from './stock-form.js';
import { rememberStore, rememberedStore, scanLookups, storeName, storeSelect, storesOf } from './stock-common.js';
import { userError } from '../components/sheet.js';

/**
 * @typedef {{key: string, item: any, lot: string | null, input: HTMLInputElement}} CountLine
 */

/** @param {import('../router.js').ViewContext} ctx */
export default async function countView(ctx) {
  const { client, user, outlet, query } = ctx;
  const stores = await storesOf(client, user);
  const store = stores.find((s) => s.id === query.get('store')) ?? rememberedStore(stores, user);
  const back = { href: '#/stock', label: t('stock.title') };
  const head = pageHead(t('count.title'), { back, sub: store && h('p', { class: 'muted' }, storeName(store)) });
  const chooser = stores.length > 1 && storeSelect(stores, store, (id) => {
    rememberStore(user, id);
    ctx.navigate(`/stock/count?store=${id}`, { replace: true });
  });
  if (!store) {
    mount(outlet, head, empty(t('stock.no_store')));
    return;
  }
  const takes = /** @type {any[]} */ (await client.list('stocktake', (/** @type {any} */ s) => s.store_id === store.id && s.status === 'counting'));
  const take = takes[0];
  if (!take) {
    mount(outlet, head, chooser, empty(t('count.none_open')));
    ctx.onChange(['stocktake'], () => ctx.navigate(`/stock/count?store=${store.id}`, { replace: true }));
    return;
  }
  const allowed = new Set((take.bin_ids ?? []).map(String));
  /** @type {any} */
  let bin = null;
  /** @type {CountLine[]} */
  let lines = [];
  const binLine = h('p', { class: 'picked', 'aria-live': 'polite' }, t('count.scan_bin'));
  const list = h('ol', { class: 'count-lines', 'aria-label': t('count.lines') });
  const done = doneList();

  function paint() {
    mount(list, lines.map((line) => h('li', { class: 'count-line' },
      h('span', { class: 'scan-what' }, h('strong', null, line.item.name), line.lot && h('span', { class: 'small muted' }, t('stock.lot', { lot: line.lot }))),
      h('label', { class: 'count-n' }, h('span', { class: 'sr-only' }, t('count.counted_of', { item: line.item.name })), line.input))));
  }

  const stream = scanStream({
    hint: t('count.hint'),
    onScan: async (scan) => {
      const named = await nameScan(scan, scanLookups(client, store.id));
      if (!ctx.alive()) return;
      if (named.kind === 'bin') {
        if (allowed.size && !allowed.has(String(named.bin.id))) {
          stream.status(t('count.bin_not_in', { code: named.bin.code }));
          confirmScan(false);
          return;
        }
        if (bin && lines.length && bin.id !== named.bin.id) {
          stream.status(t('count.record_first', { code: bin.code }));
          confirmScan(false);
          return;
        }
        bin = named.bin;
        mount(binLine, h('strong', null, t('stock.line_bin', { code: bin.code })));
        stream.status(t('count.now_items'));
        confirmScan(true);
        return;
      }
      if (named.kind !== 'item') {
        stream.status(t('stock.line_unknown', { code: named.text }));
        confirmScan(false);
        return;
      }
      if (!bin) {
        stream.status(t('count.scan_bin'));
        confirmScan(false);
        return;
      }
      const key = `${named.item.id}|${named.lot ?? ''}`;
      const found = lines.find((l) => l.key === key);
      if (found) {
        found.input.value = String((Number(found.input.value) || 0) + 1);
      } else {
        const input = /** @type {HTMLInputElement} */ (h('input', { type: 'number', inputmode: 'numeric', min: 0, max: 1000000, step: 1, value: 1, name: `count-${lines.length}` }));
        lines = [{ key, item: named.item, lot: named.lot, input }, ...lines];
      }
      stream.status(t('count.scanned_item', { item: named.item.name }));
      confirmScan(true);
      paint();
    },
  });
  ctx.onCleanup(() => stream.dispose());

  const submit = recordButton(t('count.submit'), async () => {
    if (!bin) throw userError(t('count.scan_bin'));
    if (!lines.length) throw userError(t('count.nothing'));
    for (const line of [...lines].reverse()) {
      await record(ctx, 'stock.count', args({
        line_id: crypto.randomUUID(), stocktake_id: take.id, item_id: line.item.id,
        counted: Math.max(0, Math.floor(Number(line.input.value) || 0)), bin_id: bin.id, lot: line.lot,
      }));
    }
    confirmScan(true);
    done.add(t('count.done', { code: bin.code, n: lines.length }));
    bin = null;
    lines = [];
    mount(binLine, t('count.scan_bin'));
    paint();
  });

  const counted = (take._lines ?? []).length;
  mount(outlet, head, chooser,
    h('p', { class: 'note-box' }, t('count.blind')),
    counted > 0 && h('p', { class: 'small muted' }, t('count.lines_waiting', { n: counted })),
    stream.el,
    h('div', { class: 'picked-box' }, h('p', { class: 'label' }, t('stock.bin')), binLine),
    list,
    submit.el,
    done.el);
}
