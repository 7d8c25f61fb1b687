// Web NFC (NDEFReader) exists only in Chrome on Android: this machine's Chromium has none,
// so these tests drive src/scan/nfc.js with a stand-in reader that plays a tag's reading
// as the browser delivers it (serialNumber with colons, NDEF records with DataView data).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstText, nfcAvailable, normaliseUid, scanEventOf, startNfc, writeTag } from '../../pwa/src/scan/nfc.js';

const textRecord = (text, encoding = 'utf-8') => {
  const bytes = encoding === 'utf-8' ? new TextEncoder().encode(text) : new Uint8Array(new Uint16Array([...text].map((c) => c.charCodeAt(0))).buffer);
  return { recordType: 'text', encoding, data: new DataView(bytes.buffer) };
};
const urlRecord = { recordType: 'url', data: new DataView(new TextEncoder().encode('https://x.test').buffer) };

/** A stand-in NDEFReader: scan() resolves, then the next tag is read; write() records what was written. */
function fakeScope(tag) {
  const written = [];
  class NDEFReader extends EventTarget {
    async scan({ signal } = {}) {
      if (signal?.aborted) throw new DOMException('aborted', 'AbortError');
      queueMicrotask(() => {
        const reading = new Event('reading');
        Object.assign(reading, { serialNumber: tag.serialNumber, message: { records: tag.records() } });
        this.dispatchEvent(reading);
      });
    }
    async write(message) {
      written.push(message);
      tag.records = () => message.records.map((r) => textRecord(r.data));
    }
  }
  return { NDEFReader, written };
}

test('a serial number becomes the checkpoint form: hex, upper case, no separators', () => {
  assert.equal(normaliseUid('04:a2:3b:1c:5d:6e:80'), '04A23B1C5D6E80');
  assert.equal(normaliseUid('04-A2-3B'), '04A23B');
  assert.equal(normaliseUid(undefined), '');
});

test('the first text record is the text; url records are passed over; utf-16 is read', () => {
  assert.equal(firstText({ records: [urlRecord, textRecord(' CP-ABC '), textRecord('second')] }), 'CP-ABC');
  assert.equal(firstText({ records: [textRecord('CP-16', 'utf-16')] }), 'CP-16');
  assert.equal(firstText({ records: [urlRecord] }), '');
});

test('a reading is a scan event with source nfc; a tag without text is named by its UID', () => {
  const event = scanEventOf({ serialNumber: '04:0a:ff', message: { records: [textRecord('CP-1')] } }, 5);
  assert.deepEqual(event, { text: 'CP-1', uid: '040AFF', symbology: 'nfc', symbologyId: '', source: 'nfc', at: 5 });
  assert.equal(scanEventOf({ serialNumber: '04:0a:ff', message: { records: [] } }).text, '040AFF');
  assert.equal(scanEventOf({ serialNumber: '', message: { records: [] } }), null);
});

test('without NDEFReader nothing starts and the screens are told why', async () => {
  assert.equal(nfcAvailable({}), false);
  await assert.rejects(startNfc({ onScan() {}, scope: {} }), { name: 'NotSupportedError' });
  await assert.rejects(writeTag('CP-1', { scope: {} }), { name: 'NotSupportedError' });
});

test('a tag read while listening reaches onScan; stopping aborts the reader', async () => {
  const { NDEFReader } = fakeScope({ serialNumber: '04:11:22:33:44:55:66', records: () => [textRecord('CP-9F')] });
  const heard = [];
  const stop = await startNfc({ onScan: (e) => heard.push(e), scope: { NDEFReader } });
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(heard.map((e) => [e.text, e.uid, e.source]), [['CP-9F', '04112233445566', 'nfc']]);
  stop();
});

test('writing a tag stores the payload as one text record and reads back its UID', async () => {
  const tag = { serialNumber: '04:de:ad:be:ef:00:01', records: () => [] };
  const { NDEFReader, written } = fakeScope(tag);
  const event = await writeTag('CP-0011AA', { scope: { NDEFReader } });
  assert.deepEqual(written, [{ records: [{ recordType: 'text', data: 'CP-0011AA', lang: 'en' }] }]);
  assert.equal(event.uid, '04DEADBEEF0001');
  assert.equal(event.text, 'CP-0011AA');
});
