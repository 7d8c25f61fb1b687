// The camera as a scanner, and still images (a photo of a label) too. Frames are decoded by
// the browser's BarcodeDetector where it has one that reads the formats the app needs,
// otherwise by zxing-wasm: the vendored reader build (pwa/vendor/zxing-wasm/, copied from
// npm by `make vendor`), imported with import() the first time a decoder is needed, never
// with the app, and its .wasm fetched from our own server next to it (/app/vendor/...),
// never from a CDN.
//
// Every result becomes a scan event {text, symbology, symbologyId, source, at}. zxing-wasm
// is asked for textMode "Plain": the raw content, GS1 separators kept as ASCII 29, never its
// default bracketed "(01)..." human-readable form.
import {
  DEFAULT_FORMATS,
  REQUIRED_NATIVE_FORMATS,
  fromDetectorFormat,
  fromZxingFormat,
  zxingReadFormats,
} from './symbology.js';

/**
 * @typedef {object} ScanEvent
 * @property {string} text the raw decoded text
 * @property {string} symbology stable lower-case name: qr_code, code_128, ean_13, ...
 * @property {string} symbologyId AIM identifier "]cm" when known, else ""
 * @property {'camera' | 'wedge' | 'manual' | 'image'} source
 * @property {number} at epoch milliseconds
 * @property {boolean} [suppressed] set by the scanner on a repeat within its window
 */

const VENDOR = new URL('../../vendor/zxing-wasm/', import.meta.url);
/** The vendored zxing-wasm reader module: /app/vendor/zxing-wasm/reader/index.js. */
export const ZXING_READER_URL = new URL('reader/index.js', VENDOR).href;
/** Its WebAssembly: /app/vendor/zxing-wasm/zxing_reader.wasm. */
export const ZXING_WASM_URL = new URL('zxing_reader.wasm', VENDOR).href;

/**
 * @typedef {object} DecoderConfig
 * @property {'auto' | 'wasm'} decoder auto: BarcodeDetector when the browser has one that
 *   reads the required formats, else zxing-wasm; wasm: zxing-wasm always
 * @property {string} moduleUrl
 * @property {string} wasmUrl
 * @property {(url: string, init?: RequestInit) => Promise<Response>} fetch how the .wasm is fetched
 */

/** @type {DecoderConfig} */
const config = {
  decoder: 'auto',
  moduleUrl: ZXING_READER_URL,
  wasmUrl: ZXING_WASM_URL,
  fetch: (url, init) => fetch(url, init),
};

/**
 * Change how decoding is done (tests, a settings screen). Takes effect for decoders not yet
 * made; a changed module or wasm URL drops the loaded zxing.
 * @param {Partial<DecoderConfig>} options
 */
export function configureDecoder(options) {
  if ((options.moduleUrl && options.moduleUrl !== config.moduleUrl) || (options.wasmUrl && options.wasmUrl !== config.wasmUrl)) {
    zxingPromise = null;
  }
  Object.assign(config, options);
  detectorCache.clear();
}

// ---------------------------------------------------------------------------------------
// zxing-wasm, loaded on first use

/** @type {Promise<any> | null} */
let zxingPromise = null;
let zxingLoaded = false;

/** Whether zxing-wasm has been loaded (it is not until a decoder needs it). */
export function isZxingLoaded() {
  return zxingLoaded;
}

/**
 * Fetch and compile the .wasm ourselves, streaming when the server says application/wasm.
 * @param {string} url
 * @returns {Promise<WebAssembly.Module>}
 */
