// Real barcodes, made by zxing-wasm's writer (zint inside) and by the server's own label
// code, decoded through the field app's wasm path: the vendored reader module and .wasm,
// loaded the way the browser loads them (import() of the module, the .wasm fetched from
// its URL next to it and compiled streaming as application/wasm).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as writer from 'zxing-wasm/writer';
import * as camera from '../../pwa/src/scan/camera.js';
import { classify } from '../../pwa/src/scan/classify.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const fetched = [];

before(async () => {
  camera.configureDecoder({
    decoder: 'wasm',
    // What the server does for /app/vendor/zxing-wasm/*.wasm: the bytes, as application/wasm.
    fetch: async (url) => {
      fetched.push(url);
      const bytes = await readFile(fileURLToPath(url));
      return new Response(bytes, { headers: { 'content-type': 'application/wasm' } });
    },
  });
  const wasm = await readFile(`${REPO}node_modules/zxing-wasm/dist/writer/zxing_writer.wasm`);
  writer.prepareZXingModule({ overrides: { wasmBinary: wasm } });
});

/**
 * @param {string} text
 * @param {string} format
 * @param {string} [options]
 * @returns {Promise<Blob>} a PNG
 */
async function barcode(text, format, options = '') {
  const written = await writer.writeBarcode(text, { format, options, scale: 4 });
  assert.equal(written.error, '', `${format} ${text}`);
  return /** @type {Blob} */ (written.image);
}

test('zxing-wasm is not loaded until a decoder needs it, and then from our own files', async () => {
  assert.equal(camera.isZxingLoaded(), false);
  assert.ok(camera.ZXING_READER_URL.endsWith('/pwa/vendor/zxing-wasm/reader/index.js'));
  assert.ok(camera.ZXING_WASM_URL.endsWith('/pwa/vendor/zxing-wasm/zxing_reader.wasm'));
  // Nothing the app loads at start imports the vendored build statically.
  for (const name of await readdir(`${REPO}pwa/src/scan`)) {
    const source = await readFile(`${REPO}pwa/src/scan/${name}`, 'utf8');
    assert.doesNotMatch(source, /^import[^;]*vendor/m, name);
  }
  const zxing = await camera.loadZxing();
  assert.equal(camera.isZxingLoaded(), true);
  assert.deepEqual(fetched, [camera.ZXING_WASM_URL]);
  // The vendored files are the pinned package's, the .wasm the one its module expects.
  const pinned = JSON.parse(await readFile(`${REPO}package.json`, 'utf8')).devDependencies['zxing-wasm'];
  assert.match(pinned, /^\d+\.\d+\.\d+$/, 'an exact version');
  assert.equal(zxing.ZXING_WASM_VERSION, pinned);
  const wasm = await readFile(`${REPO}pwa/vendor/zxing-wasm/zxing_reader.wasm`);
  assert.equal(createHash('sha256').update(wasm).digest('hex'), zxing.ZXING_WASM_SHA256);
  for (const [vendored, original] of [
    ['reader/index.js', 'dist/es/reader/index.js'],
    ['share.js', 'dist/es/share.js'],
    ['zxing_reader.wasm', 'dist/reader/zxing_reader.wasm'],
  ]) {
    const ours = await readFile(`${REPO}pwa/vendor/zxing-wasm/${vendored}`);
    const theirs = await readFile(`${REPO}node_modules/zxing-wasm/${original}`);
    assert.ok(ours.equals(theirs), `${vendored} is stale: run make vendor`);
  }
});

test('a QR asset label decodes to its raw URL and classifies as the tag', async () => {
  const [found, ...more] = await camera.decodeImage(await barcode('https://rounds.example.org/a/7K3M9Q2XWD', 'QRCode'));
  assert.deepEqual(more, []);
  assert.deepEqual(
    { text: found.text, symbology: found.symbology, symbologyId: found.symbologyId, source: found.source },
    { text: 'https://rounds.example.org/a/7K3M9Q2XWD', symbology: 'qr_code', symbologyId: ']Q1', source: 'image' },
  );
  assert.equal(typeof found.at, 'number');
  assert.deepEqual(classify(found), { kind: 'asset', tag: '7K3M9Q2XWD' });
});

