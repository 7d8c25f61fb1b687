// The small forms of the order screen, each in a bottom sheet: hold, labour, part, note,
// complete, the requester's confirmation with a signature, and the rating. What is typed in
// each is kept as a draft per order ("note:<work order id>") until the action is stored.
import { h, icon, ICONS } from '../dom.js';
import { t } from '../i18n.js';
import { openSheet, userError } from '../components/sheet.js';
import { signaturePad } from '../components/signature.js';
import { scanButton, gtin14 } from '../components/scan-button.js';
import { perform } from './common.js';
import { partSource } from './part-source.js';

/**
 * Buttons that fill a field with a common value (reasons, minutes).
 * @param {HTMLInputElement} input
 * @param {string[]} values
 * @param {(v: string) => string} [label]
 */
function chips(input, values, label = (v) => v) {
  return h('div', { class: 'chips' }, values.map((value) =>
    h('button', {
      type: 'button',
      class: 'chip',
      onclick: () => {
        input.value = value;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        input.focus();
      },
    }, label(value))));
}

/**
 * The draft of one sheet of one order.
 * @param {any} ctx
 * @param {string} sheet
 * @param {string} id the work order's
 */
export const draftOf = (ctx, sheet, id) => ({ client: ctx.client, key: `${sheet}:${id}` });

/** @param {any} ctx @param {string} id */
export function holdSheet(ctx, id) {
  const reason = /** @type {HTMLInputElement} */ (h('input', { name: 'reason', required: true, maxlength: 200, autocomplete: 'off' }));
  openSheet({
    title: t('hold.title'),
    body: [
      h('label', null, t('hold.reason'), reason),
      chips(reason, [t('hold.parts'), t('hold.access'), t('hold.contractor')]),
    ],
    submit: t('action.hold'),
    draft: draftOf(ctx, 'hold', id),
    onSubmit: () => perform(ctx, 'work_order.hold', { work_order_id: id, reason: reason.value.trim() }),
  });
}

/** @param {any} ctx @param {string} id */
export function labourSheet(ctx, id) {
  const minutes = /** @type {HTMLInputElement} */ (
    h('input', { name: 'minutes', type: 'number', inputmode: 'numeric', min: 1, max: 1440, step: 1, required: true })
  );
  openSheet({
    title: t('labour.title'),
    body: [
      h('label', null, t('labour.minutes'), minutes),
      chips(minutes, ['15', '30', '45', '60', '90', '120'], (v) => t('time.min', { m: v })),
    ],
    submit: t('labour.submit'),
    draft: draftOf(ctx, 'labour', id),
    onSubmit: () => perform(ctx, 'work_order.log_labour', { work_order_id: id, minutes: Number(minutes.value) }),
  });
}

/** @param {any} ctx @param {string} id */
export function noteSheet(ctx, id) {
  const text = /** @type {HTMLTextAreaElement} */ (h('textarea', { name: 'text', required: true, maxlength: 4000, rows: 4 }));
  openSheet({
    title: t('note.title'),
    body: h('label', null, t('note.text'), text),
    submit: t('note.submit'),
    draft: draftOf(ctx, 'note', id),
    onSubmit: () => perform(ctx, 'work_order.note', { work_order_id: id, text: text.value.trim() }),
  });
}

/**
 * @param {any} ctx
 * @param {string} id
 * @param {() => void} [then] after completing: the requester's confirmation on the spot
 */
export function completeSheet(ctx, id, then) {
  const text = /** @type {HTMLTextAreaElement} */ (h('textarea', { name: 'resolution', required: true, maxlength: 4000, rows: 5 }));
  let done = false;
  openSheet({
    title: t('complete.title'),
    intro: t('complete.intro'),
    body: h('label', null, t('complete.resolution'), text),
    submit: t('complete.submit'),
    draft: draftOf(ctx, 'complete', id),
    onSubmit: async () => {
      await perform(ctx, 'work_order.complete', { work_order_id: id, resolution: text.value.trim() });
      done = true;
    },
    onClose: () => {
      if (done && then) then();
    },
  });
}

/**
 * The requester confirms the repair with their employee number and a signature, on the
 * technician's phone (onSite) or on their own.
 * @param {any} ctx
 * @param {any} order
 * @param {{onSite: boolean, thenRate?: boolean}} options
 */
