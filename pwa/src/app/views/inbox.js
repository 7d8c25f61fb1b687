// The inbox: what this phone sent that the server refused (rejected) or could not apply
// as sent (conflict), with the server's own message and, in words, what to do about it.
import { h, mount } from '../dom.js';
import { formatDateTime, has, t } from '../i18n.js';
import { empty, orderNumber, pageHead } from './common.js';

/** What the user can do, by the outcome's code (or its status for a conflict). */
export function adviceFor(/** @type {any} */ entry) {
  if (entry.status === 'conflict') return t('inbox.do.conflict');
  const key = `inbox.do.${entry.code}`;
  return has(key) ? t(key) : t('inbox.do.default');
}

/** The action in words: "Start work", "Report a fault". */
export function actionName(/** @type {string} */ name) {
  const key = `op.${name}`;
  return has(key) ? t(key) : name;
}

/** @param {import('../router.js').ViewContext} ctx */
export default async function inboxView(ctx) {
  const { client, outlet } = ctx;

  async function render() {
    /** @type {any[]} */
    let entries = [];
    let failed = false;
    try {
      entries = (await client.inbox()) || [];
    } catch (error) {
      console.error(error);
      failed = true;
    }
    if (!ctx.alive()) return;
    const orders = new Map();
    for (const entry of entries) {
      const id = entry.args?.work_order_id;
      if (id && !orders.has(id)) orders.set(id, await client.get('work_order', id));
    }
    if (!ctx.alive()) return;
    mount(
      outlet,
      pageHead(t('inbox.title'), { sub: h('p', { class: 'muted' }, t('inbox.intro')) }),
      failed && h('p', { class: 'alert' }, t('inbox.failed')),
      entries.length === 0 && !failed
        ? empty(t('inbox.empty'))
        : h('ul', { class: 'cards inbox' },
          entries.map((entry) => {
            const id = entry.args?.work_order_id;
            const order = id ? orders.get(id) : null;
            const conflict = entry.status === 'conflict';
            return h('li', null,
              h('article', { class: ['card', 'inbox-entry', conflict ? 'conflict' : 'rejected'], 'aria-labelledby': `ib-${entry.op_id}` },
                h('h2', { id: `ib-${entry.op_id}` }, actionName(entry.name),
                  order ? ` · ${orderNumber(order)}` : ''),
                h('p', null,
                  h('span', { class: ['badge', conflict ? 'status-on_hold' : 'status-rejected'] },
                    conflict ? t('inbox.status.conflict') : t('inbox.status.rejected')),
                  ' ',
                  entry.received_at && h('span', { class: 'small muted' }, formatDateTime(entry.received_at))),
                h('dl', { class: 'facts' },
                  entry.message && [
                    h('dt', null, t('inbox.server_says')),
                    // The server's words, as it sent them (in English).
                    h('dd', { lang: 'en' }, entry.message),
                  ],
                  h('dt', null, t('inbox.what_to_do')),
                  h('dd', null, adviceFor(entry)),
                  entry.args?.description && [h('dt', null, t('order.description')), h('dd', null, entry.args.description)],
                  entry.args?.text && [h('dt', null, t('note.text')), h('dd', null, entry.args.text)],
                  entry.args?.resolution && [h('dt', null, t('order.resolution')), h('dd', null, entry.args.resolution)]),
                order && h('a', { class: 'button', href: `#/orders/${order.id}` }, t('inbox.open_order'))));
          })),
    );
  }

  await render();
  ctx.onChange(null, render);
}
