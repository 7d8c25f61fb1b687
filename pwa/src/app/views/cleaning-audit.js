// A supervisor's or infection control's audit of a finished clean, offline: pick one of the
// recent cleans of the rooms this phone holds (or scan the room's tag to find them), record
// per item a fluorescent marker removed or not, an ATP swab's RLU (the pass threshold is the
// server's, from rules.js) or a visual check, see the score as the server will compute it,
// and ask for a re-clean if need be. The audit goes to the outbox like any cleaning op.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import RULES from '../../shared/rules.js';
import { auditScore, finishedTasks, itemPassed, roomOf } from '../cleaning-logic.js';
import { checkpointScan } from '../components/checkpoint-scan.js';
import { empty, pageHead, perform, storageMessage } from './common.js';
import { cleaningRooms, deadlineWords, kindBadge, roomName } from './cleaning-common.js';

const CUT = RULES.cleaning.atp_pass_rlu;

/** @param {import('../router.js').ViewContext} ctx */
export default async function cleaningAudit(ctx) {
  if (ctx.params.id) return auditForm(ctx);
  return auditList(ctx);
}

/** The recent cleans to audit, and a scan of a room's tag to narrow them to that room. */
async function auditList(/** @type {import('../router.js').ViewContext} */ ctx) {
  const { client, outlet } = ctx;
  const list = h('div');
  /** @type {any} */
  let scanned = null;
  const scanner = checkpointScan({ onScan: found, label: t('audit.scan'), onCleanup: ctx.onCleanup });

  async function found(/** @type {any} */ read) {
    const { rooms } = await cleaningRooms(client);
    const room = roomOf(read, rooms.values());
    if (!room) {
      scanner.status.textContent = t('cleaning.unknown_tag');
      return;
    }
    scanned = room;
    const cleans = finishedTasks(await client.list('cleaning_task')).filter((task) => task.room_id === room.id || task.location_id === room.location_id);
    if (cleans.length === 1) return ctx.navigate(`/cleaning/audit/${cleans[0].id}`);
    scanner.status.textContent = cleans.length ? t('audit.scanned', { name: room.name }) : t('audit.none_in_room', { name: room.name });
    await render();
  }

  async function render() {
    const [tasks, places] = await Promise.all([client.list('cleaning_task'), cleaningRooms(client)]);
    if (!ctx.alive()) return;
    const done = finishedTasks(tasks).filter((task) => !scanned || task.room_id === scanned.id || task.location_id === scanned.location_id);
    mount(list, done.length
      ? h('ol', { class: 'list audit-tasks' }, done.map((task) => h('li', { class: ['card', 'audit-task'] },
        h('p', null, kindBadge(task.kind)),
        h('p', { class: 'task-room' }, h('strong', null, roomName(task, places))),
        h('p', { class: 'task-due' }, deadlineWords(task)),
        h('a', { class: ['button', 'primary'], href: `#/cleaning/audit/${task.id}` }, t('audit.open')))))
      : empty(t('audit.none')));
  }

  mount(outlet, pageHead(t('audit.title')),
    h('section', { class: 'card', 'aria-labelledby': 'a-scan' }, h('h2', { id: 'a-scan' }, t('audit.scan_title')),
      h('p', { class: 'muted' }, t('audit.scan_hint')), scanner.el),
    h('section', { 'aria-labelledby': 'a-recent' }, h('h2', { id: 'a-recent' }, t('audit.recent')), list));
  ctx.onChange(['cleaning_task', 'cleaning_room'], render);
  await render();
}

/**
 * One item's row: how it was checked and what was found, with its verdict in words.
 * @param {string} item
 * @param {() => void} changed
 */
function itemRow(item, changed) {
  const method = /** @type {HTMLSelectElement} */ (h('select', { name: `method_${item}` },
    RULES.cleaning.audit_methods.map((m) => h('option', { value: m }, t(`audit.method.${m}`)))));
  const yes = /** @type {HTMLInputElement} */ (h('input', { type: 'radio', name: `passed_${item}`, value: 'yes' }));
  const no = /** @type {HTMLInputElement} */ (h('input', { type: 'radio', name: `passed_${item}`, value: 'no' }));
  const yesWords = h('span');
  const noWords = h('span');
  const choice = h('div', { class: 'audit-choice' }, h('label', { class: 'check' }, yes, yesWords), h('label', { class: 'check' }, no, noWords));
  const rlu = /** @type {HTMLInputElement} */ (h('input', { name: `rlu_${item}`, type: 'number', inputmode: 'numeric', min: 0, max: 1000000 }));
  const atp = h('label', null, t('audit.rlu', { cut: CUT }), rlu);
  const verdict = h('p', { class: 'audit-verdict', 'aria-live': 'polite' });

  const result = () => ({
    item,
    method: method.value,
    passed: method.value === 'atp' ? null : yes.checked ? true : no.checked ? false : null,
    rlu: method.value === 'atp' && rlu.value !== '' ? Number(rlu.value) : null,
  });

  function update() {
    const atpMethod = method.value === 'atp';
    atp.hidden = !atpMethod;
    choice.hidden = atpMethod;
    yesWords.textContent = t(method.value === 'marker' ? 'audit.marker_removed' : 'audit.visual_pass');
    noWords.textContent = t(method.value === 'marker' ? 'audit.marker_left' : 'audit.visual_fail');
    const passed = itemPassed(result());
    verdict.textContent = passed === null ? t('audit.pending') : t(passed ? 'audit.passed' : 'audit.failed');
    verdict.className = `audit-verdict ${passed === null ? '' : passed ? 'pass' : 'fail'}`;
    changed();
  }
  for (const input of [method, yes, no, rlu]) input.addEventListener(input === rlu ? 'input' : 'change', update);
  const el = h('fieldset', { class: ['card', 'audit-item'], 'data-item': item },
    h('legend', null, t(`cleaning.item.${item}`)),
    h('label', null, t('audit.method_label'), method), choice, atp, verdict);
  return { el, result, update };
}

