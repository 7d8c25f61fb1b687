// The storekeeper's home: the store worked from, the jobs (receive, issue, count a bin, look
// up an item), and continuous scan mode: scan after scan from the camera or a wedge, each
// confirmed by a beep, a vibration and a line that names the item, its lot and expiry, what
// this store holds of it, and any warning; a code that names nothing known says so. Below,
// the store's balances below zero: offline issues that took more than the shelf held.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { empty, pageHead } from './common.js';
import { scanStream, confirmScan } from '../components/scan-stream.js';
import { addScanLine, nameScan, needsAttention } from '../stock-logic.js';
import {
  itemStock, rememberStore, rememberedStore, scanLineView, scanLookups, scanWarning, storeSelect, storesOf,
} from './stock-common.js';

/** @param {import('../router.js').ViewContext} ctx */
export default async function stockView(ctx) {
  const { client, user, outlet } = ctx;
  const stores = await storesOf(client, user);
  let store = rememberedStore(stores, user);
  /** @type {import('../stock-logic.js').ScanLine[]} */
  let lines = [];
  const list = h('ol', { class: 'scan-lines', 'aria-live': 'polite', 'aria-label': t('stock.scanned') });
  const below = h('section', { 'aria-labelledby': 'below-h' });

  const paintLines = () => mount(list, lines.map((line) => scanLineView(line, {
    onOpen: (l) => ctx.navigate(`/stock/items/${l.itemId}`),
    extra: line.kind === 'item' && line.onHand !== undefined ? h('span', { class: 'small' }, t('stock.on_hand_here', { n: line.onHand })) : null,
  })));

  const stream = scanStream({
    onRepeat: (text) => {
      lines = addScanLine(lines, { at: Date.now(), kind: 'repeat', text });
      paintLines();
    },
    onScan: async (scan) => {
      const named = await nameScan(scan, scanLookups(client, store?.id ?? null));
      if (!ctx.alive()) return;
      /** @type {any} */
      let line;
      if (named.kind === 'item') {
        const { balances } = await itemStock(client, named.item.id, store?.id ?? null);
        line = {
          at: Date.now(), kind: 'item', text: named.text, itemId: named.item.id, title: `${named.item.name} (${named.item.code})`,
          lot: named.lot, expiry: named.expiry, warning: await scanWarning(client, named.item.id, named.lot, named.expiry),
          onHand: balances.reduce((sum, b) => sum + (Number(b.on_hand) || 0), 0),
        };
      } else if (named.kind === 'bin') {
        line = { at: Date.now(), kind: 'bin', text: named.text, title: named.bin.code };
      } else {
        line = { at: Date.now(), kind: 'unknown', text: named.text };
      }
      lines = addScanLine(lines, line);
      confirmScan(!needsAttention(lines[0]));
      paintLines();
    },
  });
  ctx.onCleanup(() => stream.dispose());

  async function paintBelow() {
    if (!store) return mount(below);
    const rows = /** @type {any[]} */ ((await client.findBy('store_id', store.id)).filter((r) => r.type === 'stock_balance' && Number(r.on_hand) < 0));
    const items = await client.getMany('item', rows.map((r) => r.item_id));
    if (!ctx.alive()) return;
    mount(below,
      h('h2', { id: 'below-h' }, t('stock.below_zero'), ' ', h('span', { class: 'count-inline' }, `(${rows.length})`)),
      rows.length
        ? h('ul', { class: 'cards' }, rows.map((r) => h('li', null,
          h('a', { class: ['order-card', 'p2'], href: `#/stock/items/${r.item_id}` },
            h('span', { class: 'order-title' }, items.get(r.item_id)?.name ?? '?'),
            h('span', { class: 'warn-text' }, t('stock.on_hand_here', { n: r.on_hand })),
            h('span', { class: 'small muted' }, t('stock.below_zero_hint'))))))
        : empty(t('stock.below_zero_none')));
  }

  const q = store ? `?store=${store.id}` : '';
  mount(outlet,
    pageHead(t('stock.title'), { sub: h('p', { class: 'muted' }, t('orders.hello', { name: user.name })) }),
    stores.length
      ? storeSelect(stores, store, (id) => {
        store = stores.find((s) => s.id === id) ?? store;
        rememberStore(user, id);
        ctx.navigate('/stock', { replace: true });
      })
      : empty(t('stock.no_store')),
    h('nav', { class: ['tools', 'stock-jobs'], 'aria-label': t('stock.jobs') },
      h('a', { class: ['button', 'primary'], href: `#/stock/receive${q}` }, t('stock.receive')),
      h('a', { class: 'button', href: `#/stock/issue${q}` }, t('stock.issue')),
      h('a', { class: 'button', href: `#/stock/count${q}` }, t('stock.count')),
      h('a', { class: 'button', href: '#/stock/items' }, t('stock.lookup')),
      h('a', { class: 'button', href: `#/stock/move?kind=return${q ? `&${q.slice(1)}` : ''}` }, t('stock.move'))),
    h('h2', null, t('stock.scan_mode')),
    stream.el,
    list,
    below);
  paintLines();
  await paintBelow();
  ctx.onChange(['stock_balance'], paintBelow);
}
