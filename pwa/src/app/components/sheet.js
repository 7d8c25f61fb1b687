// A bottom sheet: a modal <dialog> holding one small form (a hold reason, labour minutes,
// a signature). Reachable with one thumb, closed with Escape or Cancel, and it gives focus
// back to the button that opened it. A tap beside it does nothing: a stray touch must not
// throw away a typed resolution or a signature. With a draft key, what is typed is kept on
// the phone (Back, a reload, a killed tab) until the action is stored.
import { h } from '../dom.js';
import { formatDateTime, t } from '../i18n.js';
import { fieldsOf, keepDraft } from '../drafts.js';
import { failureText, markBusy, settle, settled } from './busy.js';

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
 * @param {{client: any, key: string, collect?: () => Record<string, unknown>,
 *   restore?: (fields: Record<string, unknown>) => void}} [options.draft] keep what is typed
 *   under `key` ("note:<work order id>"); by default the form's named fields
 * @returns {{dialog: HTMLDialogElement, close: () => void, error: (message: string) => void,
 *   restored: Promise<unknown>}}
 */
export function openSheet({ title, intro, body, submit, onSubmit, onClose, draft }) {
  const id = `sheet-${++counter}`;
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const errorBox = h('p', { class: 'alert', role: 'alert', hidden: true });
  const submitButton = /** @type {HTMLButtonElement} */ (h('button', { type: 'submit', class: 'primary' }, submit));
  const draftState = h('p', { class: 'draft-state small muted', hidden: true });
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
      draftState,
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

  const fields = draft && !draft.collect ? fieldsOf(form) : null;
  const kept = draft
    ? keepDraft(draft.client, draft.key, {
      collect: draft.collect ?? (() => /** @type {any} */ (fields).collect()),
      restore: draft.restore ?? ((values) => /** @type {any} */ (fields).restore(values)),
      onSaved: (at) => {
        draftState.hidden = !at;
        draftState.textContent = at ? t('draft.kept', { when: formatDateTime(at) }) : '';
      },
    })
    : null;
  if (kept) {
    form.addEventListener('input', () => kept.changed());
    form.addEventListener('change', () => kept.changed());
  }

  let closed = false;
  function close() {
    if (closed) return;
    closed = true;
    window.removeEventListener('hashchange', close);
    void kept?.close();
    if (dialog.open) dialog.close();
    dialog.remove();
    if (opener && opener.isConnected) opener.focus();
    onClose?.();
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error('');
    if (submitButton.disabled || !form.reportValidity()) return;
    markBusy(submitButton, true);
    let result;
    try {
      result = await onSubmit(form);
    } catch (err) {
      // Not stored: say why; the sheet stays open with everything typed in it.
      console.error(err);
      error(failureText(err));
      markBusy(submitButton, false);
      return;
    }
    if (result === false) {
      markBusy(submitButton, false);
      return;
    }
    // Stored: the draft goes. The sheet stays a moment, its button disabled, so a double
    // tap's second tap lands on it and not on whatever lies under it.
    await kept?.discard().catch((/** @type {unknown} */ e) => console.warn('draft not dropped', e));
    settle();
    submitButton.classList.remove('busy');
    submitButton.removeAttribute('aria-busy');
    await settled();
    close();
  });
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    close();
  });

  // The phone's Back button (or any route change) takes the sheet away with the screen.
  window.addEventListener('hashchange', close, { once: true });
  document.body.append(dialog);
  dialog.showModal();
  return { dialog, close, error, restored: kept?.restored ?? Promise.resolve(undefined) };
}