export function confirmSheet(ctx, order, { onSite, thenRate = false }) {
  const employee = /** @type {HTMLInputElement} */ (
    h('input', {
      name: 'employee_no', required: true, maxlength: 32, autocomplete: 'off', autocapitalize: 'characters',
      spellcheck: 'false', value: onSite ? '' : ctx.user.employee_no || '',
    })
  );
  const pad = signaturePad();
  let done = false;
  openSheet({
    title: onSite ? t('confirm.title_on_site') : t('confirm.title'),
    intro: onSite ? t('confirm.intro_on_site') : t('confirm.intro'),
    body: [h('label', null, t('confirm.employee_no'), employee), pad.el],
    submit: t('confirm.submit'),
    // The employee number is kept; a signature is drawn again (it is the person's own).
    draft: draftOf(ctx, 'confirm', order.id),
    onSubmit: async () => {
      if (pad.isEmpty()) throw userError(t('confirm.sign_first'));
      const blob = await pad.toBlob();
      const sha = await ctx.client.storeBlob(new Uint8Array(await blob.arrayBuffer()), 'image/png');
      await perform(ctx, 'work_order.confirm',
        { work_order_id: order.id, employee_no: employee.value.trim().toUpperCase(), signature_sha256: sha },
        { blobs: [sha] });
      done = true;
    },
    onClose: () => {
      if (done && thenRate) rateSheet(ctx, order.id);
    },
  });
}

/** @param {any} ctx @param {string} id */
export function rateSheet(ctx, id) {
  const stars = [1, 2, 3, 4, 5].map((n) => {
    const input = /** @type {HTMLInputElement} */ (
      h('input', { type: 'radio', name: 'score', value: n, required: n === 1, class: 'visually-hidden' })
    );
    return { n, input, label: h('label', { class: 'star' }, input, icon(ICONS.star), h('span', { class: 'sr-only' }, t(`rate.score.${n}`))) };
  });
  const words = h('p', { class: 'star-words', 'aria-hidden': 'true' }, '\u00a0');
  const paint = () => {
    const chosen = stars.find((s) => s.input.checked)?.n ?? 0;
    for (const s of stars) s.label.classList.toggle('on', s.n <= chosen);
    words.textContent = chosen ? t(`rate.score.${chosen}`) : '\u00a0';
  };
  for (const s of stars) s.input.addEventListener('change', paint);
  const yes = h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'fixed', value: 'yes', required: true }), t('rate.fixed_yes'));
  const no = h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'fixed', value: 'no' }), t('rate.fixed_no'));
  const comment = /** @type {HTMLTextAreaElement} */ (h('textarea', { name: 'comment', maxlength: 4000, rows: 3 }));
  openSheet({
    title: t('rate.title'),
    body: [
      h('fieldset', { class: 'stars' },
        h('legend', null, t('rate.how')),
        h('div', { class: 'star-row' }, stars.map((s) => s.label)),
        words),
      h('fieldset', { class: 'yes-no' }, h('legend', null, t('rate.fixed')), h('div', { class: 'choices' }, yes, no)),
      h('label', null, t('rate.comment'), comment),
    ],
    submit: t('rate.submit'),
    draft: draftOf(ctx, 'rate', id),
    onSubmit: async (form) => {
      const data = new FormData(form);
      const score = Number(data.get('score'));
      if (!score) throw userError(t('rate.choose_score'));
      await perform(ctx, 'work_order.rate', {
        work_order_id: id, score, fixed: data.get('fixed') === 'yes', comment: comment.value.trim(),
      });
    },
  });
}

/**
 * Add a part: scan its barcode (GTIN, or the item code) or search by name or code.
 * @param {any} ctx
 * @param {string} id
 */