test('Code 128 and EAN-13 decode with their symbology', async () => {
  const [code128] = await camera.decodeImage(await barcode('ITM-00042/B', 'Code128'));
  assert.deepEqual([code128.text, code128.symbology, code128.symbologyId], ['ITM-00042/B', 'code_128', ']C0']);
  const [ean] = await camera.decodeImage(await barcode('4006381333931', 'EAN13'));
  assert.deepEqual([ean.text, ean.symbology, ean.symbologyId], ['4006381333931', 'ean_13', ']E0']);
  assert.deepEqual(classify(ean), { kind: 'gtin', gtin: '04006381333931', gs1: false });
});

test('GS1 DataMatrix and GS1-128 come back raw: ASCII 29 kept, never "(01)..."', async () => {
  const today = new Date(Date.UTC(2026, 10, 23));
  const hri = '(01)09506000134352(17)261231(10)ABC123(21)XYZ';
  const raw = '01095060001343521726123110ABC123\x1d21XYZ';

  const [square] = await camera.decodeImage(await barcode(hri, 'DataMatrix', 'gs1,forceSquare'));
  assert.deepEqual([square.text, square.symbology, square.symbologyId], [raw, 'data_matrix', ']d2']);
  assert.doesNotMatch(square.text, /\(/);
  assert.deepEqual(classify(square, { today }), {
    kind: 'gtin', gtin: '09506000134352', gs1: true, lot: 'ABC123', expiryRaw: '261231', expiry: '2026-12-31', serial: 'XYZ',
  });

  // zint picks a rectangular (DMRE) size unless told not to: zxing reports it as ]d8.
  const [rectangular] = await camera.decodeImage(await barcode(hri, 'DataMatrix', 'gs1'));
  assert.deepEqual([rectangular.text, rectangular.symbologyId], [raw, ']d8']);
  assert.equal(classify(rectangular, { today }).lot, 'ABC123');

  const [gs1128] = await camera.decodeImage(await barcode('(01)09506000134352(10)LOT42(17)261231', 'Code128', 'gs1'));
  assert.deepEqual([gs1128.text, gs1128.symbology, gs1128.symbologyId], ['010950600013435210LOT42\x1d17261231', 'code_128', ']C1']);
  assert.deepEqual(classify(gs1128, { today }), {
    kind: 'gtin', gtin: '09506000134352', gs1: true, lot: 'LOT42', expiryRaw: '261231', expiry: '2026-12-31',
  });
});

test('camera frames: RGBA pixels (what a canvas gives) decode through the same module', async () => {
  const written = await writer.writeBarcode('(01)09506000134352(10)LOT42', { format: 'QRCode', options: 'gs1', scale: 1 });
  const { data, width, height } = written.symbol; // one byte per module, 0 dark, 255 light; no quiet zone
  // Draw it into a 640x480 "frame", 6 px per module, white around it, as RGBA.
  const [frameWidth, frameHeight, px, left, top] = [640, 480, 6, 150, 100];
  const rgba = new Uint8ClampedArray(frameWidth * frameHeight * 4).fill(255);
  for (let y = 0; y < height * px; y += 1) {
    for (let x = 0; x < width * px; x += 1) {
      if (data[Math.floor(y / px) * width + Math.floor(x / px)] !== 0) continue;
      const at = ((top + y) * frameWidth + left + x) * 4;
      rgba[at] = rgba[at + 1] = rgba[at + 2] = 0;
    }
  }
  for (const thorough of [false, true]) {
    const [found] = await camera.decodePixels({ data: rgba, width: frameWidth, height: frameHeight }, { thorough });
    assert.deepEqual([found.text, found.symbology, found.symbologyId, found.source], ['010950600013435210LOT42', 'qr_code', ']Q3', 'camera']);
  }
  const [found] = await camera.decodePixels({ data: rgba, width: frameWidth, height: frameHeight });
  assert.deepEqual([found.text, found.symbology, found.symbologyId, found.source], ['010950600013435210LOT42', 'qr_code', ']Q3', 'camera']);
  assert.equal(classify(found).lot, 'LOT42');
});

test('an image with no code gives no scan', async () => {
  const blank = await camera.decodePixels({ data: new Uint8ClampedArray(64 * 64 * 4).fill(255), width: 64, height: 64 }, { still: true });
  assert.deepEqual(blank, []);
});

// The labels the server prints (scanners/labels.py, scanners/linear.py) read back through
// the field app. Needs the project's Python environment (made by `make test-deps`).
const PYTHON = `${REPO}.venv/bin/python`;
const LABELS = `
import sys
from pathlib import Path
from scanners.labels import asset_label_png
from scanners.linear import linear_barcode
out = Path(sys.argv[1])
(out / "asset.png").write_bytes(asset_label_png("7K3M9Q2XWD", "https://rounds.example.org/a/7K3M9Q2XWD", "Infusion pump, ward 3"))
linear_barcode("4006381333931", "ean13").save(out / "ean13.png")
linear_barcode("ITM-00042/B", "code128").save(out / "code128.png")
`;

// make test builds .venv before these tests run: a missing venv or a failing label module is a
// failure here, never a skip.
test('the server’s printed labels scan back in the field app', async (t) => {
  assert.ok(existsSync(PYTHON), 'no .venv: run make test-deps');
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const dir = await mkdtemp(`${tmpdir()}/rounds-labels-`);
  t.after(() => rm(dir, { recursive: true, force: true }));
  execFileSync(PYTHON, ['-c', LABELS, dir], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
  const read = async (name) => camera.decodeImage(new Blob([await readFile(`${dir}/${name}`)], { type: 'image/png' }));
  const [asset] = await read('asset.png');
  assert.deepEqual([asset.text, asset.symbology], ['https://rounds.example.org/a/7K3M9Q2XWD', 'qr_code']);
  assert.deepEqual(classify(asset), { kind: 'asset', tag: '7K3M9Q2XWD' });
  const [ean] = await read('ean13.png');
  assert.deepEqual([ean.text, ean.symbology, classify(ean).kind], ['4006381333931', 'ean_13', 'gtin']);
  const [code128] = await read('code128.png');
  assert.deepEqual([code128.text, code128.symbology, classify(code128).kind], ['ITM-00042/B', 'code_128', 'text']);
});

test('the decode worker answers load and decode messages with scan events', async () => {
  const replies = [];
  const previous = globalThis.self;
  globalThis.self = /** @type {any} */ ({ postMessage: (message) => replies.push(message) });
  try {
    await import('../../pwa/src/scan/decode-worker.js');
    const onmessage = /** @type {any} */ (globalThis.self).onmessage;
    await onmessage({ data: { id: 1, op: 'load', moduleUrl: camera.ZXING_READER_URL, wasmUrl: camera.ZXING_WASM_URL } });
    const written = await writer.writeBarcode('ITM-7', { format: 'Code128', scale: 3 });
    const { data, width, height } = written.symbol;
    const rgba = new Uint8ClampedArray(width * 3 * 40 * 4).fill(255);
    for (let y = 0; y < 40; y += 1) {
      for (let x = 0; x < width * 3; x += 1) {
        if (data[Math.floor(x / 3)] === 0) rgba.fill(0, (y * width * 3 + x) * 4, (y * width * 3 + x) * 4 + 3);
      }
    }
    await onmessage({ data: { id: 2, op: 'decode', pixels: { data: rgba, width: width * 3, height: 40 }, formats: ['code_128'], thorough: false } });
    await onmessage({ data: { id: 3, op: 'nonsense' } });
  } finally {
    globalThis.self = previous;
  }
  assert.deepEqual(replies[0], { id: 1, events: [] });
  assert.equal(replies[1].id, 2);
  assert.deepEqual(replies[1].events.map((e) => [e.text, e.symbology, e.symbologyId, e.source]), [['ITM-7', 'code_128', ']C0', 'camera']]);
  assert.deepEqual(replies[2], { id: 3, error: 'unknown op nonsense' });
});