async function compileWasm(url) {
  const response = await config.fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`zxing-wasm: ${url} answered HTTP ${response.status}`);
  const type = response.headers.get('content-type') ?? '';
  if (typeof WebAssembly.compileStreaming === 'function' && type.startsWith('application/wasm')) {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

/**
 * The zxing-wasm reader module, instantiated against our own .wasm.
 * @returns {Promise<any>} the module's namespace (readBarcodes, ...)
 */
export function loadZxing() {
  zxingPromise ??= (async () => {
    const { moduleUrl, wasmUrl } = config;
    const [zxing, wasmModule] = await Promise.all([import(moduleUrl), compileWasm(wasmUrl)]);
    /** @type {(error: unknown) => void} */
    let fail = () => {};
    const failed = new Promise((_, reject) => {
      fail = reject;
    });
    const ready = zxing.prepareZXingModule({
      overrides: {
        // Never the package's default (a CDN): the file next to the module, on our server.
        locateFile: () => wasmUrl,
        /**
         * @param {WebAssembly.Imports} imports
         * @param {(instance: WebAssembly.Instance, module: WebAssembly.Module) => void} receive
         */
        instantiateWasm(imports, receive) {
          WebAssembly.instantiate(wasmModule, imports).then((instance) => receive(instance, wasmModule), fail);
          return {};
        },
      },
      equalityFn: Object.is,
      fireImmediately: true,
    });
    try {
      await Promise.race([ready, failed]);
    } catch (error) {
      zxing.purgeZXingModule();
      throw error;
    }
    zxingLoaded = true;
    return zxing;
  })().catch((error) => {
    zxingPromise = null;
    throw error;
  });
  return zxingPromise;
}

/**
 * zxing options for a live frame: one symbol, quickly. Every other frame is read
 * "thorough" (tryHarder: more scan lines, which finds a skewed or small 1D code) at several
 * times the cost.
 */
const FRAME_OPTIONS = Object.freeze({
  textMode: 'Plain',
  tryHarder: false,
  tryRotate: true,
  tryInvert: false,
  tryDownscale: true,
  maxNumberOfSymbols: 1,
});

/** zxing options for a still photo: take the time, find every symbol on the label. */
const IMAGE_OPTIONS = Object.freeze({
  textMode: 'Plain',
  tryHarder: true,
  tryRotate: true,
  tryInvert: true,
  tryDownscale: true,
  maxNumberOfSymbols: 8,
});

/**
 * @param {any} result a zxing-wasm ReadResult
 * @param {ScanEvent['source']} source
 * @returns {ScanEvent}
 */
function fromZxing(result, source) {
  return {
    text: result.text,
    symbology: fromZxingFormat(result.format),
    symbologyId: result.symbologyIdentifier ?? '',
    source,
    at: Date.now(),
  };
}

/**
 * @param {{rawValue: string, format: string}} found a BarcodeDetector DetectedBarcode
 * @param {ScanEvent['source']} source
 * @returns {ScanEvent}
 */
function fromDetected(found, source) {
  return { text: found.rawValue, symbology: fromDetectorFormat(found.format), symbologyId: '', source, at: Date.now() };
}

/**
 * Decode pixels (an ImageData, or anything with data/width/height in RGBA) with zxing-wasm.
 * @param {{data: Uint8ClampedArray | Uint8Array, width: number, height: number}} pixels
 * @param {{formats?: readonly string[], source?: ScanEvent['source'], still?: boolean, thorough?: boolean}} [options]
 *   still: a photo (every symbol, every effort); thorough: a live frame read the slow way
 * @returns {Promise<ScanEvent[]>}
 */
export async function decodePixels(pixels, { formats = DEFAULT_FORMATS, source = 'camera', still = false, thorough = true } = {}) {
  const zxing = await loadZxing();
  const base = still ? IMAGE_OPTIONS : { ...FRAME_OPTIONS, tryHarder: thorough };
  const options = { ...base, formats: zxingReadFormats(formats) };
  const results = await zxing.readBarcodes(pixels, options);
  return results.filter((/** @type {any} */ r) => r.isValid && r.text).map((/** @type {any} */ r) => fromZxing(r, source));
}

// ---------------------------------------------------------------------------------------
// BarcodeDetector, where the browser has one that will do

/** @type {Map<string, Promise<any>>} */
const detectorCache = new Map();

/**
 * A BarcodeDetector for these formats, or null when zxing-wasm is to decode: no API, or one
 * that lacks a required format (desktop Chrome on some systems reads QR only).
 * @param {readonly string[]} formats
 * @returns {Promise<any>}
 */
function nativeDetector(formats) {
  const key = formats.join(',');
  if (!detectorCache.has(key)) {
    detectorCache.set(
      key,
      (async () => {
        if (config.decoder === 'wasm') return null;
        const Detector = /** @type {any} */ (globalThis).BarcodeDetector;
        if (typeof Detector !== 'function') return null;
        try {
          /** @type {string[]} */
          const supported = await Detector.getSupportedFormats();
          const required = REQUIRED_NATIVE_FORMATS.filter((f) => formats.includes(f));
          if (!required.every((f) => supported.includes(f))) return null;
          return new Detector({ formats: formats.filter((f) => supported.includes(f)) });
        } catch {
          return null;
        }
      })(),
    );
  }
  return /** @type {Promise<any>} */ (detectorCache.get(key));
}

/**
 * Which decoder would read these formats here: 'native' (BarcodeDetector) or 'wasm'.
 * @param {readonly string[]} [formats]
 * @returns {Promise<'native' | 'wasm'>}
 */
export async function chooseDecoder(formats = DEFAULT_FORMATS) {
  return (await nativeDetector(formats)) ? 'native' : 'wasm';
}

// ---------------------------------------------------------------------------------------
// Still images

const MAX_IMAGE_SIDE = 3000;

/**
 * Decode a still image: a photo of a label chosen with <input type=file accept=image/*>.
 * Uses the same decoder choice as the camera.
 * @param {Blob} image a File or Blob (JPEG, PNG, or whatever this browser can decode)
 * @param {{formats?: readonly string[]}} [options]
 * @returns {Promise<ScanEvent[]>} every code found, source "image"; [] when none
 */
export async function decodeImage(image, { formats = DEFAULT_FORMATS } = {}) {
  const detector = await nativeDetector(formats);
  if (detector) {
    const bitmap = await createImageBitmap(image);
    try {
      const found = await detector.detect(bitmap);
      return found.filter((/** @type {any} */ f) => f.rawValue).map((/** @type {any} */ f) => fromDetected(f, 'image'));
    } finally {
      bitmap.close?.();
    }
  }
  const pixels = await imagePixels(image);
  if (pixels) return decodePixels(pixels, { formats, source: 'image', still: true });
  // No canvas here (a worker without OffscreenCanvas, node): zxing decodes the file itself.
  const zxing = await loadZxing();
  const results = await zxing.readBarcodes(image, { ...IMAGE_OPTIONS, formats: zxingReadFormats(formats) });
  return results.filter((/** @type {any} */ r) => r.isValid && r.text).map((/** @type {any} */ r) => fromZxing(r, 'image'));
}

/**
 * The browser's decoding of an image file as RGBA pixels (honouring EXIF orientation, and
 * any format the browser reads), at most MAX_IMAGE_SIDE on its longer side.
 * @param {Blob} image
 * @returns {Promise<ImageData | null>} null where there is no canvas
 */
async function imagePixels(image) {
  if (typeof createImageBitmap !== 'function') return null;
  const bitmap = await createImageBitmap(image);
  try {
    const scale = Math.min(1, MAX_IMAGE_SIDE / Math.max(bitmap.width, bitmap.height));
    const width = Math.round(bitmap.width * scale);
    const height = Math.round(bitmap.height * scale);
    const context = canvas2d(width, height);
    if (!context) return null;
    context.drawImage(bitmap, 0, 0, width, height);
    return context.getImageData(0, 0, width, height);
  } finally {
    bitmap.close?.();
  }
}

/**
 * @param {number} width
 * @param {number} height
 * @returns {CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null}
 */
function canvas2d(width, height) {
  if (typeof OffscreenCanvas === 'function') {
    return new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  }
  if (typeof document === 'undefined') return null;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return canvas.getContext('2d', { willReadFrequently: true });
}

// ---------------------------------------------------------------------------------------
// A decode worker, so a frame read by zxing-wasm never blocks the page

/**
 * @typedef {object} DecodeWorker
 * @property {(message: object, transfer?: Transferable[]) => Promise<ScanEvent[]>} call
 * @property {() => void} terminate
 */

/**
 * Start src/scan/decode-worker.js (a module worker running decodePixels), or null where
 * there are no workers.
 * @returns {DecodeWorker | null}
 */
function startDecodeWorker() {
  if (typeof Worker !== 'function') return null;
  /** @type {Worker} */
  let worker;
  try {
    worker = new Worker(new URL('./decode-worker.js', import.meta.url), { type: 'module', name: 'rounds-decode' });
  } catch {
    return null;
  }
  let nextId = 0;
  /** @type {Map<number, {resolve: (events: ScanEvent[]) => void, reject: (error: Error) => void}>} */
  const pending = new Map();
  /** @type {Error | null} */
  let broken = null;
  /** @param {Error} error */
  const failAll = (error) => {
    broken = error;
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  };
  worker.onmessage = ({ data }) => {
    const waiting = pending.get(data?.id);
    if (!waiting) return;
    pending.delete(data.id);
    if (data.error) waiting.reject(new Error(data.error));
    else waiting.resolve(data.events);
  };
  worker.onerror = (event) => {
    event.preventDefault();
    failAll(new Error(event.message || 'the decode worker failed to start'));
  };
  worker.onmessageerror = () => failAll(new Error('the decode worker sent what could not be read'));
  return {
    call(message, transfer = []) {
      if (broken) return Promise.reject(broken);
      const id = (nextId += 1);
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ ...message, id }, transfer);
      });
    },
    terminate() {
      worker.terminate();
      failAll(new Error('the decode worker was stopped'));
    },
  };
}

