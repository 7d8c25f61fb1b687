// Continuous scan mode: one scan after another from the camera (kept open, in the page),
// a keyboard-wedge scanner or a typed code, each confirmed at once by a short beep
// (WebAudio) and a vibration where the phone has them; the screen adds a line per scan.
// Scans reach the screen read by the stock screens' one adapter (src/app/stock-scan.js).
import { h, icon, ICONS } from '../dom.js';
import { t } from '../i18n.js';
import { readScan } from '../stock-scan.js';
import { takeScans } from './scan-button.js';

/** @type {AudioContext | null} */
let audio = null;

/**
 * Confirm a scan: a short high beep and a tap of vibration when it named something, a low
 * double beep and a longer buzz when it did not (or needs a look).
 * @param {boolean} ok
 */
export function confirmScan(ok) {
  try {
    navigator.vibrate?.(ok ? 40 : [90, 60, 90]);
  } catch {
    // vibration refused (no user gesture yet): the beep and the line still say it
  }
  try {
    const Ctx = globalThis.AudioContext ?? /** @type {any} */ (globalThis).webkitAudioContext;
    if (!Ctx) return;
    audio ??= new Ctx();
    const ctx = /** @type {AudioContext} */ (audio);
    if (ctx.state === 'suspended') ctx.resume().catch(() => {});
    const tones = ok ? [[1760, 0, 0.08]] : [[440, 0, 0.12], [440, 0.18, 0.12]];
    for (const [freq, start, length] of tones) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = freq;
      gain.gain.value = 0.15;
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + start);
      osc.stop(ctx.currentTime + start + length);
    }
  } catch (error) {
    console.warn('beep', error);
  }
}

/**
 * @typedef {object} StreamOptions
 * @property {(scan: import('../stock-scan.js').StockScan, event: any) => void} onScan
 * @property {(text: string) => void} [onRepeat] the same code again within the scanner's
 *   2-second window from a wedge or typed (a label held before the camera says nothing)
 * @property {string} [hint] what to scan
 */

/**
 * @param {StreamOptions} options
 * @returns {{el: HTMLElement, dispose: () => void, status: (text: string) => void}}
 */
export function scanStream({ onScan, onRepeat, hint = t('stock.scan_hint') }) {
  const release = takeScans();
  let disposed = false;
  /** @type {any} */
  let scanner = null;
  /** @type {(() => void) | null} */
  let unsubscribe = null;
  /** @type {any} */
  let camera = null;

  const status = h('p', { class: 'scan-status', role: 'status', 'aria-live': 'polite' }, hint);
  const video = /** @type {HTMLVideoElement} */ (
    h('video', { class: 'scan-video', playsinline: true, muted: true, autoplay: true, 'aria-hidden': 'true' })
  );
  const frame = h('div', { class: 'scan-frame', hidden: true }, video, h('span', { class: 'scan-aim', 'aria-hidden': 'true' }));
  const toggle = h('button', { type: 'button', class: ['scan-button', 'camera-toggle'], 'aria-pressed': 'false', onclick: () => (camera ? stopCamera() : startCamera()) },
    icon(ICONS.camera), h('span', null, t('stock.camera_on')));
  const manual = /** @type {HTMLInputElement} */ (
    h('input', { type: 'text', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', enterkeyhint: 'done', name: 'code' })
  );
  const photo = /** @type {HTMLInputElement} */ (
    h('input', { type: 'file', accept: 'image/*', capture: 'environment', class: 'file-input' })
  );

  /** @param {any} event */
  function deliver(event) {
    if (disposed || !event) return;
    if (event.suppressed) {
      if (event.source !== 'camera') onRepeat?.(String(event.text ?? '').trim());
      return;
    }
    onScan(readScan(event), event);
  }

  const ready = import('../../scan/scanner.js').then((module) => {
    scanner = module;
    if (disposed) return;
    // A new screen is a new task: the label just scanned on the last one counts here.
    module.getScanner().deduper.clear();
    unsubscribe = module.subscribe(deliver);
  }).catch((error) => {
    console.warn('scanner unavailable', error);
  });

  function useManual() {
    const text = manual.value.trim();
    if (!text) {
      manual.focus();
      return;
    }
    manual.value = '';
    ready.then(() => {
      const event = scanner?.manual(text);
      // Typed twice on purpose within the window: it counts, unlike a trigger bounce.
      if (event?.suppressed) deliver({ ...event, suppressed: false });
    });
  }
  manual.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      useManual();
    }
  });
  photo.addEventListener('change', async () => {
    const file = photo.files?.[0];
    photo.value = '';
    if (!file) return;
    await ready;
    status.textContent = t('scan.reading_photo');
    try {
      const found = await scanner.scanImage(file);
      if (!found.length) status.textContent = t('scan.none_in_photo');
      else if (found.every((/** @type {any} */ e) => e.suppressed)) deliver({ ...found[0], suppressed: false });
    } catch (error) {
      console.warn(error);
      status.textContent = t('scan.none_in_photo');
    }
  });

  async function startCamera() {
    await ready;
    if (disposed || !scanner) return;
    frame.hidden = false;
    toggle.setAttribute('aria-pressed', 'true');
    /** @type {HTMLElement} */ (toggle.lastElementChild).textContent = t('stock.camera_off');
    status.textContent = t('scan.starting');
    try {
      const handle = await scanner.scanWithCamera(video);
      if (disposed || frame.hidden) {
        handle.stop();
        return;
      }
      camera = handle;
      status.textContent = t('stock.camera_looking');
    } catch (error) {
      console.warn(error);
      const name = /** @type {any} */ (error)?.name;
      stopCamera();
      status.textContent = name === 'NotAllowedError' ? t('scan.camera_denied') : t('scan.camera_unavailable');
    }
  }

  function stopCamera() {
    try {
      camera?.stop?.();
    } catch (error) {
      console.warn(error);
    }
    const wasOn = !frame.hidden;
    camera = null;
    frame.hidden = true;
    if (wasOn) status.textContent = hint;
    toggle.setAttribute('aria-pressed', 'false');
    /** @type {HTMLElement} */ (toggle.lastElementChild).textContent = t('stock.camera_on');
  }

  const el = h('section', { class: 'scan-stream', 'aria-label': t('stock.scan_mode') },
    h('div', { class: 'tools' }, toggle,
      h('label', { class: ['button', 'file-button'] }, photo,
        h('span', { class: 'file-face' }, icon(ICONS.scan), h('span', null, t('stock.photo'))))),
    frame,
    status,
    h('div', { class: 'manual-entry' },
      h('label', null, t('scan.type_code'), manual),
      h('button', { type: 'button', onclick: useManual }, t('stock.add_code'))));

  return {
    el,
    status: (text) => {
      status.textContent = text;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      stopCamera();
      unsubscribe?.();
      release();
    },
  };
}
