// Taking a photo: the phone's own camera through a file input (capture="environment"),
// then scaled on the phone to about 2 megapixels as a JPEG, so a 12 MP picture of a broken
// socket costs a few hundred kilobytes of storage and upload, not several megabytes.
import { h, icon, ICONS } from '../dom.js';
import { t } from '../i18n.js';

export const TARGET_PIXELS = 2_000_000;
const QUALITY = 0.82;

/**
 * Decode the picture, honouring its EXIF orientation.
 * @param {Blob} file
 * @returns {Promise<{source: CanvasImageSource, width: number, height: number, close: () => void}>}
 */
async function decode(file) {
  if (typeof createImageBitmap === 'function') {
    try {
      const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
      return { source: bitmap, width: bitmap.width, height: bitmap.height, close: () => bitmap.close() };
    } catch {
      // a format createImageBitmap cannot read here: let an <img> try
    }
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.decoding = 'async';
    img.src = url;
    await img.decode();
    return { source: img, width: img.naturalWidth, height: img.naturalHeight, close: () => URL.revokeObjectURL(url) };
  } catch (error) {
    URL.revokeObjectURL(url);
    throw error;
  }
}

/**
 * Scale a picture to at most `maxPixels` (keeping its proportions) and encode it as JPEG.
 * @param {Blob} file
 * @param {{maxPixels?: number, quality?: number}} [options]
 * @returns {Promise<Blob>}
 */
export async function scaleToJpeg(file, { maxPixels = TARGET_PIXELS, quality = QUALITY } = {}) {
  const image = await decode(file);
  try {
    const factor = Math.min(1, Math.sqrt(maxPixels / (image.width * image.height)));
    const width = Math.max(1, Math.round(image.width * factor));
    const height = Math.max(1, Math.round(image.height * factor));
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
    ctx.fillStyle = '#ffffff'; // a transparent PNG becomes white, not black
    ctx.fillRect(0, 0, width, height);
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(image.source, 0, 0, width, height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
    canvas.width = 0; // free the bitmap memory at once on low-end phones
    if (!blob) throw new Error('encode');
    return /** @type {Blob} */ (blob);
  } finally {
    image.close();
  }
}

/**
 * Scale and keep a photo in the local store.
 * @param {any} client
 * @param {Blob} file
 * @returns {Promise<{sha256: string, blob: Blob}>}
 */
export async function storePhoto(client, file) {
  const blob = await scaleToJpeg(file);
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const sha256 = await client.storeBlob(bytes, 'image/jpeg');
  return { sha256, blob };
}

/**
 * A button that opens the camera; `onFile` gets the picture taken (or chosen).
 * The input itself is the focusable control (visually replaced by the button face).
 * @param {object} options
 * @param {string} [options.label]
 * @param {(file: File) => Promise<void> | void} options.onFile
 * @param {string} [options.className]
 */
export function photoButton({ label = t('photo.take'), onFile, className = '' }) {
  const input = /** @type {HTMLInputElement} */ (
    h('input', { type: 'file', accept: 'image/*', capture: 'environment', class: 'file-input' })
  );
  const face = h('span', { class: 'file-face' }, icon(ICONS.camera), h('span', null, label));
  const wrapper = h('label', { class: ['button', 'file-button', className] }, input, face);
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    wrapper.classList.add('busy');
    face.lastElementChild && (face.lastElementChild.textContent = t('photo.saving'));
    try {
      await onFile(file);
    } finally {
      wrapper.classList.remove('busy');
      face.lastElementChild && (face.lastElementChild.textContent = label);
    }
  });
  return wrapper;
}