// ---------------------------------------------------------------------------------------
// The live camera

/**
 * @typedef {object} CameraHandle
 * @property {'native' | 'wasm'} decoder
 * @property {boolean} inWorker zxing-wasm reads the frames in a worker (else on the page)
 * @property {MediaStream} stream
 * @property {() => void} stop stop decoding and release the camera
 * @property {(on: boolean) => Promise<boolean>} torch the lamp, where the camera has one;
 *   resolves to whether it took
 */

/**
 * @typedef {object} CameraOptions
 * @property {(event: ScanEvent) => void} onScan each decode (the scanner de-duplicates)
 * @property {(error: unknown) => void} [onError] a frame that failed to decode
 * @property {readonly string[]} [formats]
 * @property {number} [intervalMs] the least time between two decodes (150)
 * @property {number} [repeatMs] the same text from the camera is reported at most this
 *   often while it stays in view (1000)
 * @property {MediaTrackConstraints} [video] extra constraints
 */

/**
 * Open the rear camera into `video` and scan until stop(). Rejects like getUserMedia
 * (NotAllowedError when refused, NotFoundError with no camera); NotSupportedError where
 * there is no camera API (an insecure origin): offer decodeImage() then.
 * @param {HTMLVideoElement} video
 * @param {CameraOptions} options
 * @returns {Promise<CameraHandle>}
 */
