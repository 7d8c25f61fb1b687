import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify, tagFromScan } from '../../pwa/src/scan/classify.js';
import { expiryDate, gtinCheckDigitOk, humanReadable, readElementString, upcEToUpcA } from '../../pwa/src/scan/gs1.js';

const TODAY = new Date(Date.UTC(2026, 10, 23));
const scan = (text, symbology = 'unknown', symbologyId = '', source = 'camera') => ({ text, symbology, symbologyId, source, at: 0 });

test('asset tags: the rules of scanners/tags.py', () => {
  // The doctests of scanners/tags.py, one for one.
  assert.equal(tagFromScan('7k3m9q2xwd'), '7K3M9Q2XWD');
  assert.equal(tagFromScan('  7K3M9Q2XWD\n'), '7K3M9Q2XWD');
  assert.equal(tagFromScan('https://rounds.example.org/a/7K3M9Q2XWD'), '7K3M9Q2XWD');
  assert.equal(tagFromScan('http://10.0.0.5:8000/a/7k3m9q2xwd/?src=label'), '7K3M9Q2XWD');
  assert.equal(tagFromScan('7K3M9Q2XWU'), null, 'U is not a Crockford digit');
  assert.equal(tagFromScan('https://rounds.example.org/b/7K3M9Q2XWD'), null);
  assert.equal(tagFromScan(''), null);
  assert.equal(tagFromScan('https://rounds.example.org/a/'), null);
  assert.equal(tagFromScan('rounds.example.org/a/7K3M9Q2XWD'), null, 'not a URL, not a code');
  assert.equal(tagFromScan('ftp://rounds.example.org/a/7K3M9Q2XWD'), null);
  assert.equal(tagFromScan('https://rounds.example.org/x/a/7K3M9Q2XWD'), null, 'the whole path is /a/<code>');
});

test('classify: an asset label QR, from the camera or typed', () => {
  assert.deepEqual(classify(scan('https://rounds.example.org/a/7K3M9Q2XWD', 'qr_code', ']Q1')), { kind: 'asset', tag: '7K3M9Q2XWD' });
  assert.deepEqual(classify(scan('7k3m9q2xwd', 'unknown', '', 'manual')), { kind: 'asset', tag: '7K3M9Q2XWD' });
  assert.deepEqual(classify(scan('https://example.org/about', 'qr_code', ']Q1')), { kind: 'text', text: 'https://example.org/about' });
});

test('classify: EAN-13, EAN-8, UPC-A, UPC-E as 14-digit GTINs; a wrong check digit is text', () => {
  assert.deepEqual(classify(scan('4006381333931', 'ean_13', ']E0')), { kind: 'gtin', gtin: '04006381333931', gs1: false });
  assert.deepEqual(classify(scan('96385074', 'ean_8', ']E4')), { kind: 'gtin', gtin: '00000096385074', gs1: false });
  assert.deepEqual(classify(scan('036000291452', 'upc_a')), { kind: 'gtin', gtin: '00036000291452', gs1: false });
  assert.equal(upcEToUpcA('04252614'), '042100005264');
  assert.deepEqual(classify(scan('04252614', 'upc_e')), { kind: 'gtin', gtin: '00042100005264', gs1: false });
  assert.deepEqual(classify(scan('4006381333932', 'ean_13')), { kind: 'text', text: '4006381333932' });
  // Digits from a wedge that sent no identifier, or typed: a GTIN when the check digit is right.
  assert.deepEqual(classify(scan('4006381333931', 'unknown', '', 'wedge')), { kind: 'gtin', gtin: '04006381333931', gs1: false });
  assert.deepEqual(classify(scan('4006381333932', 'unknown', '', 'wedge')).kind, 'text');
  // A Code 128 that is not GS1 carrying digits is the store's own code, not a GTIN.
  assert.deepEqual(classify(scan('4006381333931', 'code_128', ']C0')).kind, 'text');
});

test('classify: GS1-128 with GTIN, lot and expiry', () => {
  // (01)09506000134352 (10)LOT42 <GS> (17)261231
  const got = classify(scan('010950600013435210LOT42\x1d17261231', 'code_128', ']C1'), { today: TODAY });
  assert.deepEqual(got, { kind: 'gtin', gtin: '09506000134352', gs1: true, lot: 'LOT42', expiryRaw: '261231', expiry: '2026-12-31' });
});

test('classify: a variable-length AI ended by GS, then more elements; fixed ones need none', () => {
  // (01) fixed, (17) fixed, (10) variable then GS, (21) variable to the end.
  const text = '01095060001343521728020010ABC123\x1d21XYZ-9';
  const got = classify(scan(text, 'data_matrix', ']d2'), { today: TODAY });
  assert.deepEqual(got, {
    kind: 'gtin', gtin: '09506000134352', gs1: true, lot: 'ABC123', expiryRaw: '280200', expiry: '2028-02-29', serial: 'XYZ-9',
  });
  // The serial first, then the lot: the GS after the serial is what ends it.
  const swapped = classify(scan('0109506000134352\x1d21SN1\x1d10L2', 'data_matrix', ']d8'));
  assert.equal(swapped.kind, 'gtin');
  assert.deepEqual([swapped.serial, swapped.lot], ['SN1', 'L2']);
});

