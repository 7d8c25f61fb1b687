// Scanning a checkpoint: the QR code by camera (or a photo of it, or a wedge scanner), the
// NFC tag where the browser has Web NFC (Chrome on Android, started by a tap), and typing
// the code by hand only with a reason, which the record keeps and every report flags.
// Each reaches the screen as onScan({text, uid, method, reason}).
import { h, icon, ICONS } from '../dom.js';
import { t } from '../i18n.js';
import RULES from '../../shared/rules.js';
import { scanButton } from './scan-button.js';

const METHODS = new Set(RULES.patrol.scan_methods);

/** @typedef {{text: string, uid: string, method: string, reason: string}} CheckpointRead */

/**
 * @param {{onScan: (read: CheckpointRead) => void | Promise<void>, label?: string, onCleanup: (fn: () => void) => void}} options
 */
export function checkpointScan({ onScan, label = t('patrol.scan'), onCleanup }) {
  const status = h('p', { class: 'muted', role: 'status' });
  const code = /** @type {HTMLInputElement} */ (h('input', { name: 'manual_code', autocomplete: 'off', autocapitalize: 'characters', required: true }));
  const reason = /** @type {HTMLInputElement} */ (h('input', { name: 'manual_reason', maxlength: 200, required: true }));
  const manual = /** @type {HTMLDetailsElement} */ (h('details', { class: 'card manual-checkpoint' },
    h('summary', null, t('patrol.manual')),
    h('p', { class: 'muted' }, t('patrol.manual_hint')),
    h('label', null, t('patrol.manual_code'), code),
    h('label', null, t('patrol.manual_reason'), reason),
    h('button', { type: 'button', onclick: () => useManual() }, t('patrol.manual_record'))));

  /** @param {CheckpointRead} read */
  const deliver = (read) => {
    if (!METHODS.has(read.method)) return;
    Promise.resolve(onScan(read)).catch((error) => console.error(error));
  };

  function useManual() {
    if (!code.value.trim()) return code.focus();
    if (!reason.value.trim()) {
      status.textContent = t('patrol.manual_needs_reason');
      return reason.focus();
    }
    deliver({ text: code.value.trim(), uid: '', method: 'manual', reason: reason.value.trim() });
    code.value = '';
    reason.value = '';
    manual.open = false;
  }

  const qr = scanButton({
    label,
    hint: t('patrol.scan_hint'),
    onScan: (c) => {
      // A code typed into the camera sheet is a manual entry: it needs its reason here.
      if (c.source === 'manual') {
        code.value = c.text;
        manual.open = true;
        status.textContent = t('patrol.manual_needs_reason');
        reason.focus();
        return;
      }
      deliver({ text: c.text, uid: '', method: 'qr', reason: '' });
    },
  });
  onCleanup(() => qr.dispose());

  /** @type {(() => void) | null} */
  let stopNfc = null;
  onCleanup(() => stopNfc?.());
  const nfcButton = h('button', { type: 'button', class: 'nfc-button', hidden: true }, t('patrol.nfc_start'));
  import('../../scan/nfc.js').then((nfc) => {
    if (!nfc.nfcAvailable()) return;
    nfcButton.hidden = false;
    nfcButton.addEventListener('click', async () => {
      if (stopNfc) return;
      try {
        stopNfc = await nfc.startNfc({
          onScan: (event) => deliver({ text: event.text, uid: event.uid, method: 'nfc', reason: '' }),
          onError: () => { status.textContent = t('patrol.nfc_unreadable'); },
        });
        nfcButton.textContent = t('patrol.nfc_listening');
        nfcButton.setAttribute('aria-pressed', 'true');
      } catch (error) {
        status.textContent = /** @type {any} */ (error)?.name === 'NotAllowedError' ? t('patrol.nfc_denied') : t('patrol.nfc_failed');
      }
    });
  });

  return {
    el: h('div', { class: 'checkpoint-scan' }, h('div', { class: 'scan-row' }, qr.el, nfcButton), status, manual),
    status,
  };
}

/** The icon of a stop's state, for lists. */
export function stateIcon(/** @type {string} */ state) {
  return state === 'done' ? icon(ICONS.ok) : state === 'late' || state === 'overdue' ? icon(ICONS.error) : null;
}