/** The audit of one clean. */
async function auditForm(/** @type {import('../router.js').ViewContext} */ ctx) {
  const { client, params, outlet, user } = ctx;
  const [task, places] = await Promise.all([client.get('cleaning_task', params.id), cleaningRooms(client)]);
  if (!ctx.alive()) return;
  const back = { href: '#/cleaning/audit', label: t('audit.title') };
  if (!task || task.status !== 'done') {
    mount(outlet, pageHead(t('audit.title'), { back }), h('p', null, t('audit.task_missing')));
    return;
  }
  const score = h('p', { class: 'audit-score', role: 'status' });
  const rows = (RULES.cleaning.checklists[task.kind] ?? []).map((/** @type {string} */ item) => itemRow(item, showScore));
  const kind = /** @type {HTMLSelectElement} */ (h('select', { name: 'audit_kind' },
    RULES.cleaning.audit_kinds.map((k) => h('option', { value: k }, t(`audit.kind.${k}`)))));
  if (!user?.roles?.includes('supervisor')) kind.value = 'infection_control';
  const reclean = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', name: 'reclean' }));
  const note = /** @type {HTMLTextAreaElement} */ (h('textarea', { name: 'audit_note', rows: 2, maxlength: 400 }));
  const error = h('p', { class: 'error', role: 'alert' });

  const decided = () => rows.map((row) => row.result()).filter((item) => itemPassed(item) !== null);

  function showScore() {
    const items = decided();
    const value = auditScore(items.map((item) => /** @type {boolean} */ (itemPassed(item))));
    score.textContent = value === null
      ? t('audit.score_none')
      : t('audit.score', { score: value, passed: items.filter((item) => itemPassed(item)).length, total: items.length });
  }

  async function save(/** @type {Event} */ event) {
    event.preventDefault();
    const items = decided();
    if (!items.length) {
      error.textContent = t('audit.needs_item');
      return;
    }
    /** @type {Record<string, unknown>} */
    const args = {
      audit_id: crypto.randomUUID(),
      task_id: task.id,
      kind: kind.value,
      // Only what the server reads: an ATP item its RLU, the others whether they passed.
      items: items.map((item) => (item.method === 'atp' ? { item: item.item, method: 'atp', rlu: item.rlu } : { item: item.item, method: item.method, passed: item.passed })),
      note: note.value.trim(),
    };
    if (reclean.checked) args.reclean_task_id = crypto.randomUUID();
    try {
      await perform(ctx, 'cleaning.audit', args);
    } catch (caught) {
      error.textContent = storageMessage(caught) ?? t('common.failed_plain');
      return;
    }
    const value = auditScore(items.map((item) => /** @type {boolean} */ (itemPassed(item))));
    mount(outlet, pageHead(roomName(task, places), { back, eyebrow: t('audit.title') }),
      h('p', { class: 'audit-saved' }, t('audit.saved', { score: value ?? 0 })),
      args.reclean_task_id ? h('p', { class: 'audit-reclean' }, t('audit.reclean_asked', { minutes: RULES.cleaning.reclean_minutes })) : null,
      h('a', { class: ['button', 'primary'], href: '#/cleaning/audit' }, t('audit.back')));
  }

  mount(outlet,
    pageHead(roomName(task, places), { back, eyebrow: t('audit.title'), sub: h('p', { class: 'task-state' }, kindBadge(task.kind), ' ', h('span', { class: 'task-due' }, deadlineWords(task))) }),
    h('form', { class: 'audit-form', novalidate: true, onsubmit: save },
      h('label', null, t('audit.kind_label'), kind),
      h('p', { class: 'muted' }, t('audit.atp_hint', { cut: CUT })),
      rows.map((row) => row.el),
      h('section', { class: 'card' }, score,
        h('label', { class: 'check' }, reclean, h('span', null, t('audit.reclean', { minutes: RULES.cleaning.reclean_minutes }))),
        h('label', null, t('audit.note'), note),
        error,
        h('button', { type: 'submit', class: 'primary' }, t('audit.save')))));
  rows.forEach((row) => row.update());
}
