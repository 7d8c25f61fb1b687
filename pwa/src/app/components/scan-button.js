// Scanning from a screen: a button that opens the camera in a sheet (with a photo of the
// code and typing it as fallbacks), and, while the screen is open, the scans of a
// keyboard-wedge scanner. Everything reaches the screen as one call: onScan(classified).
// The scanner modules (and the camera's decoder) load on first use, never with the list.
import { h, icon, ICONS } from '../dom.js';
import { t } from '../i18n.js';

/**
 * @typedef {object} Classified
 * @property {'asset' | 'gtin' | 'text'} kind
 * @property {string} text the raw scan
 * @property {string} [source] camera, wedge, image, manual (typed) or nfc
 * @property {string} [tag] kind asset: the asset's tag code
 * @property {string} [gtin] kind gtin: 14 digits
 * @property {string} [lot]
 * @property {string} [expiry]
 */

/** @type {Promise<any> | null} */
let scannerModule = null;

/** Scan buttons on screen now: while there is one, its screen takes the scans. */
let live = 0;

/** Whether the screen shown takes scans itself (else src/app/scan-anywhere.js does). */
export function screenTakesScans() {
  return live > 0;
}

/**
 * A screen that reads scans its own way (the stock screens' continuous scan) takes them
 * while it is open, as a scan button's screen does. Returns the release.
 * @returns {() => void}
 */
export function takeScans() {
  live += 1;
  let released = false;
  return () => {
    if (!released) live -= 1;
    released = true;
  };
}
function loadScanner() {
  scannerModule ??= import('../../scan/scanner.js').catch((error) => {
    console.warn('scanner unavailable', error);
    scannerModule = null;
    return null;
  });
  return scannerModule;
}

/**
 * An asset tag from a scan: the public card URL (…/a/<tag>), the report link
 * (…#/report?asset=<tag>) or a bare tag code.
 * @param {string} text
 */
export function tagOf(text) {
  const trimmed = text.trim();
  const card = /\/a\/([A-Za-z0-9_-]{4,32})\/?(?:[?#].*)?$/.exec(trimmed);
  if (card) return card[1].toUpperCase();
  const report = /[?&]asset=([A-Za-z0-9_-]{4,32})/.exec(trimmed);
  if (report) return report[1].toUpperCase();
  if (/^[A-Z0-9]{6,16}$/i.test(trimmed) && /[A-Z]/i.test(trimmed)) return trimmed.toUpperCase();
  return null;
}

/** A GTIN zero-padded to 14 digits, as item.gtins holds them, or null. */
export function gtin14(/** @type {string} */ text) {
  const digits = text.trim();
  if (!/^\d{8}$|^\d{12,14}$/.test(digits)) return null;
  return digits.padStart(14, '0');
}

/**
 * Normalise whatever classify() returned (or classify here when the scanner module is not
 * there) into a Classified.
 * @param {any} event
 * @param {any} module
 * @returns {Classified}
 */
export function classified(event, module) {
  const found = classifiedText(event, module);
  return event?.source ? { ...found, source: String(event.source) } : found;
}

/**
 * @param {any} event
 * @param {any} module
 * @returns {Classified}
 */
function classifiedText(event, module) {
  const text = String(event?.text ?? '');
  /** @type {any} */
  let c = null;
  try {
    c = module?.classify ? module.classify(event) : null;
  } catch (error) {
    console.warn(error);
  }
  if (c && typeof c === 'object') {
    const kind = String(c.kind || c.type || '').toLowerCase();
    if ((kind === 'asset' || kind === 'asset_tag' || kind === 'tag') && (c.tag || c.tag_code || c.value)) {
      return { kind: 'asset', text, tag: String(c.tag || c.tag_code || c.value).toUpperCase() };
    }
    if (kind === 'gtin' || kind === 'item' || kind === 'gs1') {
      const g = c.gtin || c.value;
      if (g) return { kind: 'gtin', text, gtin: String(g).padStart(14, '0'), lot: c.lot, expiry: c.expiry };
    }
  }
  const tag = tagOf(text);
  if (tag && !gtin14(text)) return { kind: 'asset', text, tag };
  const gs1 = /^(?:\]C1|\]d2|\]Q3)?\(?01\)?(\d{14})/.exec(text);
  if (gs1) return { kind: 'gtin', text, gtin: gs1[1] };
  const g = gtin14(text);
  if (g) return { kind: 'gtin', text, gtin: g };
  return { kind: 'text', text: text.trim() };
}

/**
 * @param {object} options
 * @param {(c: Classified) => void} options.onScan
 * @param {(c: Classified) => void} [options.onRepeat] the same code again within the
 *   scanner's window: one scan, not two; the screen says so (an open camera sheet says it too)
 * @param {string} [options.label]
 * @param {string} [options.hint] what to point the camera at
 * @returns {{el: HTMLElement, dispose: () => void, open: () => Promise<void>}}
 */
