// An incident: its category, what happened, photos (taken through the photo component,
// kept on the phone until uploaded), and "facilities must act", which reports a work order
// with it. Part of the round when opened from one (?round=<id>).
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import RULES from '../../shared/rules.js';
import { photoButton, storePhoto } from '../components/photo.js';
import { markBusy } from '../components/busy.js';
import { pageHead, perform, storageMessage } from './common.js';

/** @param {import('../router.js').ViewContext} ctx */
export default async function patrolIncident(ctx) {
  const { client, query, outlet } = ctx;
  const roundId = query.get('round');
  const round = roundId ? await client.get('patrol_round', roundId) : null;
  /** @type {{sha256: string, url: string}[]} */
  const photos = [];
  ctx.onCleanup(() => photos.forEach((p) => URL.revokeObjectURL(p.url)));
  const category = /** @type {HTMLSelectElement} */ (h('select', { name: 'category', required: true },
    h('option', { value: '' }, t('patrol.incident.choose')),
    RULES.patrol.incident_categories.map((c) => h('option', { value: c }, t(`patrol.category.${c}`)))));
  const text = /** @type {HTMLTextAreaElement} */ (h('textarea', { name: 'text', rows: 4, maxlength: 4000 }));
  const facilities = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', name: 'open_work_order' }));
  const thumbs = h('ul', { class: 'thumbs' });
  const error = h('p', { class: 'error', role: 'alert' });
  const renderPhotos = () => mount(thumbs, photos.map((p, i) => h('li', null, h('img', { src: p.url, alt: t('patrol.incident.photo_alt', { n: i + 1 }) }))));

  const submit = h('button', { type: 'submit', class: 'primary' }, t('patrol.incident.send'));
  const form = h('form', { class: 'incident-form', novalidate: true, onsubmit: (/** @type {Event} */ event) => {
    event.preventDefault();
    if (!category.value) {
      error.textContent = t('patrol.incident.needs_category');
      category.focus();
      return;
    }
    const button = /** @type {HTMLButtonElement} */ (submit);
    markBusy(button, true);
    (async () => {
      /** @type {Record<string, unknown>} */
      const args = { incident_id: crypto.randomUUID(), category: category.value, text: text.value.trim(), photos: photos.map((p) => p.sha256) };
      if (round) args.round_id = round.id;
      if (facilities.checked) args.open_work_order = true;
      try {
        await perform(ctx, 'patrol.report_incident', args, { blobs: photos.map((p) => p.sha256) });
      } catch (caught) {
        error.textContent = storageMessage(caught) ?? t('common.failed_plain');
        markBusy(button, false);
        return;
      }
      ctx.navigate(round ? `/patrol/rounds/${round.id}` : '/patrol');
    })();
  } },
  h('label', null, t('patrol.incident.category'), category),
  h('label', null, t('patrol.incident.text'), text),
  h('section', { class: 'card', 'aria-labelledby': 'i-photo' },
    h('h2', { id: 'i-photo' }, t('patrol.incident.photos')),
    thumbs,
    photoButton({
      label: t('patrol.incident.add_photo'),
      onFile: async (file) => {
        try {
          const { sha256, blob } = await storePhoto(client, file);
          photos.push({ sha256, url: URL.createObjectURL(blob) });
          renderPhotos();
        } catch (caught) {
          ctx.toast(/** @type {any} */ (caught)?.code === 'storage_full' ? t('photo.no_room') : storageMessage(caught) ?? t('photo.failed'));
        }
      },
    })),
  h('label', { class: 'check' }, facilities, h('span', null, t('patrol.incident.facilities'))),
  error,
  h('div', { class: 'actions' }, submit));

  mount(outlet,
    pageHead(t('patrol.incident.title'), { back: { href: round ? `#/patrol/rounds/${round.id}` : '#/patrol', label: round ? t('patrol.round') : t('patrol.home') } }),
    form);
}
