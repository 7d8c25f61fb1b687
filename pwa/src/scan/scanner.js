// The one entry point for scanning: every source (camera, keyboard wedge, a photo of a
// label, a typed code) becomes one scan event {text, symbology, symbologyId, source, at},
// de-duplicated, delivered to whoever subscribed. classify(event) says what it names.
//
//   import { getScanner, classify } from '../scan/scanner.js';
//   const scanner = getScanner();               // the wedge listens on document from here on
//   const off = scanner.subscribe((event) => {
//     if (event.suppressed) return showAlreadyScanned(event);
//     const what = classify(event);             // {kind: 'asset', tag} | {kind: 'gtin', ...} | {kind: 'text', text}
//   });
//   const camera = await scanner.openCamera(videoElement);   // ... camera.stop()
//   await scanner.scanImage(fileInput.files[0]);
//   scanner.manual('7K3M9Q2XWD');
//
// zxing-wasm is loaded only when the camera is first opened or an image decoded, and only
// where the browser has no BarcodeDetector that reads the formats needed.
import { decodeImage, openCamera } from './camera.js';
import { UNKNOWN } from './symbology.js';
import { attachWedge } from './wedge.js';

export { classify, tagFromScan } from './classify.js';
export { DEFAULT_FORMATS } from './symbology.js';

/** @typedef {import('./camera.js').ScanEvent} ScanEvent */

export const DEDUPE_WINDOW_MS = 2000;

/**
 * The de-duplication window: the same text seen again within `windowMs` of its last
 * sighting is the same scan. The window slides: a code held in front of the camera, or a
 * trigger pressed again and again, stays one scan until it has been away for the window.
 */
export class Deduper {
  /** @param {number} [windowMs] */
  constructor(windowMs = DEDUPE_WINDOW_MS) {
    this.windowMs = windowMs;
    /** @type {Map<string, number>} text -> when last seen */
    this.seen = new Map();
  }

  /**
   * @param {ScanEvent} event
   * @returns {ScanEvent} the event, or a copy with suppressed: true when it repeats one
   */
  check(event) {
    for (const [text, at] of this.seen) {
      if (event.at - at >= this.windowMs) this.seen.delete(text);
    }
    const last = this.seen.get(event.text); // still here: seen less than the window ago
    this.seen.set(event.text, Math.max(event.at, last ?? event.at));
    return last !== undefined ? { ...event, suppressed: true } : event;
  }

  /** Forget everything seen (a new screen, a new task). */
  clear() {
    this.seen.clear();
  }
}

/**
 * @typedef {object} ScannerOptions
 * @property {number} [dedupeMs] the de-duplication window (2000)
 * @property {() => number} [now] epoch ms
 * @property {import('./wedge.js').WedgeOptions} [wedge] keyboard-wedge settings
 * @property {Document} [document] where the wedge listens (the page's document)
 * @property {readonly string[]} [formats] what the camera and images look for
 * @property {boolean} [autoWedge] listen to the keyboard wedge exactly while someone is
 *   subscribed, so a screen that takes no scans gets a scanner's keys as plain typing
 */

/**
 * @typedef {object} Scanner
 * @property {(fn: (event: ScanEvent) => void) => () => void} subscribe returns unsubscribe
 * @property {(event: Omit<ScanEvent, 'at'> & {at?: number}) => ScanEvent} emit deliver an
 *   event from any source; returns it as delivered (suppressed or not)
 * @property {(text: string) => ScanEvent | null} manual a typed code; null when blank
 * @property {(options?: import('./wedge.js').WedgeOptions) => () => void} listenToWedge
 * @property {(video: HTMLVideoElement, options?: Partial<import('./camera.js').CameraOptions>) => Promise<import('./camera.js').CameraHandle>} openCamera
 * @property {(image: Blob) => Promise<ScanEvent[]>} scanImage decode a photo; each code is emitted
 * @property {Deduper} deduper
 */

/**
 * A scanner: subscribers, the de-duplication window, and the sources wired to it.
 * @param {ScannerOptions} [options]
 * @returns {Scanner}
 */
export function createScanner({ dedupeMs = DEDUPE_WINDOW_MS, now = Date.now, wedge = {}, document: doc, formats, autoWedge = false } = {}) {
  /** @type {Set<(event: ScanEvent) => void>} */
  const listeners = new Set();
  const deduper = new Deduper(dedupeMs);
  /** @type {(() => void) | null} */
  let detachWedge = null;

  /** @type {Scanner['emit']} */
  const emit = (event) => {
    const delivered = deduper.check({ ...event, at: event.at ?? now() });
    for (const fn of [...listeners]) {
      try {
        fn(delivered);
      } catch (error) {
        // One screen's failing handler must not keep the scan from the others.
        if (typeof reportError === 'function') reportError(error);
        else console.error(error);
      }
    }
    return delivered;
  };

  /** @type {Scanner['listenToWedge']} */
  const listenToWedge = (options = {}) => {
    const target = doc ?? globalThis.document;
    return attachWedge((scan) => emit({ ...scan, source: 'wedge', at: now() }), { ...wedge, ...options, target });
  };

  return {
    deduper,
    emit,
    subscribe(fn) {
      listeners.add(fn);
      if (autoWedge && !detachWedge) detachWedge = listenToWedge();
      return () => {
        listeners.delete(fn);
        if (autoWedge && listeners.size === 0 && detachWedge) {
          detachWedge();
          detachWedge = null;
        }
      };
    },
    manual(text) {
      const typed = String(text ?? '').trim();
      if (!typed) return null;
      return emit({ text: typed, symbology: UNKNOWN, symbologyId: '', source: 'manual', at: now() });
    },
    listenToWedge,
    openCamera(video, options = {}) {
      return openCamera(video, {
        formats,
        ...options,
        onScan: (event) => {
          const delivered = emit({ ...event, at: now() });
          options.onScan?.(delivered);
        },
      });
    },
    async scanImage(image) {
      const found = await decodeImage(image, formats ? { formats } : {});
      return found.map((event) => emit({ ...event, at: now() }));
    },
  };
}

/** @type {Scanner | null} */
let shared = null;

/**
 * The app's scanner, made on first call. In a page, the keyboard wedge listens on the
 * document while anyone is subscribed.
 * @param {ScannerOptions} [options] used on the first call only
 * @returns {Scanner}
 */
export function getScanner(options = {}) {
  shared ??= createScanner({ autoWedge: typeof document !== 'undefined', ...options });
  return shared;
}

/**
 * Scan events from every source, on the app's scanner.
 * @param {(event: ScanEvent) => void} fn
 * @returns {() => void} unsubscribe
 */
export const subscribe = (fn) => getScanner().subscribe(fn);

/**
 * A typed code, as a scan event on the app's scanner; null when blank.
 * @param {string} text
 */
export const manual = (text) => getScanner().manual(text);

/**
 * A photo of a label, decoded; each code is delivered to subscribers and returned.
 * @param {Blob} image
 */
export const scanImage = (image) => getScanner().scanImage(image);

/**
 * The camera, its scans delivered to subscribers (and to options.onScan, as delivered).
 * @param {HTMLVideoElement} video
 * @param {Partial<import('./camera.js').CameraOptions>} [options]
 */
export const scanWithCamera = (video, options) => getScanner().openCamera(video, options);
