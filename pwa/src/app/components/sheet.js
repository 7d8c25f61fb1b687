// A bottom sheet: a modal <dialog> holding one small form (a hold reason, labour minutes,
// a signature). Reachable with one thumb, closed with Escape or Cancel, and it gives focus
// back to the button that opened it. A tap beside it does nothing: a stray touch must not
// throw away a typed resolution or a signature.
import { h } from '../dom.js';
import { t } from '../i18n.js';

let counter = 0;

/** An error whose message is meant for the user as it is (a missing signature...). */
export function userError(/** @type {string} */ message) {
  return Object.assign(new Error(message), { userMessage: message });
}

/**
 * @param {object} options
 * @param {string} options.title
 * @param {import('../dom.js').Child} options.body form controls (named inputs)
 * @param {string} options.submit the submit button's label
 * @param {(form: HTMLFormElement) => Promise<boolean | void> | boolean | void} options.onSubmit
 *   false keeps the sheet open; a thrown error is shown in it
 * @param {string} [options.intro]
 * @param {() => void} [options.onClose]
 * @returns {{dialog: HTMLDialogElement, close: () => void, error: (message: string) => void}}
 */
export function openSheet({ title, intro, body, submit, onSubmit, onClose }) {
  const id = `sheet-${++counter}`;
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const errorBox = h('p', { class: 'alert', role: 'alert', hidden: true });
  const submitButton = h('button', { type: 'submit', class: 'primary' }, submit);
  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { method: 'dialog', 'aria-labelledby': `${id}-title` },
      h('div', { class: 'sheet-head' },
        h('h2', { id: `${id}-title` }, title),
        h('button', { type: 'button', class: 'ghost close', onclick: () => close() },
          h('span', { 'aria-hidden': 'true' }, '×'), h('span', { class: 'sr-only' }, t('common.close')))),
      intro && h('p', { class: 'muted' }, intro),
      h('div', { class: 'sheet-body' }, body),
      errorBox,
      h('div', { class: 'sheet-actions' },
        h('button', { type: 'button', onclick: () => close() }, t('common.cancel')),
        submitButton),
    )
  );
  const dialog = /** @type {HTMLDialogElement} */ (
    h('dialog', { class: 'sheet', 'aria-labelledby': `${id}-title` }, form)
  );

  function error(/** @type {string} */ message) {
    errorBox.textContent = message;
    errorBox.hidden = !message;
  }

  let closed = false;
  function close() {
    if (closed) return;
    closed = true;
    window.removeEventListener('hashchange', close);
    if (dialog.open) dialog.close();
    dialog.remove();
    if (opener && opener.isConnected) opener.focus();
    onClose?.();
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error('');
    if (!form.reportValidity()) return;
    submitButton.disabled = true;
    try {
      const result = await onSubmit(form);
      if (result !== false) close();
    } catch (err) {
      console.error(err);
      const e = /** @type {any} */ (err);
      if (e?.userMessage) error(e.userMessage);
      else error(e?.message ? t('common.failed', { message: e.message }) : t('common.failed_plain'));
    } finally {
      submitButton.disabled = false;
    }
  });
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    close();
  });

  // The phone's Back button (or any route change) takes the sheet away with the screen.
  window.addEventListener('hashchange', close, { once: true });
  document.body.append(dialog);
  dialog.showModal();
  return { dialog, close, error };
}
