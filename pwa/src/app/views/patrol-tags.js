// Writing checkpoint tags (supervisors, on Chrome for Android): the checkpoint's QR payload
// goes on the tag as an NDEF text record, and the tag is read back so its UID can be shown
// and recorded for the checkpoint at the desk. Without Web NFC the screen says so and
// points to the printed QR labels.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { nfcAvailable, writeTag } from '../../scan/nfc.js';
import { pageHead } from './common.js';
import { patrolRows } from './patrol-common.js';

/** @param {import('../router.js').ViewContext} ctx */
export default async function patrolTags(ctx) {
  const { client, outlet } = ctx;
  const { checkpoints } = await patrolRows(client);
  const head = pageHead(t('patrol.tags.title'), { back: { href: '#/patrol', label: t('patrol.home') } });
  if (!nfcAvailable()) {
    mount(outlet, head, h('p', { class: ['card', 'nfc-absent'], role: 'status' }, t('patrol.tags.unavailable')));
    return;
  }
  const result = h('div', { role: 'status' });
  const search = /** @type {HTMLInputElement} */ (h('input', { type: 'search', placeholder: t('patrol.tags.search') }));
  const list = h('ul', { class: 'list' });
  const sorted = [...checkpoints.values()].sort((a, b) => String(a.code).localeCompare(String(b.code)));
  function renderList() {
    const q = search.value.trim().toLowerCase();
    mount(list, sorted.filter((c) => !q || `${c.code} ${c.name}`.toLowerCase().includes(q)).slice(0, 50).map((c) =>
      h('li', { class: 'card' },
        h('p', null, h('strong', null, c.code), ' ', c.name),
        c.nfc_uid ? h('p', { class: 'muted' }, t('patrol.tags.has_uid', { uid: c.nfc_uid })) : null,
        h('button', { type: 'button', onclick: () => write(c) }, t('patrol.tags.write')))));
  }
  /** @param {any} checkpoint */
  async function write(checkpoint) {
    mount(result, h('p', { class: 'card' }, t('patrol.tags.hold', { name: checkpoint.name })));
    try {
      const event = await writeTag(checkpoint.qr_payload);
      mount(result, h('div', { class: 'card tag-written' },
        h('p', null, t('patrol.tags.written', { name: checkpoint.name })),
        h('p', { class: 'tag-uid' }, t('patrol.tags.uid', { uid: event.uid })),
        h('p', { class: 'muted' }, event.uid === checkpoint.nfc_uid ? t('patrol.tags.uid_known') : t('patrol.tags.record_uid'))));
    } catch (error) {
      mount(result, h('p', { class: ['card', 'error'] }, /** @type {any} */ (error)?.name === 'NotAllowedError' ? t('patrol.nfc_denied') : t('patrol.tags.failed')));
    }
  }
  search.addEventListener('input', renderList);
  renderList();
  mount(outlet, head, result, h('label', null, t('patrol.tags.find'), search), list);
}
