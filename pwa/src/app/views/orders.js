// My work orders: the ones assigned to me first, then my team's open ones, most urgent
// first. With ?asset=<tag> (a scanned label naming several open orders), the open orders on
// that equipment instead. Read from the phone only; a sync re-renders it.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import {
  OPEN, empty, locationPath, orderNumber, pageHead, pathText, places, priorityBadge,
  slaElement, statusBadge, urgency,
} from './common.js';

/** Mine: everything assigned to me until the requester has confirmed it. */
const MINE = new Set([...OPEN, 'completed']);

/**
 * @param {any} order
 * @param {import('./common.js').Places} p
 */
export function orderCard(order, p) {
  const asset = order.asset_id ? p.assets.get(order.asset_id) : null;
  const path = locationPath(order.location_id, p);
  const title = asset?.name || order.description || t('order.no_description');
  return h('li', null,
    h('a', { class: ['order-card', `p${order.priority || 3}`], href: `#/orders/${order.id}`, 'data-key': order.id },
      h('span', { class: 'order-line' },
        h('span', { class: 'order-number' }, orderNumber(order)),
        priorityBadge(order.priority),
        statusBadge(order.status)),
      h('span', { class: 'order-title' }, title),
      asset && order.description && h('span', { class: 'order-desc' }, order.description),
      path.length > 0 && h('span', { class: 'order-where' }, pathText(path)),
      slaElement(order)));
}

/**
 * The open orders on one asset, found by its tag.
 * @param {import('../router.js').ViewContext} ctx
 * @param {string} tag
 */
async function assetOrders(ctx, tag) {
  const { client, outlet } = ctx;
  const asset = (await client.findBy('tag_code', tag)).find((/** @type {any} */ row) => row.type === 'asset');
  const orders = asset
    ? (await client.list('work_order', (/** @type {any} */ o) => o.asset_id === asset.id && OPEN.has(o.status))).sort(urgency)
    : [];
  const p = await places(client, asset ? [asset.id] : []);
  if (!ctx.alive()) return;
  const name = asset ? `${asset.name} (${tag})` : tag;
  mount(
    outlet,
    pageHead(t('orders.for_asset', { asset: name }), { back: { href: '#/orders', label: t('orders.title') } }),
    orders.length ? h('ul', { class: 'cards' }, orders.map((o) => orderCard(o, p))) : empty(t('orders.for_asset_empty')),
  );
}

/** @param {import('../router.js').ViewContext} ctx */
export default async function ordersView(ctx) {
  const { client, user, outlet, query } = ctx;
  const tag = query.get('asset');
  if (tag) {
    await assetOrders(ctx, tag.toUpperCase());
    ctx.onChange(['work_order', 'asset'], () => assetOrders(ctx, tag.toUpperCase()));
    return;
  }

  async function render() {
    const orders = await client.list('work_order');
    const p = await places(client, orders.map((/** @type {any} */ o) => o.asset_id));
    if (!ctx.alive()) return;
    const mine = orders.filter((/** @type {any} */ o) => o.assignee_id === user.id && MINE.has(o.status)).sort(urgency);
    const team = orders
      .filter((/** @type {any} */ o) => o.assignee_id !== user.id && OPEN.has(o.status) && (!user.team_id || o.team_id === user.team_id))
      .sort(urgency);
    const teamName = user.team_id ? p.teams.get(user.team_id)?.name : null;
    mount(
      outlet,
      pageHead(t('orders.title'), { sub: h('p', { class: 'muted' }, t('orders.hello', { name: user.name })) }),
      h('section', { 'aria-labelledby': 'mine-h' },
        h('h2', { id: 'mine-h' }, t('orders.mine'), ' ', h('span', { class: 'count-inline' }, `(${mine.length})`)),
        mine.length ? h('ul', { class: 'cards' }, mine.map((o) => orderCard(o, p))) : empty(t('orders.mine_empty'))),
      h('section', { 'aria-labelledby': 'team-h' },
        h('h2', { id: 'team-h' }, teamName ? t('orders.team_named', { team: teamName }) : t('orders.team'), ' ',
          h('span', { class: 'count-inline' }, `(${team.length})`)),
        team.length ? h('ul', { class: 'cards' }, team.map((o) => orderCard(o, p))) : empty(t('orders.team_empty'))),
    );
  }

  await render();
  ctx.onChange(['work_order', 'asset', 'location', 'building', 'site', 'team'], render);
}
