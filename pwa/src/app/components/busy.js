// Buttons that record a step. A gloved hand often taps twice: the button is disabled (and
// says it is busy) from the first tap until its action is stored, and the step buttons the
// screen shows next stay disabled for a moment after, so the second tap of a double tap
// cannot land on the next step ("Accept" becomes "Start" under the finger). A failed action
// is said in the user's language and the button comes back; nothing typed is lost.
import { h } from '../dom.js';
import { t } from '../i18n.js';

/** How long after a step is stored the next step buttons ignore taps (a double tap's gap). */
export const SETTLE_MS = 600;

let settledAt = 0;
const clock = () => performance.now();

/** A step was stored: the step buttons on screen, and those drawn next, wait a moment. */
export function settle() {
  settledAt = clock() + SETTLE_MS;
  for (const button of document.querySelectorAll('button[data-step]')) hold(/** @type {HTMLButtonElement} */ (button));
}

/** Resolves when the moment after the last stored step is over. */
export function settled() {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, settledAt - clock())));
}

/** @param {HTMLButtonElement} button */
function hold(button) {
  const left = settledAt - clock();
  if (left <= 0 || button.disabled) return;
  button.disabled = true;
  button.dataset.settling = '';
  setTimeout(() => {
    if (!button.isConnected || !('settling' in button.dataset)) return;
    delete button.dataset.settling;
    button.disabled = false;
  }, left);
}

/**
 * Mark a button busy while `work` runs.
 * @param {HTMLButtonElement} button
 * @param {boolean} busy
 */
export function markBusy(button, busy) {
  button.disabled = busy;
  button.classList.toggle('busy', busy);
  if (busy) button.setAttribute('aria-busy', 'true');
  else button.removeAttribute('aria-busy');
}

/**
 * Why an action could not be stored, in the user's language.
 * @param {unknown} error
 */
export function failureText(error) {
  const e = /** @type {any} */ (error);
  if (e?.userMessage) return String(e.userMessage);
  // The client's own codes (src/sync/client.js): a full disk, or the storage closed for good
  // (then the action is kept and saved after the reload: trying again would record it twice).
  if (e?.code === 'storage_full' || e?.code === 'storage_lost') return t(`error.${e.code}`);
  const name = e?.name ?? e?.inner?.name;
  if (name === 'QuotaExceededError' || e?.code === 'quota_exceeded') return t('act.failed_full');
  if (e?.code === 'signed_out') return t('act.failed_signed_out');
  if (name === 'InvalidStateError' || name === 'UnknownError' || name === 'TransactionInactiveError') {
    return t('act.failed_reload');
  }
  return t('act.failed');
}

/**
 * A button that takes a step of the work: `run` stores it (or opens the sheet that will).
 * @param {object} options
 * @param {string} options.label
 * @param {() => unknown} options.run
 * @param {boolean} [options.records] true when `run` stores an action (the next step
 *   buttons then wait a moment); false when it only opens a sheet
 * @param {(message: string | null) => void} [options.onFailure] show (or clear) the error
 * @param {string} [options.cls]
 * @param {string} [options.key] data-key: focus stays on the step's place after a re-render
 */
export function stepButton({ label, run, records = false, onFailure, cls = '', key }) {
  const button = /** @type {HTMLButtonElement} */ (
    h('button', { type: 'button', class: cls || null, 'data-step': '', 'data-key': key ?? null }, label)
  );
  button.addEventListener('click', async () => {
    if (button.disabled) return;
    markBusy(button, true);
    onFailure?.(null);
    try {
      await run();
    } catch (error) {
      console.error(error);
      markBusy(button, false);
      onFailure?.(failureText(error));
      return;
    }
    markBusy(button, false);
    // Stored: this button and the next step's wait out a double tap's second tap.
    if (records) settle();
  });
  hold(button);
  return button;
}
