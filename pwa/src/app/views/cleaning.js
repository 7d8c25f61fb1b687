// The cleaner's "my tasks": spills first, then terminal cleans by deadline, then routine
// cleans whose window has opened, each with its deadline; all from the phone's replica.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { myTasks } from '../cleaning-logic.js';
import { empty, pageHead } from './common.js';
import { cleaningRooms, deadlineWords, kindBadge, roomName, statusBadge } from './cleaning-common.js';

/** @param {import('../router.js').ViewContext} ctx */
export default async function cleaningHome(ctx) {
  const { client, outlet } = ctx;
  async function render() {
    const [tasks, places] = await Promise.all([client.list('cleaning_task'), cleaningRooms(client)]);
    if (!ctx.alive()) return;
    const now = Date.now();
    const todo = myTasks(tasks, now);
    const list = todo.length
      ? h('ol', { class: 'list cleaning-tasks' }, todo.map((task) => h('li', {
        class: ['card', 'cleaning-task', `cleaning-${task.kind}`, Date.parse(task.due_at) < now ? 'late' : ''],
      },
      h('p', null, kindBadge(task.kind), ' ', statusBadge(task.status)),
      h('p', { class: 'task-room' }, h('strong', null, roomName(task, places))),
      h('p', { class: 'task-due' }, deadlineWords(task, now)),
      task.note ? h('p', { class: 'muted' }, task.note) : null,
      h('a', { class: ['button', 'primary'], href: `#/cleaning/tasks/${task.id}` },
        task.status === 'in_progress' ? t('cleaning.continue') : t('cleaning.open')))))
      : empty(t('cleaning.none'));
    mount(outlet, pageHead(t('cleaning.title')), list,
      h('a', { class: 'button', href: '#/cleaning/request' }, t('cleaning.report_spill')));
  }
  ctx.onChange(['cleaning_task', 'cleaning_room'], render);
  const ticker = window.setInterval(() => { if (ctx.alive()) render(); }, 60_000);
  ctx.onCleanup(() => clearInterval(ticker));
  await render();
}
