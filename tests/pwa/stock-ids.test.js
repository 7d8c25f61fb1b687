// sync/vectors/stock-ids.json: the phone derives the ids of lots and balances exactly as
// server/domain/stock/ids.py does (tests/unit/test_stock_ids.py runs the same file there).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { balanceId, derivedId, lotId } from '../../pwa/src/shared/stock-ids.js';

const vector = JSON.parse(readFileSync(new URL('../../sync/vectors/stock-ids.json', import.meta.url), 'utf8'));

test('lot ids are the server\'s, non-ASCII batch codes included', () => {
  assert.ok(vector.lots.some((c) => /[^\x00-\x7f]/.test(c.lot)));
  for (const c of vector.lots) assert.equal(lotId(c.item_id, c.lot), c.id, JSON.stringify(c));
});

test('balance ids are the server\'s, with and without bin and lot', () => {
  for (const c of vector.balances) assert.equal(balanceId(c.store_id, c.bin_id, c.item_id, c.lot_id), c.id, JSON.stringify(c));
});

test('a derived id is a version 8 RFC 9562 UUID, and upper-case input names the same row', () => {
  const id = derivedId('stock_lot:x:y');
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const c = vector.balances.find((b) => b.bin_id && b.lot_id);
  assert.equal(balanceId(c.store_id.toUpperCase(), c.bin_id.toUpperCase(), c.item_id.toUpperCase(), c.lot_id.toUpperCase()), c.id);
});