export function scanButton({ onScan, onRepeat, label = t('scan.button'), hint = t('scan.hint') }) {
  /** @type {(() => void) | null} */
  let unsubscribe = null;
  let disposed = false;
  live += 1;
  /** @type {null | (() => void)} */
  let closeSheet = null;
  /** @type {HTMLElement | null} the open camera sheet's status line */
  let sheetStatus = null;
  /** @type {any} */
  let module = null;

  /** @param {any} event */
  function deliver(event) {
    if (!event || disposed) return;
    // suppressed: the scanner saw the same code within its window (a label held in view, a
    // trigger pulled twice): it counts once, and the user is told why nothing else happens.
    if (event.suppressed) {
      const repeat = classified(event, module);
      if (sheetStatus) sheetStatus.textContent = t('scan.already', { code: repeat.text });
      onRepeat?.(repeat);
      return;
    }
    closeSheet?.();
    onScan(classified(event, module));
  }

  // Subscribed while the screen is open: the keyboard wedge listens exactly then, and the
  // camera, a photo of a label and a typed code all arrive here as one kind of event.
  const ready = loadScanner().then((loaded) => {
    module = loaded;
    if (disposed || !loaded?.subscribe) return;
    unsubscribe = loaded.subscribe(deliver);
  });

  async function open() {
    await ready;
    const video = /** @type {HTMLVideoElement} */ (
      h('video', { class: 'scan-video', playsinline: true, muted: true, autoplay: true, 'aria-hidden': 'true' })
    );
    const status = h('p', { class: 'scan-status', role: 'status' }, t('scan.starting'));
    const manual = /** @type {HTMLInputElement} */ (
      h('input', { type: 'text', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', enterkeyhint: 'done' })
    );
    const photo = /** @type {HTMLInputElement} */ (
      h('input', { type: 'file', accept: 'image/*', capture: 'environment', class: 'file-input' })
    );
    /** @type {any} */
    let camera = null;

    const useManual = () => {
      const text = manual.value.trim();
      if (!text) {
        manual.focus();
        return;
      }
      if (unsubscribe && module?.manual) {
        const event = module.manual(text);
        // The same code typed twice within the window comes back suppressed: take it anyway.
        if (event?.suppressed) deliver({ ...event, suppressed: false });
      } else {
        deliver({ text, symbology: 'unknown', symbologyId: '', source: 'manual', at: Date.now() });
      }
    };
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
      status.textContent = t('scan.reading_photo');
      try {
        /** @type {any[]} */
        let found = [];
        if (unsubscribe && module?.scanImage) {
          found = await module.scanImage(file); // delivered to deliver() by the scanner
        } else {
          const cam = await import('../../scan/camera.js');
          found = await cam.decodeImage(file);
          if (found[0]) deliver(found[0]);
        }
        if (!found.length) status.textContent = t('scan.none_in_photo');
        else if (found.every((e) => e.suppressed)) deliver({ ...found[0], suppressed: false });
      } catch (error) {
        console.warn(error);
        status.textContent = t('scan.none_in_photo');
      }
    });

    const dialog = /** @type {HTMLDialogElement} */ (
      h('dialog', { class: 'sheet scan-sheet', 'aria-labelledby': 'scan-title' },
        h('div', { class: 'sheet-inner' },
          h('div', { class: 'sheet-head' },
            h('h2', { id: 'scan-title' }, label),
            h('button', { type: 'button', class: 'ghost close', onclick: () => close() },
              h('span', { 'aria-hidden': 'true' }, '×'), h('span', { class: 'sr-only' }, t('common.close')))),
          h('p', { class: 'muted' }, hint),
          h('div', { class: 'scan-frame' }, video, h('span', { class: 'scan-aim', 'aria-hidden': 'true' })),
          status,
          h('label', { class: ['button', 'file-button'] }, photo,
            h('span', { class: 'file-face' }, icon(ICONS.camera), h('span', null, t('scan.use_photo')))),
          h('div', { class: 'manual-entry' },
            h('label', null, t('scan.type_code'), manual),
            h('button', { type: 'button', onclick: useManual }, t('scan.use_code'))),
          h('div', { class: 'sheet-actions' },
            h('button', { type: 'button', onclick: () => close() }, t('common.cancel'))))));
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;

    let closed = false;
    const stopCamera = () => {
      try {
        camera?.stop?.();
      } catch (error) {
        console.warn(error);
      }
      camera = null;
    };
    function close() {
      if (closed) return;
      closed = true;
      closeSheet = null;
      sheetStatus = null;
      window.removeEventListener('hashchange', close);
      stopCamera();
      if (dialog.open) dialog.close();
      dialog.remove();
      if (opener?.isConnected) opener.focus();
    }
    closeSheet = close;
    sheetStatus = status;
    window.addEventListener('hashchange', close, { once: true });
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      close();
    });
    document.body.append(dialog);
    dialog.showModal();

    try {
      if (unsubscribe && module?.scanWithCamera) {
        camera = await module.scanWithCamera(video); // scans reach deliver() through subscribe
      } else {
        const cam = await import('../../scan/camera.js');
        camera = await cam.openCamera(video, { onScan: deliver });
      }
      if (closed) {
        stopCamera();
        return;
      }
      status.textContent = t('scan.looking');
    } catch (error) {
      console.warn(error);
      const name = /** @type {any} */ (error)?.name;
      if (!closed) status.textContent = name === 'NotAllowedError' ? t('scan.camera_denied') : t('scan.camera_unavailable');
    }
  }

  const el = h('button', { type: 'button', class: 'scan-button', onclick: () => open() },
    icon(ICONS.scan), h('span', null, label));

  return {
    el,
    open,
    dispose() {
      if (!disposed) live -= 1;
      disposed = true;
      closeSheet?.();
      unsubscribe?.();
    },
  };
}
