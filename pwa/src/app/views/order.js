// One work order. The technician sees the next step as one big button (accept, start,
// complete, or the requester's confirmation) and the rest of the toolkit below it: hold,
// resume, labour, parts, photo, note. Clinical staff see where their request stands and
// confirm and rate it. Everything is read from the phone and recorded on the phone.
import { h, icon, ICONS, mount } from '../dom.js';
import { formatDateTime, has, t } from '../i18n.js';
import { isField, isRequester } from '../router.js';
import { failureText, stepButton } from '../components/busy.js';
import { photoButton, storePhoto } from '../components/photo.js';
import {
  OPEN, empty, locationPath, moveAllowed, newestFirst, orderNumber, pageHead, pathText, perform, places,
  priorityBadge, slaElement, statusBadge, storageMessage,
} from './common.js';
import { stepTimes, stepper } from './stepper.js';
import { addPart, confirmSheet, holdSheet, labourSheet, noteSheet, completeSheet, rateSheet } from './order-sheets.js';

const FREE_TEXT = new Set(['hold', 'note', 'complete', 'cancel', 'reopen', 'callback']);

/**
 * The order's story from the row itself (always there, offline), or from the server's
 * timeline when the detail has been fetched once.
 * @param {any} order
 * @param {any} detail
 * @param {import('./common.js').Places} p
 */
function timeline(order, detail, p) {
  /** @type {{at: string, text: string, who?: string | null, late?: boolean, detail?: string}[]} */
  let entries = [];
  if (detail?.timeline?.length) {
    entries = detail.timeline.map((/** @type {any} */ e) => ({
      at: e.claimed_at || e.received_at,
      text: e.action === 'attach' ? t(e.detail === 'signature' ? 'event.attach_signature' : 'event.attach_photo')
        : has(`event.${e.action}`) ? t(`event.${e.action}`) : e.action,
      who: e.actor,
      late: e.late,
      // Free text people wrote (a reason, a note, a resolution); the rest is the server's shorthand.
      detail: FREE_TEXT.has(e.action) ? e.detail : '',
    }));
  } else {
    const team = order.team_id ? p.teams.get(order.team_id)?.name : null;
    const add = (/** @type {string | null} */ at, /** @type {string} */ text, /** @type {string} */ more = '') => {
      if (at) entries.push({ at, text, detail: more });
    };
    add(order.reported_at, t('status.reported'));
    add(order.dispatched_at, team ? t('timeline.dispatched_to', { team }) : t('status.dispatched'));
    add(order.arrived_at, t('timeline.arrived'));
    add(order.completed_at, t('status.completed'), order.resolution);
    add(order.confirmed_at, t('status.confirmed'));
    add(order.closed_at, t('status.closed'));
  }
  return entries.sort((a, b) => String(a.at).localeCompare(String(b.at)));
}

/** What this phone recorded on the order that the server has not taken in yet. */
function unsent(/** @type {any} */ order, /** @type {Map<string, any>} */ items) {
  const lines = [];
  for (const l of order._labour ?? []) lines.push(t('unsent.labour', { minutes: l.minutes }));
  for (const part of order._parts ?? []) {
    const item = items.get(part.item_id);
    lines.push(t('unsent.part', { quantity: part.quantity, item: item ? item.name : '?' }));
  }
  for (const a of order._attachments ?? []) lines.push(a.kind === 'signature' ? t('unsent.signature') : t('unsent.photo'));
  for (const n of order._notes ?? []) lines.push(t('unsent.note', { text: n.text }));
  return lines;
}

