// One clean: scan the room's tag to start (camera, NFC, or typed with a reason; another
// room's tag is refused here, as the server would); then the checklist, the product, its
// concentration and quantity, photos, and a scan of the room again to finish. Works offline.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import RULES from '../../shared/rules.js';
import { roomOf } from '../cleaning-logic.js';
import { checkpointScan } from '../components/checkpoint-scan.js';
import { photoButton, storePhoto } from '../components/photo.js';
import { pageHead, perform, storageMessage } from './common.js';
import { cleaningRooms, deadlineWords, kindBadge, roomName, statusBadge } from './cleaning-common.js';
import { clockTime } from './patrol-common.js';

/** @param {any} read */
const scanArgs = (read) => ({
  payload: read.method === 'nfc' && read.uid ? read.uid : read.text,
  method: read.method,
  manual_reason: read.reason ?? '',
});

/** @param {import('../router.js').ViewContext} ctx */
export default async function cleaningTask(ctx) {
  const { client, params, outlet } = ctx;
  /** @type {{sha256: string, url: string}[]} */
  const photos = [];
  ctx.onCleanup(() => photos.forEach((p) => URL.revokeObjectURL(p.url)));
  const body = h('div');
  mount(outlet, body);
  const startScan = checkpointScan({ onScan: start, label: t('cleaning.scan_start'), onCleanup: ctx.onCleanup });
  const finishScan = checkpointScan({ onScan: finish, label: t('cleaning.scan_finish'), onCleanup: ctx.onCleanup });
  const error = h('p', { class: 'error', role: 'alert' });
  const product = /** @type {HTMLSelectElement} */ (h('select', { name: 'product', required: true },
    h('option', { value: '' }, t('cleaning.product_choose')),
    RULES.cleaning.products.map((p) => h('option', { value: p }, t(`cleaning.product.${p}`)))));
  const concentration = /** @type {HTMLInputElement} */ (h('input', { name: 'concentration_ppm', type: 'number', inputmode: 'numeric', min: 0, max: 100000 }));
  const quantity = /** @type {HTMLInputElement} */ (h('input', { name: 'quantity_ml', type: 'number', inputmode: 'numeric', min: 0, max: 100000 }));
  const thumbs = h('ul', { class: 'thumbs' });
  /** @type {Map<string, HTMLInputElement>} */
  const ticks = new Map();

  /** Is the scan the task's room? Said in words when it is not. */
  async function sameRoom(/** @type {any} */ task, /** @type {any} */ read, /** @type {any} */ scanner) {
    const { rooms } = await cleaningRooms(client);
    const room = roomOf(read, rooms.values());
    if (room && (room.id === task.room_id || room.location_id === task.location_id)) return true;
    scanner.status.textContent = room ? t('cleaning.wrong_room', { name: room.name }) : t('cleaning.unknown_tag');
    return false;
  }

  async function start(/** @type {any} */ read) {
    const task = await client.get('cleaning_task', params.id);
    if (!task || task.status !== 'open' || !(await sameRoom(task, read, startScan))) return;
    await perform(ctx, 'cleaning.start', { record_id: crypto.randomUUID(), task_id: task.id, scan: scanArgs(read) });
    await render();
  }

  async function finish(/** @type {any} */ read) {
    const task = await client.get('cleaning_task', params.id);
    if (!task || task.status !== 'in_progress' || !(await sameRoom(task, read, finishScan))) return;
    if (!product.value) {
      error.textContent = t('cleaning.needs_product');
      product.focus();
      return;
    }
    const checklist = [...ticks].map(([item, box]) => ({ item, done: box.checked }));
    /** @type {Record<string, unknown>} */
    const args = {
      record_id: task.record_id ?? crypto.randomUUID(), task_id: task.id, scan: scanArgs(read),
      product: product.value, checklist, photos: photos.map((p) => p.sha256),
    };
    if (concentration.value) args.concentration_ppm = Number(concentration.value);
    if (quantity.value) args.quantity_ml = Number(quantity.value);
    try {
      await perform(ctx, 'cleaning.finish', args, { blobs: photos.map((p) => p.sha256) });
    } catch (caught) {
      error.textContent = storageMessage(caught) ?? t('common.failed_plain');
      return;
    }
    await render();
  }

  function workForm(/** @type {any} */ task) {
    ticks.clear();
    const items = RULES.cleaning.checklists[task.kind] ?? [];
    return h('div', { class: 'cleaning-work' },
      h('fieldset', { class: 'card checklist' }, h('legend', null, t('cleaning.checklist')),
        items.map((/** @type {string} */ item) => {
          const box = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', name: `check_${item}` }));
          ticks.set(item, box);
          return h('label', { class: 'check' }, box, h('span', null, t(`cleaning.item.${item}`)));
        })),
      h('label', null, t('cleaning.product_label'), product),
      h('label', null, t('cleaning.concentration'), concentration),
      h('label', null, t('cleaning.quantity'), quantity),
      h('section', { class: 'card', 'aria-labelledby': 'c-photo' },
        h('h2', { id: 'c-photo' }, t('cleaning.photos')),
        thumbs,
        photoButton({
          label: t('cleaning.add_photo'),
          onFile: async (file) => {
            try {
              const { sha256, blob } = await storePhoto(client, file);
              photos.push({ sha256, url: URL.createObjectURL(blob) });
              mount(thumbs, photos.map((p, i) => h('li', null, h('img', { src: p.url, alt: t('cleaning.photo_alt', { n: i + 1 }) }))));
            } catch (caught) {
              ctx.toast(/** @type {any} */ (caught)?.code === 'storage_full' ? t('photo.no_room') : storageMessage(caught) ?? t('photo.failed'));
            }
          },
        })),
      error,
      h('section', { class: 'card', 'aria-labelledby': 'c-finish' }, h('h2', { id: 'c-finish' }, t('cleaning.finish_title')),
        h('p', { class: 'muted' }, t('cleaning.finish_hint')), finishScan.el));
  }

  async function render() {
    const [task, places] = await Promise.all([client.get('cleaning_task', params.id), cleaningRooms(client)]);
    if (!ctx.alive()) return;
    const back = { href: '#/cleaning', label: t('cleaning.title') };
    if (!task) {
      mount(body, pageHead(t('cleaning.task'), { back }), h('p', null, t('cleaning.task_missing')));
      return;
    }
    const head = pageHead(roomName(task, places), {
      back,
      eyebrow: t(`cleaning.kind.${task.kind}`),
      sub: h('p', { class: 'task-state' }, kindBadge(task.kind), ' ', statusBadge(task.status), ' ', h('span', { class: 'task-due' }, deadlineWords(task))),
    });
    if (task.status === 'open') {
      mount(body, head, h('section', { class: 'card', 'aria-labelledby': 'c-start' },
        h('h2', { id: 'c-start' }, t('cleaning.start_title')), h('p', { class: 'muted' }, t('cleaning.start_hint')), startScan.el));
    } else if (task.status === 'in_progress') {
      // Built once: a re-render on a sync must not clear what the cleaner ticked.
      if (!body.querySelector('.cleaning-work')) mount(body, head, h('p', null, t('cleaning.started_at', { time: clockTime(task.started_at) })), workForm(task));
    } else {
      mount(body, head, h('p', { class: 'cleaning-done' }, deadlineWords(task)), h('a', { class: ['button', 'primary'], href: '#/cleaning' }, t('cleaning.back_to_list')));
    }
  }
  ctx.onChange(['cleaning_task', 'cleaning_room'], render);
  await render();
}
