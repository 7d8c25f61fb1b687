// Ward staff ask for a terminal clean of one of their rooms (after a discharge or an
// isolation, each with its deadline) and see it done; anyone may report a spill. The
// rooms are the department's (synced); a spill may be reported from any room there.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import RULES from '../../shared/rules.js';
import { maySend } from '../../shared/roles.js';
import { empty, pageHead, perform } from './common.js';
import { cleaningRooms, deadlineWords, kindBadge, roomName, statusBadge } from './cleaning-common.js';

/** @param {import('../router.js').ViewContext} ctx */
export default async function cleaningRequest(ctx) {
  const { client, user, outlet } = ctx;
  const places = await cleaningRooms(client);
  const rooms = [...places.rooms.values()].sort((a, b) => String(a.name).localeCompare(String(b.name)));
  const roomSelect = () => /** @type {HTMLSelectElement} */ (h('select', { name: 'location_id', required: true },
    h('option', { value: '' }, t('cleaning.room_choose')),
    rooms.map((room) => h('option', { value: room.location_id }, room.name))));
  const terminalRoom = roomSelect();
  const reason = /** @type {HTMLSelectElement} */ (h('select', { name: 'reason' },
    Object.entries(RULES.cleaning.terminal_minutes).map(([why, minutes]) =>
      h('option', { value: why }, t(`cleaning.reason.${why}`, { minutes })))));
  const note = /** @type {HTMLTextAreaElement} */ (h('textarea', { name: 'note', rows: 2, maxlength: 400 }));
  const spillRoom = roomSelect();
  const spillNote = /** @type {HTMLTextAreaElement} */ (h('textarea', { name: 'spill_note', rows: 2, maxlength: 400 }));
  const error = h('p', { class: 'error', role: 'alert' });
  const mine = h('div');

  async function ask(/** @type {Event} */ event) {
    event.preventDefault();
    if (!terminalRoom.value) {
      error.textContent = t('cleaning.needs_room');
      return terminalRoom.focus();
    }
    await perform(ctx, 'cleaning.request_terminal', { task_id: crypto.randomUUID(), location_id: terminalRoom.value, reason: reason.value, note: note.value.trim() });
    note.value = '';
    error.textContent = '';
    await renderList();
  }

  async function spill(/** @type {Event} */ event) {
    event.preventDefault();
    if (!spillRoom.value) return spillRoom.focus();
    await perform(ctx, 'cleaning.report_spill', { task_id: crypto.randomUUID(), location_id: spillRoom.value, note: spillNote.value.trim() });
    spillNote.value = '';
    await renderList();
  }

  async function renderList() {
    const tasks = (await client.list('cleaning_task'))
      .filter((/** @type {any} */ task) => task.kind !== 'routine')
      .sort((/** @type {any} */ a, /** @type {any} */ b) => Date.parse(b.window_start) - Date.parse(a.window_start));
    if (!ctx.alive()) return;
    mount(mine, tasks.length
      ? h('ol', { class: 'list cleaning-requests' }, tasks.map((/** @type {any} */ task) => h('li', { class: ['card', `cleaning-status-${task.status}`] },
        h('p', null, kindBadge(task.kind), ' ', statusBadge(task.status)),
        h('p', null, h('strong', null, roomName(task, places))),
        h('p', { class: 'task-due' }, deadlineWords(task)))))
      : empty(t('cleaning.no_requests')));
  }

  const mayAsk = maySend(user, 'cleaning.request_terminal') && rooms.length > 0;
  mount(outlet,
    pageHead(t('cleaning.request_title')),
    mayAsk ? h('form', { class: 'card terminal-form', novalidate: true, onsubmit: ask },
      h('h2', null, t('cleaning.terminal_title')),
      h('label', null, t('cleaning.room'), terminalRoom),
      h('label', null, t('cleaning.reason_label'), reason),
      h('label', null, t('cleaning.note'), note),
      error,
      h('button', { type: 'submit', class: 'primary' }, t('cleaning.request_send'))) : null,
    rooms.length ? h('form', { class: 'card spill-form', novalidate: true, onsubmit: spill },
      h('h2', null, t('cleaning.spill_title')),
      h('label', null, t('cleaning.room'), spillRoom),
      h('label', null, t('cleaning.note'), spillNote),
      h('button', { type: 'submit' }, t('cleaning.spill_send'))) : null,
    h('section', { 'aria-labelledby': 'c-mine' }, h('h2', { id: 'c-mine' }, t('cleaning.requests_title')), mine));
  ctx.onChange(['cleaning_task'], renderList);
  await renderList();
}