/** @param {import('../router.js').ViewContext} ctx */
export default async function orderView(ctx) {
  const { client, user, outlet, params } = ctx;
  const field = isField(user);
  const requester = isRequester(user) && !field;
  /** @type {any} */
  let detail = null;
  /** @type {Map<string, Promise<string | undefined>>} object URLs of photos shown, by sha256 */
  const photoUrls = new Map();
  ctx.onCleanup(() => {
    for (const url of photoUrls.values()) url.then((u) => u && URL.revokeObjectURL(u));
  });

  /** A photo's thumbnail: from the phone's own copy, else the server's (online). */
  function photo(/** @type {string} */ sha, /** @type {number} */ n) {
    if (!photoUrls.has(sha)) {
      photoUrls.set(sha, Promise.resolve(client.blobUrl?.(sha, { thumbnail: true })).catch(() => undefined));
    }
    const item = h('li', { class: 'thumb-missing' }, h('span', { class: 'small muted' }, t('order.photo_offline')));
    /** @type {Promise<string | undefined>} */ (photoUrls.get(sha)).then((url) => {
      if (!url) return;
      item.className = '';
      item.replaceChildren(h('img', { src: url, alt: t('order.photo_alt', { n }), loading: 'lazy' }));
    });
    return item;
  }
  /** @type {string | null} the state of the order the detail was asked for */
  let detailFor = null;

  /**
   * The server's detail (timeline with names, labour, parts) for offline reading: asked in
   * the background, never waited for; asked again when a sync brings a newer version or
   * takes in what this phone recorded (labour and parts leave the row's version as it is).
   * @param {any} order
   */
  async function askDetail(order) {
    const state = [order?.version, order?.status, ...['_labour', '_parts', '_attachments', '_notes']
      .map((list) => order?.[list]?.length ?? 0)].join(':');
    if (!client.cached || !order?.number || detailFor === state) return;
    detailFor = state;
    try {
      const got = await client.cached(`work_order:${params.id}`, (/** @type {any} */ api) =>
        api.get(`/api/v1/work-orders/${params.id}`));
      if (got && ctx.alive()) {
        detail = got;
        render();
      }
    } catch (error) {
      console.warn('order detail', error);
    }
  }

  async function render() {
    const [order, all] = await Promise.all([client.get('work_order', params.id), client.list('work_order')]);
    const partIds = [...(order?._parts ?? []), ...(detail?.parts ?? [])].map((part) => part.item_id);
    const [p, items] = await Promise.all([
      places(client, all.map((/** @type {any} */ o) => o.asset_id)),
      client.getMany('item', partIds),
    ]);
    if (!ctx.alive()) return;
    const back = requester
      ? { href: '#/requests', label: t('requests.title') }
      : field
        ? { href: '#/orders', label: t('orders.title') }
        : { href: '#/report', label: t('report.title') };
    if (!order) {
      mount(outlet, pageHead(t('order.missing_title'), { back }), empty(t('order.missing')));
      return;
    }
    const asset = order.asset_id ? p.assets.get(order.asset_id) : null;
    const path = locationPath(order.location_id, p);
    const mine = order.assignee_id === user.id;
    const history = order.asset_id
      ? all.filter((/** @type {any} */ o) => o.asset_id === order.asset_id && o.id !== order.id).sort(newestFirst).slice(0, 8)
      : [];
    const pending = unsent(order, items);
    void askDetail(order);
    const photos = [...new Set([
      ...(detail?.attachments ?? []).filter((/** @type {any} */ a) => a.kind === 'photo').map((/** @type {any} */ a) => a.sha256),
      ...(order._attachments ?? []).filter((/** @type {any} */ a) => a.kind === 'photo').map((/** @type {any} */ a) => a.sha256),
    ])];
    const recorded = [
      ...(detail?.labour ?? []).map((/** @type {any} */ l) => t('recorded.labour', { minutes: l.minutes })),
      ...(detail?.parts ?? []).map((/** @type {any} */ part) =>
        t('recorded.part', { quantity: part.quantity, item: items.get(part.item_id)?.name ?? '?' })),
    ];

    mount(
      outlet,
      pageHead(orderNumber(order), {
        back,
        eyebrow: t('order.eyebrow'),
        sub: h('p', { class: 'badges' }, statusBadge(order.status), priorityBadge(order.priority),
          order.kind && order.kind !== 'corrective' && h('span', { class: 'badge' }, t(`kind.${order.kind}`))),
      }),
      slaElement(order),
      (requester || isRequester(user)) && order.status !== 'cancelled' && stepper(order.status, { times: stepTimes(order) }),
      order.status === 'on_hold' && order.hold_reason &&
        h('p', { class: 'note-box warn' }, h('strong', null, t('order.on_hold_because')), ' ', order.hold_reason),
      actions(order, mine),
      h('section', { class: 'card', 'aria-labelledby': 'what-h' },
        h('h2', { id: 'what-h' }, t('order.details')),
        h('dl', { class: 'facts' },
          asset && [
            h('dt', null, t('order.asset')),
            h('dd', null, asset.name, h('span', { class: 'tag-code tag-line' }, t('order.tag', { tag: asset.tag_code }))),
          ],
          h('dt', null, t('order.location')),
          h('dd', null, path.length ? pathText(path) : '—'),
          h('dt', null, t('order.description')),
          h('dd', { class: 'pre' }, order.description || '—'),
          h('dt', null, t('order.reported')),
          h('dd', null, formatDateTime(order.reported_at)),
          order.team_id && [h('dt', null, t('order.team')), h('dd', null, p.teams.get(order.team_id)?.name ?? '—')],
          order.resolution && [h('dt', null, t('order.resolution')), h('dd', { class: 'pre' }, order.resolution)],
          order.rating && [
            h('dt', null, t('order.rating')),
            h('dd', null, t('rate.stars', { n: order.rating }),
              order.fixed === false ? ` · ${t('rate.not_fixed')}` : '',
              order.rating_comment ? ` · ${order.rating_comment}` : ''),
          ],
        )),
      pending.length > 0 &&
        h('section', { class: 'card unsent', 'aria-labelledby': 'unsent-h' },
          h('h2', { id: 'unsent-h' }, t('unsent.title')),
          h('ul', { class: 'plain' }, pending.map((line) => h('li', null, line)))),
      photos.length > 0 &&
        h('section', { class: 'card', 'aria-labelledby': 'photo-h' },
          h('h2', { id: 'photo-h' }, t('order.photos')),
          h('ul', { class: 'thumbs' }, photos.map((sha, i) => photo(sha, i + 1)))),
      recorded.length > 0 &&
        h('section', { class: 'card', 'aria-labelledby': 'rec-h' },
          h('h2', { id: 'rec-h' }, t('order.recorded')),
          h('ul', { class: 'plain' }, recorded.map((line) => h('li', null, line)))),
      h('section', { class: 'card', 'aria-labelledby': 'time-h' },
        h('h2', { id: 'time-h' }, t('order.timeline')),
        h('ol', { class: 'timeline' },
          timeline(order, detail, p).map((e) =>
            h('li', { class: e.late ? 'late' : null },
              h('span', { class: 'when' }, formatDateTime(e.at)),
              h('span', { class: 'what' }, e.text, e.who ? ` · ${e.who}` : '', e.late ? ` · ${t('timeline.late')}` : ''),
              e.detail && h('span', { class: 'detail' }, e.detail)))),
        !detail && navigator.onLine === false && h('p', { class: 'small muted' }, t('order.timeline_offline'))),
      asset &&
        h('section', { class: 'card', 'aria-labelledby': 'hist-h' },
          h('h2', { id: 'hist-h' }, t('order.asset_history')),
          history.length
            ? h('ul', { class: 'history' }, history.map((o) =>
              h('li', null,
                h('a', { href: `#/orders/${o.id}` },
                  h('span', { class: 'order-line' }, h('span', { class: 'order-number' }, orderNumber(o)), statusBadge(o.status)),
                  h('span', { class: 'order-title' }, o.description || '—'),
                  h('span', { class: 'small muted' }, formatDateTime(o.reported_at))))))
            : h('p', { class: 'muted' }, t('order.no_history'))),
    );
  }

  /** @type {string | null} why the last step could not be stored (cleared by the next try) */
  let failure = null;
  /** @type {HTMLElement | null} */
  let failureBox = null;
  /** @param {string | null} message */
  const showFailure = (message) => {
    failure = message;
    if (!failureBox) return;
    failureBox.textContent = message ?? '';
    failureBox.hidden = !message;
    if (message) failureBox.focus();
  };

  /**
   * The buttons that fit the order's state and the user's part in it.
   * @param {any} order
   * @param {boolean} mine
   */
  function actions(order, mine) {
    const id = order.id;
    /** @type {HTMLElement | null} */
    let primary = null;
    /** @type {HTMLElement[]} */
    const tools = [];
    /** A step that is stored at once. @param {string} label @param {string} name */
    const step = (label, name) => stepButton({
      label, cls: 'primary big', key: 'primary', records: true, onFailure: showFailure,
      run: () => perform(ctx, name, { work_order_id: id }),
    });
    // data-key: after a step re-renders the screen, focus stays on the step's place (the
    // big button is always 'primary': Accept becomes Start becomes Complete under the finger).
    /** A button that opens the sheet of a step. @param {string} label @param {() => unknown} open */
    const opens = (label, open, primaryButton = false) => stepButton({
      label, run: open, onFailure: showFailure,
      cls: primaryButton ? 'primary big' : '', key: primaryButton ? 'primary' : `tool-${label}`,
    });
    const photo = () => photoButton({
      onFile: async (file) => {
        try {
          const { sha256 } = await storePhoto(client, file);
          await perform(ctx, 'work_order.attach', { work_order_id: id, sha256, kind: 'photo' }, { blobs: [sha256] });
          showFailure(null);
        } catch (error) {
          console.error(error);
          const code = /** @type {any} */ (error)?.code;
          if (code === 'storage_full') showFailure(t('photo.no_room'));
          else showFailure(storageMessage(error) ?? `${t('photo.failed')} ${failureText(error)}`);
        }
      },
    });
    const note = () => opens(t('action.note'), () => noteSheet(ctx, id));
    const complete = (/** @type {boolean} */ big) =>
      opens(t('action.complete'), () => completeSheet(ctx, id, () => confirmSheet(ctx, order, { onSite: true })), big);
    /** @type {string | null} */
    let hint = null;

    if (field && mine) {
      const s = order.status;
      if (s === 'accepted_by_team') primary = step(t('action.accept'), 'work_order.accept');
      if (s === 'accepted') primary = step(t('action.start'), 'work_order.start');
      if (s === 'in_progress') {
        primary = complete(true);
        tools.push(opens(t('action.hold'), () => holdSheet(ctx, id)));
      }
      if (s === 'on_hold') {
        primary = step(t('action.resume'), 'work_order.resume');
        tools.push(complete(false));
      }
      if (s === 'completed') {
        primary = opens(t('action.confirm_on_site'), () => confirmSheet(ctx, order, { onSite: true }), true);
        hint = t('order.hint_confirm_on_site');
      }
      if (moveAllowed('log_labour', s)) tools.push(opens(t('action.labour'), () => labourSheet(ctx, id)));
      if (moveAllowed('add_part', s)) tools.push(opens(t('action.part'), () => addPart(ctx, id)));
      if (moveAllowed('attach', s)) tools.push(photo());
      tools.push(note());
    } else if (field) {
      hint = order.assignee_id ? t('order.hint_other_assignee') : OPEN.has(order.status) ? t('order.hint_unassigned') : null;
      if (moveAllowed('attach', order.status)) tools.push(photo());
      tools.push(note());
    }
    if (isRequester(user)) {
      if (order.status === 'completed' && !(field && mine)) {
        primary = opens(t('action.confirm'), () => confirmSheet(ctx, order, { onSite: false, thenRate: true }), true);
        hint = t('order.hint_confirm');
      }
      if (order.status === 'confirmed') {
        primary = opens(t('action.rate'), () => rateSheet(ctx, id), true);
        hint = t('order.hint_rate');
      }
      if (!field) {
        if (moveAllowed('attach', order.status)) tools.push(photo());
        tools.push(note());
      }
    }
    if (!primary && !tools.length) return null;
    failureBox = h('p', { class: 'alert', role: 'alert', tabindex: '-1', hidden: !failure }, failure ?? '');
    return h('section', { class: 'actions-panel', 'aria-label': t('order.actions') },
      hint && h('p', { class: 'hint' }, icon(ICONS.ok), h('span', null, hint)),
      failureBox,
      primary,
      tools.length > 0 && h('div', { class: 'tools' }, tools));
  }

  await render();
  ctx.onChange(['work_order', 'asset', 'location', 'item'], render);
}
