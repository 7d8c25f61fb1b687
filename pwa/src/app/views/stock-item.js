// Look up an item: found by a scan or by name or code (#/stock/items), then its card
// (#/stock/items/<id>): code, unit, cost, GTINs; its lots with expiry and recall; what
// each store and bin on this phone holds of it. Read from the phone only.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { byId, empty, pageHead } from './common.js';
import { confirmScan, scanStream } from '../components/scan-stream.js';
import { localToday, lotWarning, nameScan } from '../stock-logic.js';
import { itemStock, money, scanLookups, storeName, warningLine } from './stock-common.js';

/** @param {import('../router.js').ViewContext} ctx */
async function searchView(ctx) {
  const { client, outlet } = ctx;
  const items = [...(await byId(client, 'item')).values()];
  const search = /** @type {HTMLInputElement} */ (h('input', { type: 'search', autocomplete: 'off', spellcheck: 'false', enterkeyhint: 'search', name: 'q' }));
  const results = h('ul', { class: 'pick-list', 'aria-live': 'polite' });
  search.addEventListener('input', () => {
    const q = search.value.trim().toLowerCase();
    if (q.length < 2) return mount(results);
    const found = items.filter((i) => i.name.toLowerCase().includes(q) || i.code.toLowerCase().includes(q) || (i.gtins || []).some((/** @type {string} */ g) => g.includes(q))).slice(0, 12);
    mount(results, found.length
      ? found.map((i) => h('li', null, h('a', { class: ['button', 'pick'], href: `#/stock/items/${i.id}` }, h('span', null, i.name), h('span', { class: 'small muted' }, i.code))))
      : h('li', { class: 'muted' }, t('part.no_match')));
  });
  const stream = scanStream({
    hint: t('lookup.hint'),
    onScan: async (scan) => {
      const named = await nameScan(scan, scanLookups(client, null));
      if (!ctx.alive()) return;
      if (named.kind === 'item') {
        confirmScan(true);
        ctx.navigate(`/stock/items/${named.item.id}${named.lot ? `?lot=${encodeURIComponent(named.lot)}` : ''}`);
      } else {
        confirmScan(false);
        stream.status(t('stock.line_unknown', { code: named.text }));
      }
    },
  });
  ctx.onCleanup(() => stream.dispose());
  mount(outlet,
    pageHead(t('lookup.title'), { back: { href: '#/stock', label: t('stock.title') } }),
    stream.el,
    h('label', null, t('part.search'), search),
    results);
}

/** @param {import('../router.js').ViewContext} ctx */
async function itemView(ctx) {
  const { client, outlet, params, query } = ctx;
  const back = { href: '#/stock/items', label: t('lookup.title') };
  async function render() {
    const item = await client.get('item', params.id);
    if (!ctx.alive()) return;
    if (!item) {
      mount(outlet, pageHead(t('lookup.title'), { back }), empty(t('lookup.unknown')));
      return;
    }
    const { balances, lots } = await itemStock(client, item.id);
    const stores = await byId(client, 'store');
    const bins = await client.getMany('bin', balances.map((b) => b.bin_id));
    if (!ctx.alive()) return;
    const today = localToday();
    const lotList = [...lots.values()].sort((a, b) => String(a.expiry ?? '9999').localeCompare(String(b.expiry ?? '9999')));
    const byStore = new Map();
    for (const b of balances) byStore.set(b.store_id, [...(byStore.get(b.store_id) ?? []), b]);
    const scannedLot = query.get('lot');
    mount(outlet,
      pageHead(item.name, { back, eyebrow: item.code }),
      h('dl', { class: ['facts', 'card'] },
        h('dt', null, t('lookup.unit')), h('dd', null, item.unit),
        h('dt', null, t('lookup.cost')), h('dd', null, money(item.unit_cost_cents)),
        h('dt', null, t('lookup.gtins')), h('dd', null, (item.gtins ?? []).join(', ') || '—')),
      h('h2', null, t('lookup.on_hand')),
      byStore.size
        ? h('ul', { class: 'cards' }, [...byStore].map(([storeId, rows]) => h('li', { class: 'card' },
          h('p', null, h('strong', null, storeName(stores.get(storeId))), ' ',
            h('span', { class: 'count-inline' }, t('stock.on_hand_here', { n: rows.reduce((/** @type {number} */ s, /** @type {any} */ r) => s + Number(r.on_hand || 0), 0) }))),
          h('ul', { class: 'plain' }, rows.map((/** @type {any} */ r) => h('li', { class: Number(r.on_hand) < 0 ? 'warn-text' : null },
            [r.bin_id ? t('stock.in_bin', { code: bins.get(r.bin_id)?.code ?? '?' }) : t('stock.no_bin'),
              r.lot_id ? t('stock.lot', { lot: lots.get(r.lot_id)?.lot ?? '?' }) : null,
              t('stock.on_hand_here', { n: r.on_hand }), r._pending ? t('lookup.waiting') : null].filter(Boolean).join(' · ')))))))
        : empty(t('lookup.none_here')),
      h('h2', null, t('lookup.lots')),
      lotList.length
        ? h('ul', { class: 'cards' }, lotList.map((lot) => h('li', { class: ['card', lot.lot === scannedLot ? 'scanned' : null] },
          h('p', null, h('strong', null, t('stock.lot', { lot: lot.lot })), ' ', lot.expiry ? t('stock.expiry', { date: lot.expiry }) : t('lookup.no_expiry')),
          warningLine(lotWarning(lot, null, today)))))
        : empty(t('lookup.no_lots')));
  }
  await render();
  ctx.onChange(['item', 'stock_balance', 'stock_lot', 'store', 'bin'], render);
}

/** @param {import('../router.js').ViewContext} ctx */
export default function lookupView(ctx) {
  return ctx.params.id ? itemView(ctx) : searchView(ctx);
}
