// Pieces of the receive and issue forms: the quantity with − and +, the bin chooser of a
// store, the result lines, and recording an op from a form button with its busy state.
import { h, icon, ICONS, mount } from '../dom.js';
import { t } from '../i18n.js';
import { failureText, markBusy, settle } from '../components/busy.js';
import { perform } from './common.js';

/** A quantity field with − and + (56 px steppers). */
export function quantityField(/** @type {string} */ label = t('part.quantity')) {
  const input = /** @type {HTMLInputElement} */ (
    h('input', { name: 'quantity', type: 'number', inputmode: 'numeric', min: 1, max: 1000000, step: 1, value: 1, required: true })
  );
  const step = (/** @type {number} */ by) => {
    input.value = String(Math.max(1, Math.min(1000000, (Number(input.value) || 0) + by)));
  };
  const el = h('div', { class: 'qty' },
    h('label', null, label, input),
    h('button', { type: 'button', class: 'step', onclick: () => step(-1) },
      h('span', { 'aria-hidden': 'true' }, '−'), h('span', { class: 'sr-only' }, t('part.less'))),
    h('button', { type: 'button', class: 'step', onclick: () => step(1) },
      h('span', { 'aria-hidden': 'true' }, '+'), h('span', { class: 'sr-only' }, t('part.more'))));
  return {
    el,
    input,
    value: () => Math.max(1, Math.floor(Number(input.value) || 1)),
    reset: () => {
      input.value = '1';
    },
  };
}

/**
 * The bins of a store in a select ("no bin" first), sorted by code.
 * @param {any} client
 * @param {string | null} storeId
 */
export async function binSelect(client, storeId) {
  const bins = storeId
    ? (await client.findBy('store_id', storeId)).filter((/** @type {any} */ r) => r.type === 'bin').sort((/** @type {any} */ a, /** @type {any} */ b) => String(a.code).localeCompare(String(b.code)))
    : [];
  const select = /** @type {HTMLSelectElement} */ (h('select', { name: 'bin' },
    h('option', { value: '' }, t('stock.no_bin')),
    bins.map((/** @type {any} */ b) => h('option', { value: b.id }, b.code))));
  return {
    el: h('label', null, t('stock.bin'), select),
    select,
    bins,
    value: () => select.value || null,
    set: (/** @type {string} */ id) => {
      select.value = id;
    },
    code: (/** @type {string | null} */ id) => bins.find((/** @type {any} */ b) => b.id === id)?.code ?? null,
  };
}

/**
 * A button that records an op: busy from the tap until the op is stored, the failure said
 * beside it in words, then a moment's wait against a gloved double tap.
 * @param {string} label
 * @param {() => Promise<unknown>} run
 */
export function recordButton(label, run) {
  const error = h('p', { class: 'alert', role: 'alert', hidden: true });
  const button = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: ['primary', 'big', 'wide'] }, label));
  button.addEventListener('click', async () => {
    if (button.disabled) return;
    markBusy(button, true);
    error.hidden = true;
    try {
      await run();
    } catch (failure) {
      console.error(failure);
      error.textContent = failureText(failure);
      error.hidden = false;
    } finally {
      markBusy(button, false);
    }
    settle();
  });
  return { el: h('div', null, error, button), button, error: (/** @type {string} */ text) => {
    error.textContent = text;
    error.hidden = false;
  } };
}

/** Store an op the user asked for; quiet: the result line says it. */
export const record = (/** @type {any} */ ctx, /** @type {string} */ name, /** @type {Record<string, unknown>} */ args) => perform(ctx, name, args, { quiet: true });

/**
 * The list of what was recorded on this screen, newest first.
 * @returns {{el: HTMLElement, add: (text: string, extra?: import('../dom.js').Child) => void}}
 */
export function doneList() {
  const list = h('ol', { class: ['scan-lines', 'done-lines'], 'aria-live': 'polite', 'aria-label': t('stock.recorded') });
  /** @type {HTMLElement[]} */
  const items = [];
  return {
    el: list,
    add(text, extra = null) {
      items.unshift(h('li', { class: ['scan-line', 'scan-done'] },
        h('div', { class: 'scan-open' }, icon(ICONS.ok), h('span', { class: 'scan-what' }, h('strong', null, text),
          h('span', { class: 'small muted' }, navigator.onLine === false ? t('act.saved_offline') : t('act.saved')), extra))));
      mount(list, items);
    },
  };
}

/** Undefined-free args: optional fields the server takes as absent are left out. */
export function args(/** @type {Record<string, unknown>} */ all) {
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== null && v !== undefined && v !== ''));
}
