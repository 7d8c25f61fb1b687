// My department's requests: where each stands in the repair loop, those that wait for us
// (confirm a finished repair, rate it) first.
import { h, mount } from '../dom.js';
import { formatDateTime, t } from '../i18n.js';
import { FINISHED, empty, locationPath, newestFirst, orderNumber, pageHead, pathText, places, statusBadge } from './common.js';
import { stepper } from './stepper.js';
import { isRater } from '../router.js';

/**
 * @param {any} order
 * @param {import('./common.js').Places} p
 */
function requestCard(order, p) {
  const asset = order.asset_id ? p.assets.get(order.asset_id) : null;
  const path = locationPath(order.location_id, p);
  const needs = order.status === 'completed' ? t('requests.needs_confirm') : order.status === 'confirmed' ? t('requests.needs_rating') : null;
  return h('li', null,
    h('a', { class: ['order-card', needs ? 'needs' : ''], href: `#/orders/${order.id}`, 'data-key': order.id },
      h('span', { class: 'order-line' },
        h('span', { class: 'order-number' }, orderNumber(order)),
        statusBadge(order.status)),
      h('span', { class: 'order-title' }, order.description || asset?.name || '—'),
      h('span', { class: 'order-where' }, [asset?.name, pathText(path.slice(-2))].filter(Boolean).join(' · ')),
      h('span', { class: 'small muted' }, t('requests.reported_at', { when: formatDateTime(order.reported_at) })),
      order.status === 'cancelled' ? null : stepper(order.status, { compact: true }),
      needs && h('span', { class: 'cta' }, needs)));
}

/** @param {import('../router.js').ViewContext} ctx */
export default async function requestsView(ctx) {
  const { client, user, outlet } = ctx;

  async function render() {
    const orders = await client.list('work_order');
    const p = await places(client, orders.map((/** @type {any} */ o) => o.asset_id));
    if (!ctx.alive()) return;
    const ours = orders.filter((/** @type {any} */ o) => !user.department_id || o.department_id === user.department_id || o.reported_by_id === user.id);
    const waiting = ours.filter((/** @type {any} */ o) => o.status === 'completed' || o.status === 'confirmed').sort(newestFirst);
    const open = ours.filter((/** @type {any} */ o) => !FINISHED.has(o.status)).sort(newestFirst);
    const done = ours.filter((/** @type {any} */ o) => o.status === 'closed' || o.status === 'cancelled').sort(newestFirst).slice(0, 20);
    const department = user.department_id ? p.departments.get(user.department_id)?.name : null;
    mount(
      outlet,
      pageHead(t('requests.title'), { sub: department && h('p', { class: 'muted' }, department) }),
      h('a', { class: 'button primary big wide', href: '#/report' }, t('report.title')),
      isRater(user) && h('a', { class: 'button big wide', href: '#/ratings', 'data-go': 'ratings' }, t('ratings.title')),
      waiting.length > 0 &&
        h('section', { 'aria-labelledby': 'wait-h' },
          h('h2', { id: 'wait-h' }, t('requests.waiting'), ' ', h('span', { class: 'count-inline' }, `(${waiting.length})`)),
          h('ul', { class: 'cards' }, waiting.map((o) => requestCard(o, p)))),
      h('section', { 'aria-labelledby': 'open-h' },
        h('h2', { id: 'open-h' }, t('requests.open'), ' ', h('span', { class: 'count-inline' }, `(${open.length})`)),
        open.length ? h('ul', { class: 'cards' }, open.map((o) => requestCard(o, p))) : empty(t('requests.open_empty'))),
      done.length > 0 &&
        h('section', { 'aria-labelledby': 'done-h' },
          h('h2', { id: 'done-h' }, t('requests.done')),
          h('ul', { class: 'cards' }, done.map((o) => requestCard(o, p)))),
    );
  }

  await render();
  ctx.onChange(['work_order', 'asset', 'location'], render);
}
