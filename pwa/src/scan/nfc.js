// NFC checkpoint tags through Web NFC (NDEFReader, Chrome on Android only): a tag read
// becomes the app's scan event, with `uid` (the tag's serial number as hex, upper case,
// no separators, as checkpoint.nfc_uid holds it) and `text` (the first NDEF text record,
// which the tag-writing screen fills with the checkpoint's QR payload; else the UID).
// Reading and writing need a user's tap: startNfc and writeTag are called from one.
// Everywhere else `nfcAvailable()` is false and the screens scan the QR code instead.

/** @typedef {import('./camera.js').ScanEvent & {uid: string}} NfcScanEvent */

/** Whether this browser has Web NFC. */
export function nfcAvailable(scope = /** @type {any} */ (globalThis)) {
  return typeof scope.NDEFReader === 'function';
}

/**
 * A serial number as the reader gives it ("04:a2:3b:1c:5d:6e:80") in checkpoint form
 * ("04A23B1C5D6E80"); "" when it has no hex digits.
 * @param {unknown} serial
 */
export function normaliseUid(serial) {
  return String(serial ?? '').replace(/[^0-9a-f]/gi, '').toUpperCase();
}

/**
 * The text of the first NDEF text record ("" when there is none).
 * @param {{records?: Iterable<{recordType: string, data?: DataView | ArrayBuffer, encoding?: string}>}} message
 */
export function firstText(message) {
  for (const record of message?.records ?? []) {
    if (record.recordType !== 'text' || !record.data) continue;
    const bytes = record.data instanceof DataView
      ? new Uint8Array(record.data.buffer, record.data.byteOffset, record.data.byteLength)
      : new Uint8Array(record.data);
    const encoding = record.encoding === 'utf-16' ? 'utf-16' : 'utf-8';
    return new TextDecoder(encoding).decode(bytes).trim();
  }
  return '';
}

/**
 * A reading (NDEFReadingEvent) as the app's scan event.
 * @param {{serialNumber?: string, message?: any}} reading
 * @param {number} [at]
 * @returns {NfcScanEvent | null} null for a tag with neither a serial number nor text
 */
export function scanEventOf(reading, at = Date.now()) {
  const uid = normaliseUid(reading.serialNumber);
  const text = firstText(reading.message) || uid;
  if (!text) return null;
  return { text, uid, symbology: 'nfc', symbologyId: '', source: /** @type {any} */ ('nfc'), at };
}

/**
 * Start listening for tags (call from a tap). Each tag read reaches `onScan`; `onError`
 * hears a tag that could not be read. Resolves to a stop function; rejects with the
 * browser's error (NotAllowedError when the user refused, NotSupportedError without NFC).
 * @param {{onScan: (event: NfcScanEvent) => void, onError?: (error: unknown) => void, scope?: any}} options
 * @returns {Promise<() => void>}
 */
export async function startNfc({ onScan, onError, scope = globalThis }) {
  if (!nfcAvailable(scope)) throw Object.assign(new Error('Web NFC is not available'), { name: 'NotSupportedError' });
  const reader = new scope.NDEFReader();
  const controller = new AbortController();
  reader.addEventListener('reading', (/** @type {any} */ reading) => {
    const event = scanEventOf(reading);
    if (event) onScan(event);
  }, { signal: controller.signal });
  reader.addEventListener('readingerror', (/** @type {any} */ error) => onError?.(error), { signal: controller.signal });
  await reader.scan({ signal: controller.signal });
  return () => controller.abort();
}

/**
 * Write `text` as one NDEF text record to the next tag held to the phone, then read the
 * tag back: resolves to its scan event (with the UID the desk records for the checkpoint).
 * @param {string} text
 * @param {{scope?: any, signal?: AbortSignal}} [options]
 * @returns {Promise<NfcScanEvent>}
 */
export async function writeTag(text, { scope = globalThis, signal } = {}) {
  if (!nfcAvailable(scope)) throw Object.assign(new Error('Web NFC is not available'), { name: 'NotSupportedError' });
  const writer = new scope.NDEFReader();
  await writer.write({ records: [{ recordType: 'text', data: text, lang: 'en' }] }, { signal });
  // The tag is still at the phone: read it once to learn its serial number.
  const reader = new scope.NDEFReader();
  const controller = new AbortController();
  signal?.addEventListener('abort', () => controller.abort(), { once: true });
  return new Promise((resolve, reject) => {
    reader.addEventListener('reading', (/** @type {any} */ reading) => {
      const event = scanEventOf(reading);
      if (!event) return;
      controller.abort();
      resolve(event);
    }, { signal: controller.signal });
    reader.scan({ signal: controller.signal }).catch(reject);
  });
}