export async function openCamera(video, { onScan, onError, formats = DEFAULT_FORMATS, intervalMs = 150, repeatMs = 1000, video: extra = {} }) {
  if (!globalThis.navigator?.mediaDevices?.getUserMedia) {
    throw new DOMException('This browser gives no camera access here (HTTPS is needed)', 'NotSupportedError');
  }
  // Ask for the camera while the decoder loads: the permission prompt hides the wait.
  // zxing-wasm goes to a worker where one starts and loads it; else it runs on the page.
  /** @type {Promise<{detector: any, worker: DecodeWorker | null}>} */
  const decoding = nativeDetector(formats).then(async (detector) => {
    if (detector) return { detector, worker: null };
    const worker = startDecodeWorker();
    if (worker) {
      try {
        await worker.call({ op: 'load', moduleUrl: config.moduleUrl, wasmUrl: config.wasmUrl });
        return { detector: null, worker };
      } catch {
        worker.terminate();
      }
    }
    await loadZxing();
    return { detector: null, worker: null };
  });
  const dropDecoder = () => decoding.then((d) => d.worker?.terminate(), () => {});
  /** @type {MediaStream} */
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 }, ...extra },
    });
  } catch (error) {
    dropDecoder();
    throw error;
  }
  /** @type {any} */
  let detector;
  /** @type {DecodeWorker | null} */
  let worker = null;
  try {
    video.setAttribute('playsinline', '');
    video.muted = true;
    video.srcObject = stream;
    await video.play();
    ({ detector, worker } = await decoding);
  } catch (error) {
    dropDecoder();
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
    throw error;
  }

  let stopped = false;
  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null;
  let lastText = '';
  let lastAt = 0;
  /** @type {CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null} */
  let context = null;

  let thorough = false;
  /** @returns {Promise<ScanEvent[]>} */
  const frame = async () => {
    if (detector) return (await detector.detect(video)).map((/** @type {any} */ f) => fromDetected(f, 'camera'));
    const { videoWidth: width, videoHeight: height } = video;
    if (!width || !height) return [];
    if (!context || context.canvas.width !== width || context.canvas.height !== height) context = canvas2d(width, height);
    if (!context) return [];
    context.drawImage(video, 0, 0, width, height);
    const pixels = context.getImageData(0, 0, width, height);
    thorough = !thorough;
    if (worker) {
      try {
        const message = { op: 'decode', pixels: { data: pixels.data, width, height }, formats: [...formats], thorough };
        return await worker.call(message, [pixels.data.buffer]);
      } catch (error) {
        if (stopped) return [];
        worker.terminate(); // on the page from now on
        worker = null;
        await loadZxing();
        return [];
      }
    }
    return decodePixels(pixels, { formats, source: 'camera', thorough });
  };

  const tick = async () => {
    timer = null;
    if (stopped) return;
    const started = Date.now();
    const hidden = typeof document !== 'undefined' && document.visibilityState === 'hidden';
    if (!hidden && video.readyState >= 2) {
      try {
        for (const event of await frame()) {
          if (stopped || !event.text) continue;
          if (event.text === lastText && event.at - lastAt < repeatMs) continue;
          lastText = event.text;
          lastAt = event.at;
          onScan(event);
        }
      } catch (error) {
        onError?.(error);
      }
    }
    if (!stopped) timer = setTimeout(tick, Math.max(0, intervalMs - (Date.now() - started)));
  };
  timer = setTimeout(tick, 0);

  const [track] = stream.getVideoTracks();
  return {
    decoder: detector ? 'native' : 'wasm',
    get inWorker() {
      return worker !== null;
    },
    stream,
    stop() {
      stopped = true;
      worker?.terminate();
      if (timer !== null) clearTimeout(timer);
      for (const t of stream.getTracks()) t.stop();
      if (video.srcObject === stream) video.srcObject = null;
    },
    async torch(on) {
      const capabilities = /** @type {any} */ (track?.getCapabilities?.() ?? {});
      if (!capabilities.torch) return false;
      try {
        await track.applyConstraints(/** @type {any} */ ({ advanced: [{ torch: on }] }));
        return true;
      } catch {
        return false;
      }
    },
  };
}
