// Report a fault: what is broken (scan the equipment's QR label, or pick the room), what is
// wrong, how urgent, and a photo if it helps. The report is stored on the phone at once
// with a new id and goes to the desk with the next sync. What is typed is kept as a draft
// ('report') until then: Back, a reload or a killed tab lose nothing.
import { h, mount } from '../dom.js';
import { formatDateTime, t } from '../i18n.js';
import { fieldsOf, keepDraft } from '../drafts.js';
import { failureText, markBusy, settle, settled } from '../components/busy.js';
import { isField, isRequester } from '../router.js';
import { scanButton } from '../components/scan-button.js';
import { photoButton, storePhoto } from '../components/photo.js';
import { locationPath, pageHead, pathText, perform, places, storageMessage } from './common.js';

/** @param {import('../router.js').ViewContext} ctx */
export default async function reportView(ctx) {
  const { client, user, outlet, query } = ctx;
  const p = await places(client);
  if (!ctx.alive()) return;

  /** @type {any} */
  let asset = null;
  /** @type {any} */
  let location = null;
  /** @type {string | null} */
  let scanProblem = null;
  /** @type {{sha256: string, url: string}[]} */
  const photos = [];
  let siteId = user.site_ids?.length === 1 ? user.site_ids[0] : p.sites.size === 1 ? [...p.sites.keys()][0] : '';
  let buildingId = '';

  /** @type {{changed: () => void} | null} set once the form exists */
  let draft = null;
  const edited = () => draft?.changed();

  const findTag = (/** @type {string} */ tag) =>
    [...p.assets.values()].find((a) => String(a.tag_code).toUpperCase() === tag.toUpperCase()) ?? null;

  const wanted = query.get('asset');
  if (wanted) {
    asset = findTag(wanted);
    if (!asset) scanProblem = t('report.tag_unknown', { tag: wanted });
  }

  const whatBox = h('div', { class: 'what-box' });
  const description = /** @type {HTMLTextAreaElement} */ (
    h('textarea', { id: 'r-desc', name: 'description', required: true, maxlength: 4000, rows: 4, 'aria-describedby': 'r-desc-hint' })
  );
  const photoList = h('ul', { class: 'thumbs' });
  const formError = h('p', { class: 'alert', role: 'alert', hidden: true });
  const draftState = h('p', { class: 'draft-state small muted', hidden: true });

  const scanner = scanButton({
    label: t('report.scan'),
    hint: t('report.scan_hint'),
    onRepeat: (c) => ctx.toast(t('scan.already', { code: c.text })),
    onScan: (c) => {
      if (c.kind === 'asset' && c.tag) {
        const found = findTag(c.tag);
        if (found) {
          asset = found;
          location = null;
          scanProblem = null;
        } else {
          scanProblem = t('report.tag_unknown', { tag: c.tag });
        }
      } else {
        scanProblem = t('report.not_a_tag', { text: c.text });
      }
      renderWhat();
      edited();
      whatBox.querySelector('h3, .alert')?.setAttribute('tabindex', '-1');
      /** @type {HTMLElement | null} */ (whatBox.querySelector('h3, .alert'))?.focus();
    },
  });
  ctx.onCleanup(() => scanner.dispose());

  function renderWhat() {
    if (asset) {
      const path = locationPath(asset.location_id, p);
      mount(whatBox,
        h('div', { class: 'chosen' },
          h('h3', null, asset.name),
          h('p', { class: 'small' }, h('span', { class: 'tag-code' }, t('order.tag', { tag: asset.tag_code })), ' ', pathText(path)),
          h('button', { type: 'button', onclick: () => { asset = null; renderWhat(); edited(); } }, t('report.change'))));
      return;
    }
    if (location) {
      mount(whatBox,
        h('div', { class: 'chosen' },
          h('h3', null, location.name),
          h('p', { class: 'small' }, pathText(locationPath(location.id, p))),
          h('button', { type: 'button', onclick: () => { location = null; renderWhat(); edited(); } }, t('report.change'))));
      return;
    }
    const sites = [...p.sites.values()].sort((a, b) => a.name.localeCompare(b.name));
    const buildings = [...p.buildings.values()].filter((b) => !siteId || b.site_id === siteId).sort((a, b) => a.name.localeCompare(b.name));
    if (buildings.length === 1) buildingId = buildings[0].id;
    const search = /** @type {HTMLInputElement} */ (
      h('input', { id: 'r-room', type: 'search', autocomplete: 'off', enterkeyhint: 'search', 'aria-controls': 'r-rooms', 'data-key': 'r-room' })
    );
    const list = h('ul', { id: 'r-rooms', class: 'pick-list' });
    const showRooms = () => {
      const q = search.value.trim().toLowerCase();
      const rooms = [...p.locations.values()]
        .filter((l) => (!siteId || l.site_id === siteId) && (!buildingId || l.building_id === buildingId))
        .filter((l) => !q || l.name.toLowerCase().includes(q) || l.code.toLowerCase().includes(q))
        .sort((a, b) => a.code.localeCompare(b.code));
      const shown = rooms.slice(0, 30);
      list.replaceChildren(
        ...shown.map((l) => h('li', null,
          h('button', { type: 'button', class: 'pick', onclick: () => { location = l; renderWhat(); edited(); /** @type {HTMLElement | null} */ (whatBox.querySelector('h3'))?.focus(); } },
            h('span', null, l.name),
            h('span', { class: 'small muted' },
              [l.code, l.parent_id ? p.locations.get(l.parent_id)?.name : null, p.buildings.get(l.building_id)?.name]
                .filter(Boolean).join(' · '))))),
        rooms.length > shown.length ? h('li', { class: 'small muted' }, t('report.more_rooms', { n: rooms.length - shown.length })) : null,
        rooms.length === 0 ? h('li', { class: 'muted' }, t('report.no_rooms')) : null,
      );
    };
    search.addEventListener('input', showRooms);
    const siteSelect = h('select', {
      id: 'r-site',
      onchange: (/** @type {Event} */ e) => { siteId = /** @type {HTMLSelectElement} */ (e.target).value; buildingId = ''; renderWhat(); },
    },
    h('option', { value: '' }, t('report.any_site')),
    sites.map((s) => h('option', { value: s.id, selected: s.id === siteId }, s.name)));
    const buildingSelect = h('select', {
      id: 'r-building',
      onchange: (/** @type {Event} */ e) => { buildingId = /** @type {HTMLSelectElement} */ (e.target).value; showRooms(); },
    },
    h('option', { value: '' }, t('report.any_building')),
    buildings.map((b) => h('option', { value: b.id, selected: b.id === buildingId }, b.name)));
    mount(whatBox,
      scanProblem && h('p', { class: 'alert', role: 'alert' }, scanProblem),
      scanner.el,
      h('p', { class: 'or' }, h('span', null, t('report.or_room'))),
      sites.length > 1 && h('label', { for: 'r-site' }, t('report.site'), siteSelect),
      h('label', { for: 'r-building' }, t('report.building'), buildingSelect),
      h('label', { for: 'r-room' }, t('report.room'), search),
      list);
    showRooms();
  }

  function renderPhotos() {
    mount(photoList, photos.map((ph, i) =>
      h('li', null,
        h('img', { src: ph.url, alt: t('report.photo_alt', { n: i + 1 }) }),
        h('button', {
          type: 'button', class: 'ghost',
          onclick: () => { URL.revokeObjectURL(ph.url); photos.splice(i, 1); renderPhotos(); edited(); },
        }, t('report.photo_remove')))));
  }
  ctx.onCleanup(() => photos.forEach((ph) => URL.revokeObjectURL(ph.url)));

  const priorities = [1, 2, 3, 4, 5].map((n) =>
    h('label', { class: ['priority-choice', `p${n}`] },
      h('input', { type: 'radio', name: 'priority', value: n, checked: n === 3 }),
      h('span', { class: 'pc-text' },
        h('strong', null, t(`priority.${n}`)),
        h('span', { class: 'small' }, t(`priority.${n}.hint`)))));

  const form = /** @type {HTMLFormElement} */ (h('form', { class: 'report-form', novalidate: true },
    h('section', { class: 'card', 'aria-labelledby': 'r-what' },
      h('h2', { id: 'r-what' }, t('report.what')),
      whatBox),
    h('section', { class: 'card', 'aria-labelledby': 'r-wrong' },
      h('h2', { id: 'r-wrong' }, t('report.wrong')),
      h('label', { for: 'r-desc' }, t('report.description')),
      h('p', { id: 'r-desc-hint', class: 'small muted' }, t('report.description_hint')),
      description),
    h('section', { class: 'card' },
      h('fieldset', { class: 'priorities' },
        h('legend', null, h('h2', null, t('report.urgency'))),
        priorities)),
    h('section', { class: 'card', 'aria-labelledby': 'r-photo' },
      h('h2', { id: 'r-photo' }, t('report.photo')),
      photoList,
      photoButton({
        label: t('report.add_photo'),
        onFile: async (file) => {
          try {
            const { sha256, blob } = await storePhoto(client, file);
            photos.push({ sha256, url: URL.createObjectURL(blob) });
            renderPhotos();
            edited();
          } catch (error) {
            console.error(error);
            ctx.toast(/** @type {any} */ (error)?.code === 'storage_full' ? t('photo.no_room') : storageMessage(error) ?? t('photo.failed'));
          }
        },
      })),
    formError,
    draftState,
    h('button', { type: 'submit', class: 'primary big wide' }, t('report.submit'))));

  const fields = fieldsOf(form);
  const kept = keepDraft(client, 'report', {
    collect: () => ({
      ...fields.collect(),
      asset_id: asset?.id ?? null,
      location_id: location?.id ?? null,
      photos: photos.map((ph) => ph.sha256),
    }),
    restore: (values) => {
      fields.restore(values);
      // A tag in the link (a scanned label) names the equipment; otherwise the draft's choice.
      if (!wanted && !asset && !location) {
        asset = values.asset_id ? p.assets.get(String(values.asset_id)) ?? null : null;
        location = !asset && values.location_id ? p.locations.get(String(values.location_id)) ?? null : null;
        renderWhat();
      }
      const shas = Array.isArray(values.photos) ? values.photos.map(String) : [];
      void Promise.all(shas.map(async (sha256) => ({ sha256, url: await client.blobUrl(sha256) }))).then((found) => {
        if (!ctx.alive()) return;
        for (const ph of found) if (ph.url && !photos.some((x) => x.sha256 === ph.sha256)) photos.push(ph);
        renderPhotos();
      });
    },
    onSaved: (at) => {
      draftState.hidden = !at;
      draftState.textContent = at ? t('draft.kept', { when: formatDateTime(at) }) : '';
    },
  });
  draft = kept;
  form.addEventListener('input', edited);
  form.addEventListener('change', edited);
  ctx.onCleanup(() => void kept.close());

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    formError.hidden = true;
    const problems = [];
    if (!asset && !location) problems.push(t('report.need_what'));
    if (!description.value.trim()) problems.push(t('report.need_description'));
    if (problems.length) {
      formError.textContent = problems.join(' ');
      formError.hidden = false;
      formError.setAttribute('tabindex', '-1');
      formError.focus();
      return;
    }
    const submit = /** @type {HTMLButtonElement} */ (form.querySelector('button[type=submit]'));
    if (submit.disabled) return;
    markBusy(submit, true);
    const id = crypto.randomUUID();
    try {
      const priority = Number(new FormData(form).get('priority') || 3);
      /** @type {Record<string, unknown>} */
      const args = { work_order_id: id, description: description.value.trim(), priority };
      if (asset) args.asset_id = asset.id;
      else args.location_id = location.id;
      const shas = photos.map((ph) => ph.sha256);
      if (shas.length) args.photos = shas;
      await perform(ctx, 'work_order.report', args, { blobs: shas, quiet: true });
    } catch (error) {
      // Not stored: say why; everything typed stays in the form (and in its draft).
      console.error(error);
      formError.textContent = failureText(error);
      formError.hidden = false;
      markBusy(submit, false);
      return;
    }
    await kept.discard().catch((e) => console.warn('draft not dropped', e));
    settle();
    ctx.toast(navigator.onLine === false ? t('report.sent_offline') : t('report.sent'));
    // The button stays disabled a moment: a double tap's second tap must not land on the
    // screen that follows.
    submit.classList.remove('busy');
    submit.removeAttribute('aria-busy');
    await settled();
    if (!ctx.alive()) return;
    ctx.navigate(isRequester(user) || isField(user) ? `/orders/${id}` : '/report', { replace: true });
  });

  mount(outlet,
    pageHead(t('report.title'), { sub: h('p', { class: 'muted' }, t('report.intro')) }),
    form);
  renderWhat();
}