export async function addPart(ctx, id) {
  const items = /** @type {any[]} */ (await ctx.client.list('item'));
  // From the technician's van (else the site's store) as a stock issue to the order.
  const source = await partSource(ctx, id);
  /** @type {any} */
  let chosen = null;
  /** @type {string | null} the lot a GS1 scan named */
  let scannedLot = null;
  let scanText = '';
  const search = /** @type {HTMLInputElement} */ (
    h('input', { type: 'search', autocomplete: 'off', spellcheck: 'false', enterkeyhint: 'search', 'aria-controls': 'part-results' })
  );
  const results = h('ul', { id: 'part-results', class: 'pick-list', 'aria-live': 'polite' });
  const picked = h('p', { class: 'picked', 'aria-live': 'polite' }, t('part.none_chosen'));
  const repeated = h('p', { class: 'small muted', role: 'status', hidden: true });
  const quantity = /** @type {HTMLInputElement} */ (
    h('input', { name: 'quantity', type: 'number', inputmode: 'numeric', min: 1, max: 10000, step: 1, value: 1, required: true })
  );
  const step = (/** @type {number} */ by) => {
    quantity.value = String(Math.max(1, Math.min(10000, (Number(quantity.value) || 0) + by)));
    quantity.dispatchEvent(new Event('input', { bubbles: true }));
  };

  function choose(/** @type {any} */ item, /** @type {string | null} */ lot = null) {
    chosen = item;
    scannedLot = lot;
    picked.replaceChildren(
      h('strong', null, item.name), ' ',
      h('span', { class: 'muted' }, `${item.code} · ${t('part.unit', { unit: item.unit })}`));
    source?.show(item, lot);
    results.replaceChildren();
    search.value = '';
    picked.dispatchEvent(new Event('change', { bubbles: true })); // the draft keeps the choice
  }

  function find() {
    const q = search.value.trim().toLowerCase();
    if (q.length < 2) {
      results.replaceChildren();
      return;
    }
    const found = items
      .filter((i) => i.name.toLowerCase().includes(q) || i.code.toLowerCase().includes(q) || (i.gtins || []).some((g) => g.includes(q)))
      .slice(0, 8);
    results.replaceChildren(
      ...(found.length
        ? found.map((i) => h('li', null, h('button', { type: 'button', class: 'pick', onclick: () => choose(i) },
          h('span', null, i.name), h('span', { class: 'small muted' }, i.code))))
        : [h('li', { class: 'muted' }, t('part.no_match'))]),
    );
  }
  search.addEventListener('input', find);

  const scanner = scanButton({
    label: t('part.scan'),
    hint: t('part.scan_hint'),
    onRepeat: (c) => {
      repeated.textContent = t('scan.already', { code: c.text });
      repeated.hidden = false;
    },
    onScan: (c) => {
      repeated.hidden = true;
      const code = c.kind === 'gtin' ? c.gtin : c.kind === 'text' ? gtin14(c.text) : null;
      const text = (c.text || '').trim().toUpperCase();
      const item = items.find((i) => (code && (i.gtins || []).includes(code)) || i.code.toUpperCase() === text);
      if (item) {
        scanText = String(c.text || '').slice(0, 300);
        choose(item, c.kind === 'gtin' ? c.lot ?? null : null);
        quantity.focus();
      } else {
        picked.replaceChildren(h('span', { class: 'warn-text' }, t('part.unknown_code', { code: c.text })));
      }
    },
  });

  openSheet({
    title: t('part.title'),
    body: [
      source?.el,
      scanner.el,
      repeated,
      h('label', null, t('part.search'), search),
      results,
      h('div', { class: 'picked-box' }, h('p', { class: 'label' }, t('part.chosen')), picked),
      h('div', { class: 'qty' },
        h('label', null, t('part.quantity'), quantity),
        h('button', { type: 'button', class: 'step', onclick: () => step(-1) },
          h('span', { 'aria-hidden': 'true' }, '−'), h('span', { class: 'sr-only' }, t('part.less'))),
        h('button', { type: 'button', class: 'step', onclick: () => step(1) },
          h('span', { 'aria-hidden': 'true' }, '+'), h('span', { class: 'sr-only' }, t('part.more')))),
    ],
    submit: t('part.submit'),
    draft: {
      ...draftOf(ctx, 'part', id),
      collect: () => ({ item_id: chosen?.id ?? null, quantity: quantity.value }),
      restore: (/** @type {Record<string, any>} */ kept) => {
        const item = kept.item_id ? items.find((i) => i.id === kept.item_id) : null;
        if (item && !chosen) choose(item);
        if (kept.quantity && quantity.value === '1') quantity.value = String(kept.quantity);
      },
    },
    onSubmit: async () => {
      if (!chosen) throw userError(t('part.choose_first'));
      if (source) {
        await perform(ctx, 'stock.issue', source.args(chosen, Number(quantity.value), scannedLot, scanText));
      } else {
        await perform(ctx, 'work_order.add_part', { work_order_id: id, item_id: chosen.id, quantity: Number(quantity.value) });
      }
    },
    onClose: () => scanner.dispose(),
  });
}
