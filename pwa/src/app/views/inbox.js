// The inbox: what this phone sent that the server refused (rejected) or could not apply
// as sent (conflict): what happened and what to do about it in the user's language, by the
// outcome's stable code, with the server's own (English) words beside it.
import { h, mount } from '../dom.js';
import { formatDateTime, has, t } from '../i18n.js';
import { empty, orderNumber, pageHead } from './common.js';

/** What the user can do, by the outcome's code (or its status for a conflict). */
export function adviceFor(/** @type {any} */ entry) {
  if (entry.status === 'conflict') return t('inbox.do.conflict');
  const key = `inbox.do.${entry.code}`;
  return has(key) ? t(key) : t('inbox.do.default');
}

/**
 * What happened, in the user's language: the phone's words for the code (a conflict by its
 * status), else, for a code this app does not know yet, the server's own text.
 * @param {{status: string, code?: string | null, message?: string | null}} entry
 * @returns {{text: string, translated: boolean}}
 */
export function outcomeText(entry) {
  const code = entry.status === 'conflict' ? 'conflict' : entry.code;
  const key = `inbox.code.${code}`;
  if (code && has(key)) return { text: t(key), translated: true };
  return { text: entry.message || code || '', translated: false };
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
            const happened = outcomeText(entry);
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
                  h('dt', null, t('inbox.what_happened')),
                  // The server's words stay in English: marked so a screen reader reads them so.
                  h('dd', { lang: happened.translated ? null : 'en' }, happened.text),
                  h('dt', null, t('inbox.what_to_do')),
                  h('dd', null, adviceFor(entry)),
                  entry.args?.description && [h('dt', null, t('order.description')), h('dd', null, entry.args.description)],
                  entry.args?.text && [h('dt', null, t('note.text')), h('dd', null, entry.args.text)],
                  entry.args?.resolution && [h('dt', null, t('order.resolution')), h('dd', null, entry.args.resolution)]),
                happened.translated && entry.message &&
                  h('details', { class: 'server-words' },
                    h('summary', null, t('inbox.server_words')),
                    h('p', { lang: 'en' }, entry.message)),
                order && h('a', { class: 'button', href: `#/orders/${order.id}` }, t('inbox.open_order'))));
          })),
    );
  }

  await render();
  ctx.onChange(null, render);
}
