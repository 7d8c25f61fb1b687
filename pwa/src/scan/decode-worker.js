// The decode worker (a module worker started by camera.js): zxing-wasm reads camera frames
// here, off the page's thread. Messages: {id, op: 'load', moduleUrl, wasmUrl} loads the
// decoder; {id, op: 'decode', pixels: {data, width, height}, formats, thorough} reads one
// RGBA frame. Each is answered {id, events} or {id, error}.
import { configureDecoder, decodePixels, loadZxing } from './camera.js';

self.onmessage = async ({ data }) => {
  const { id, op } = data ?? {};
  try {
    if (op === 'load') {
      configureDecoder({ decoder: 'wasm', moduleUrl: data.moduleUrl, wasmUrl: data.wasmUrl });
      await loadZxing();
      self.postMessage({ id, events: [] });
    } else if (op === 'decode') {
      const events = await decodePixels(data.pixels, { formats: data.formats, source: 'camera', thorough: data.thorough });
      self.postMessage({ id, events });
    } else {
      throw new Error(`unknown op ${op}`);
    }
  } catch (error) {
    self.postMessage({ id, error: String(/** @type {any} */ (error)?.message ?? error) });
  }
};
