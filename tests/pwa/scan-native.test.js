// The BarcodeDetector path (Chrome on Android, Safari): where the browser's detector reads
// every format the app needs, it decodes and zxing-wasm is never loaded; where it lacks
// one (desktop Chrome reading QR only), zxing-wasm decodes instead. Each case imports the
// camera module afresh, since the detector choice is made once per page.
import { test } from 'node:test';
import assert from 'node:assert/strict';

const ALL = ['qr_code', 'data_matrix', 'code_128', 'ean_13', 'ean_8', 'upc_a', 'upc_e', 'code_39', 'itf'];

/** A stand-in for the browser's BarcodeDetector that "sees" one EAN-13 in any image. */
function fakeDetector(supported) {
  return class FakeBarcodeDetector {
    static created = [];
    static async getSupportedFormats() { return supported; }
    constructor(options) { FakeBarcodeDetector.created.push(options); }
    async detect() { return [{ rawValue: '4006381333931', format: 'ean_13' }]; }
  };
}

async function freshCamera(label) {
  return import(`../../pwa/src/scan/camera.js?${label}`);
}

test('a detector that reads every needed format decodes, and the wasm decoder stays unloaded', async (t) => {
  const Detector = fakeDetector(ALL);
  globalThis.BarcodeDetector = Detector;
  globalThis.createImageBitmap = async () => ({ width: 10, height: 10, close() {} });
  t.after(() => { delete globalThis.BarcodeDetector; delete globalThis.createImageBitmap; });

  const camera = await freshCamera('native-all');
  assert.equal(await camera.chooseDecoder(), 'native');
  const [scan] = await camera.decodeImage(new Blob([new Uint8Array(8)], { type: 'image/png' }));
  assert.deepEqual([scan.text, scan.symbology, scan.source], ['4006381333931', 'ean_13', 'image']);
  assert.equal(camera.isZxingLoaded(), false);
  assert.ok(Detector.created[0].formats.includes('data_matrix'));
});

test('a detector that lacks Data Matrix is passed over for the wasm decoder', async (t) => {
  globalThis.BarcodeDetector = fakeDetector(['qr_code', 'code_128', 'ean_13']);
  t.after(() => { delete globalThis.BarcodeDetector; });
  const camera = await freshCamera('native-partial');
  assert.equal(await camera.chooseDecoder(), 'wasm');
});

test('no BarcodeDetector at all means the wasm decoder', async () => {
  const camera = await freshCamera('no-native');
  assert.equal(await camera.chooseDecoder(), 'wasm');
});