test('classify: GS1 recognised without an identifier (BarcodeDetector, a wedge without AIM)', () => {
  const got = classify(scan('\x1d010950600013435210LOT42', 'code_128', '', 'wedge'));
  assert.deepEqual(got, { kind: 'gtin', gtin: '09506000134352', gs1: true, lot: 'LOT42' });
  const bare = classify(scan('0109506000134352172612311\x1d', 'data_matrix'));
  assert.equal(bare.kind, 'text', 'an element cut short is not GS1');
  const detector = classify(scan('01095060001343521726123110ABC', 'data_matrix'), { today: TODAY });
  assert.deepEqual([detector.kind, detector.lot, detector.expiry], ['gtin', 'ABC', '2026-12-31']);
});

test('classify: a GS1 code with other AIs steps over them', () => {
  // (01) (11) production date, fixed 6 (30) variable count, GS, (17) (10)
  const text = '010950600013435211250101' + '3012\x1d' + '17270630' + '10B7';
  const got = classify(scan(text, 'code_128', ']C1'), { today: TODAY });
  assert.deepEqual(got, { kind: 'gtin', gtin: '09506000134352', gs1: true, lot: 'B7', expiryRaw: '270630', expiry: '2027-06-30' });
  assert.deepEqual(readElementString(text)?.ais, ['01', '11', '30', '17', '10']);
});

test('classify: a typed bracketed GS1 string is read too', () => {
  const got = classify(scan('(01)09506000134352(17)261231(10)ABC', 'unknown', '', 'manual'), { today: TODAY });
  assert.deepEqual(got, { kind: 'gtin', gtin: '09506000134352', gs1: true, lot: 'ABC', expiryRaw: '261231', expiry: '2026-12-31' });
});

test('classify: a GS1 code with a bad GTIN check digit, or malformed, is text', () => {
  assert.equal(classify(scan('010950600013435310LOT', 'code_128', ']C1')).kind, 'text');
  assert.equal(classify(scan('01095060001343', 'code_128', ']C1')).kind, 'text');
  assert.equal(classify(scan('0109506000134352' + '10' + 'X'.repeat(21), 'code_128', ']C1')).kind, 'text', 'a lot is at most 20');
  assert.equal(classify(scan('hello', 'code_128', ']C1')).kind, 'text');
});

test('gs1 helpers: check digits, expiry centuries and day 00, the display form', () => {
  assert.ok(gtinCheckDigitOk('09506000134352'));
  assert.ok(gtinCheckDigitOk('4006381333931'));
  assert.ok(!gtinCheckDigitOk('4006381333930'));
  assert.equal(expiryDate('261200', TODAY), '2026-12-31', 'day 00 is the last day of the month');
  assert.equal(expiryDate('280200', TODAY), '2028-02-29');
  assert.equal(expiryDate('760101', TODAY), '2076-01-01', '50 years ahead is this century');
  assert.equal(expiryDate('770101', TODAY), '1977-01-01', '51 ahead is the last century');
  assert.equal(expiryDate('261301', TODAY), null);
  assert.equal(expiryDate('260231', TODAY), null);
  assert.equal(humanReadable({ gtin: '09506000134352', lot: 'A', expiry: '261231', ais: [] }), '(01)09506000134352(17)261231(10)A');
});

test('classify: what parseScan refuses is text; where a scan reads two ways, a tag wins', () => {
  // An impossible expiry (13th month) or a production date with day 00 breaks GS1.
  assert.deepEqual(classify(scan('010950600013435217261301', 'data_matrix', ']d2')).kind, 'text');
  assert.deepEqual(classify(scan('010950600013435211261100', 'data_matrix', ']d2')).kind, 'text');
  // Ten digits are a tag and AI 10 with a lot: the label is ours.
  assert.deepEqual(classify(scan('1012345678', 'qr_code')), { kind: 'asset', tag: '1012345678' });
  // A GS1 Digital Link on a plain QR names the product.
  const link = classify(scan('https://id.gs1.org/01/09506000134352/10/ABC?17=261231', 'qr_code', ']Q1'), { today: TODAY });
  assert.deepEqual(link, { kind: 'gtin', gtin: '09506000134352', gs1: true, lot: 'ABC', expiryRaw: '261231', expiry: '2026-12-31' });
  // An HIBC label carries no GTIN: the app says it back as text.
  assert.equal(classify(scan('+A999123457', 'code_128', ']C0')).kind, 'text');
});
