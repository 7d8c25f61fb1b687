// The stock screens' decisions: what a scan names (a real GS1 DataMatrix text with lot and
// expiry, a bin label, an item code, nothing known), FEFO among the store's lots, the
// warnings at scan, and the continuous scan list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readScan } from '../../pwa/src/app/stock-scan.js';
import { EXPIRY_WARNING_DAYS, addScanLine, fefo, lotWarning, nameScan, needsAttention } from '../../pwa/src/app/stock-logic.js';

const ITEM = { id: 'i1', code: 'FLT-00001', name: 'Filter', gtins: ['09506000134352'] };
const BIN = { id: 'b1', code: 'A-01-02', store_id: 's1' };
const lookup = {
  itemByGtin: async (g) => (ITEM.gtins.includes(g) ? ITEM : undefined),
  itemByCode: async (c) => (c === ITEM.code ? ITEM : undefined),
  binByCode: async (c) => (c === BIN.code ? BIN : undefined),
};

test('a GS1 DataMatrix names the item with its lot and expiry', async () => {
  const scan = readScan({ text: '\x1d0109506000134352172703311010B77\x1d', symbology: 'data_matrix', symbologyId: ']d2' });
  assert.deepEqual(await nameScan(scan, lookup), { kind: 'item', item: ITEM, lot: '10B77', expiry: '2027-03-31', text: scan.text });
});

test('a bin label names the bin, an item code the item, anything else nothing', async () => {
  assert.equal((await nameScan(readScan({ text: 'a-01-02', symbology: 'code_128' }), lookup)).kind, 'bin');
  assert.equal((await nameScan(readScan({ text: 'FLT-00001', symbology: 'code_128' }), lookup)).item, ITEM);
  assert.deepEqual(await nameScan(readScan({ text: 'HELLO WORLD', symbology: 'qr_code' }), lookup), { kind: 'unknown', text: 'HELLO WORLD' });
  assert.equal((await nameScan(readScan({ text: '4006381333931', symbology: 'ean_13' }), lookup)).kind, 'unknown', 'a GTIN of no item here');
});

test('lots are warned at scan: recalled, expired, expiring within the server\'s window', () => {
  const today = '2026-12-03';
  assert.deepEqual(lotWarning({ recalled_at: '2026-11-01T00:00:00Z', expiry: '2030-01-01' }, null, today), { kind: 'recalled' });
  assert.deepEqual(lotWarning({ expiry: '2026-12-02' }, null, today), { kind: 'expired', expiry: '2026-12-02' });
  assert.deepEqual(lotWarning(null, '2026-12-10', today), { kind: 'expiring', days: 7, expiry: '2026-12-10' }, 'from the scan when the lot is new');
  assert.equal(lotWarning({ expiry: '2026-12-03' }, null, today).kind, 'expiring', 'the last day is not expired');
  assert.equal(EXPIRY_WARNING_DAYS, 30);
  assert.equal(lotWarning({ expiry: '2027-01-03' }, null, today), null);
  assert.equal(lotWarning({ expiry: null }, null, today), null);
});

test('FEFO suggests the earliest expiry with stock here, skipping expired, recalled and empty lots', () => {
  const today = '2026-12-03';
  const lots = new Map([
    ['l-old', { id: 'l-old', lot: 'OLD', expiry: '2026-11-30' }],
    ['l-rec', { id: 'l-rec', lot: 'REC', expiry: '2027-01-01', recalled_at: '2026-11-01T00:00:00Z' }],
    ['l-empty', { id: 'l-empty', lot: 'EMP', expiry: '2027-01-02' }],
    ['l-next', { id: 'l-next', lot: 'NXT', expiry: '2027-02-01' }],
    ['l-late', { id: 'l-late', lot: 'LAT', expiry: '2028-01-01' }],
    ['l-none', { id: 'l-none', lot: 'NON', expiry: null }],
  ]);
  const bal = (lot, on) => ({ id: `b-${lot}`, lot_id: lot, on_hand: on });
  const balances = [bal('l-none', 9), bal('l-late', 3), bal('l-old', 5), bal('l-rec', 5), bal('l-empty', 0), bal('l-next', 1), bal(null, 40)];
  assert.equal(fefo(balances, lots, today).lot.lot, 'NXT');
  assert.equal(fefo([bal('l-none', 9), bal('l-late', 3)], lots, today).lot.lot, 'LAT', 'an expiry before none');
  assert.equal(fefo([bal('l-old', 2), bal('l-empty', -1)], lots, today), null);
});

test('the scan list: newest first, the same item and lot again counts up, a repeat is said', () => {
  let lines = [];
  lines = addScanLine(lines, { at: 1, kind: 'item', text: 'x', itemId: 'i1', lot: 'A' });
  lines = addScanLine(lines, { at: 2, kind: 'item', text: 'x', itemId: 'i1', lot: 'A' });
  lines = addScanLine(lines, { at: 3, kind: 'item', text: 'y', itemId: 'i1', lot: 'B' });
  lines = addScanLine(lines, { at: 4, kind: 'unknown', text: 'zz' });
  lines = addScanLine(lines, { at: 5, kind: 'repeat', text: 'zz' });
  assert.deepEqual(lines.map((l) => [l.n, l.kind, l.lot ?? null, l.count]), [
    [4, 'repeat', null, 1], [3, 'unknown', null, 1], [2, 'item', 'B', 1], [1, 'item', 'A', 2],
  ]);
  assert.equal(needsAttention(lines[1]), true);
  assert.equal(needsAttention(lines[2]), false);
  assert.equal(needsAttention({ kind: 'item', warning: { kind: 'recalled' } }), true);
  let many = [];
  for (let i = 0; i < 60; i += 1) many = addScanLine(many, { at: i, kind: 'unknown', text: String(i) });
  assert.equal(many.length, 50);
  assert.equal(many[0].text, '59');
});

test('an issue takes from the scanned lot, else FEFO, else stock without a lot, else nothing', async () => {
  const { pickBalance } = await import('../../pwa/src/app/stock-logic.js');
  const today = '2026-12-03';
  const lots = new Map([['l1', { id: 'l1', lot: 'A', expiry: '2027-06-01' }], ['l2', { id: 'l2', lot: 'B', expiry: '2027-01-01' }]]);
  const rows = [
    { id: 'x', lot_id: 'l1', on_hand: 4, bin_id: 'bin1' },
    { id: 'y', lot_id: 'l2', on_hand: 1, bin_id: 'bin2' },
    { id: 'z', lot_id: null, on_hand: 9, bin_id: null },
  ];
  assert.equal(pickBalance(rows, lots, today, 'A').id, 'x');
  assert.equal(pickBalance(rows, lots, today).id, 'y', 'first expiry first out');
  assert.equal(pickBalance(rows, lots, today, 'NOPE').id, 'y', 'a lot this store does not hold: FEFO');
  assert.equal(pickBalance([rows[2], { id: 'w', lot_id: null, on_hand: 0 }], lots, today).id, 'z');
  assert.equal(pickBalance([{ id: 'e', lot_id: null, on_hand: -2 }], lots, today), null);
});

test('every adjustment reason the server takes has its words in both languages', async () => {
  const { ADJUST_REASONS } = await import('../../pwa/src/app/stock-logic.js');
  const en = (await import('../../pwa/src/app/messages/en.js')).default;
  const zh = (await import('../../pwa/src/app/messages/zh-CN.js')).default;
  assert.ok(ADJUST_REASONS.includes('damaged'));
  for (const reason of ADJUST_REASONS) {
    assert.ok(en[`move.reason.${reason}`] && zh[`move.reason.${reason}`], reason);
  }
});
