// The stock ops' optimistic effects: balances derived by id as the server derives them,
// lots made on first sight, an issue to an order adding its part line at the item's cost,
// a balance that goes below zero kept (never refused), transfers moving two balances and
// blind count lines kept on the stocktake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEffect, needs, touches } from '../../pwa/src/shared/effects.js';
import { balanceId, lotId } from '../../pwa/src/shared/stock-ids.js';

const KEEPER = { id: 'u-keeper', name: 'Grace Chen', roles: ['storekeeper'] };
const TECH = { id: 'u-tech', name: 'Tess Tech', roles: ['technician'] };
const NURSE = { id: 'u-nurse', name: 'Nia Nurse', roles: ['requester'] };
const AT = '2026-11-23T03:12:09.512+08:00';
const ITEM = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const STORE = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const VAN = 'c56a4180-65aa-42ec-a945-5fd21dec0538';
const BIN = 'a8098c1a-f86e-11da-bd1a-00112444be1e';
const ORDER = '9b2e1c3d-0000-4000-8000-00000000abcd';

let n = 0;
const op = (name, args) => ({ op_id: `op-${(n += 1)}`, name, v: 1, args: { movement_id: `m-${n}`, ...args }, client_time: AT });

/** Apply ops in order to a table of rows, as the rebase does: every touched key in turn. */
function run(user, start, ...ops) {
  const rows = new Map(Object.entries(start));
  const get = (type, id) => rows.get(`${type}:${id}`);
  for (const o of ops) {
    for (const key of touches(o)) {
      const k = `${key[0]}:${key[1]}`;
      const next = applyEffect(o, key, Object.freeze(rows.get(k)), { user, get });
      if (next) rows.set(k, next);
      else rows.delete(k);
    }
  }
  return rows;
}

const reference = {
  [`store:${STORE}`]: { type: 'store', id: STORE, site_id: 'site-east', kind: 'store', holder_id: null },
  [`store:${VAN}`]: { type: 'store', id: VAN, site_id: 'site-east', kind: 'van', holder_id: TECH.id },
  [`item:${ITEM}`]: { type: 'item', id: ITEM, unit_cost_cents: 1250, name: 'Filter' },
};

test('a receipt makes the lot and the balance under the ids the server will give them', () => {
  const receive = op('stock.receive', { store_id: STORE, bin_id: BIN, item_id: ITEM, quantity: 12, lot: 'L77', expiry: '2027-03-31' });
  const lot = lotId(ITEM, 'L77');
  const balance = balanceId(STORE, BIN, ITEM, lot);
  assert.deepEqual(touches(receive), [['stock_balance', balance], ['stock_lot', lot]]);
  assert.deepEqual(needs(receive, () => undefined), [['store', STORE]]);
  const rows = run(KEEPER, reference, receive, op('stock.receive', { store_id: STORE, bin_id: BIN, item_id: ITEM, quantity: 3, lot: 'L77' }));
  assert.deepEqual(
    { ...rows.get(`stock_balance:${balance}`) },
    { type: 'stock_balance', id: balance, version: 0, store_id: STORE, site_id: 'site-east', bin_id: BIN, item_id: ITEM, lot_id: lot, on_hand: 15 },
  );
  assert.equal(rows.get(`stock_lot:${lot}`).expiry, '2027-03-31');
  assert.equal(rows.get(`stock_lot:${lot}`).lot, 'L77');
});

test('a lot the server already knows keeps its expiry; one without learns it', () => {
  const lot = lotId(ITEM, 'OLD');
  const known = { [`stock_lot:${lot}`]: { type: 'stock_lot', id: lot, version: 2, item_id: ITEM, lot: 'OLD', expiry: '2026-12-01' } };
  const args = { store_id: STORE, item_id: ITEM, quantity: 1, lot: 'OLD', expiry: '2030-01-01' };
  assert.equal(run(KEEPER, { ...reference, ...known }, op('stock.receive', args)).get(`stock_lot:${lot}`).expiry, '2026-12-01');
  const blank = { [`stock_lot:${lot}`]: { ...known[`stock_lot:${lot}`], expiry: null } };
  assert.equal(run(KEEPER, { ...reference, ...blank }, op('stock.receive', args)).get(`stock_lot:${lot}`).expiry, '2030-01-01');
});

test('an issue to an order lowers the van and adds the part line at the item\'s cost', () => {
  const lot = lotId(ITEM, 'L1');
  const balance = balanceId(VAN, null, ITEM, lot);
  const start = {
    ...reference,
    [`stock_balance:${balance}`]: { type: 'stock_balance', id: balance, version: 4, store_id: VAN, bin_id: null, item_id: ITEM, lot_id: lot, on_hand: 2 },
    [`work_order:${ORDER}`]: { type: 'work_order', id: ORDER, version: 3, status: 'in_progress', assignee_id: TECH.id },
  };
  const issue = op('stock.issue', { store_id: VAN, item_id: ITEM, quantity: 2, lot: 'L1', work_order_id: ORDER });
  assert.deepEqual(touches(issue), [['stock_balance', balance], ['work_order', ORDER]]);
  const rows = run(TECH, start, issue);
  assert.equal(rows.get(`stock_balance:${balance}`).on_hand, 0);
  assert.deepEqual(rows.get(`work_order:${ORDER}`)._parts, [
    { item_id: ITEM, quantity: 2, unit_cost_cents: 1250, cost_cents: 2500, store_id: VAN, lot: 'L1', op_id: issue.op_id },
  ]);
});

test('two issues of the last unit both stand: the balance goes below zero, nothing is refused', () => {
  const balance = balanceId(STORE, BIN, ITEM, null);
  const start = { ...reference, [`stock_balance:${balance}`]: { type: 'stock_balance', id: balance, version: 1, store_id: STORE, bin_id: BIN, item_id: ITEM, lot_id: null, on_hand: 1 } };
  const dept = 'dept-icu';
  const rows = run(KEEPER, start,
    op('stock.issue', { store_id: STORE, bin_id: BIN, item_id: ITEM, quantity: 1, department_id: dept }),
    op('stock.issue', { store_id: STORE, bin_id: BIN, item_id: ITEM, quantity: 1, department_id: dept }));
  assert.equal(rows.get(`stock_balance:${balance}`).on_hand, -1);
});

test('a return credits the store and the order; an adjustment moves by its signed delta', () => {
  const balance = balanceId(VAN, null, ITEM, null);
  const start = { ...reference, [`work_order:${ORDER}`]: { type: 'work_order', id: ORDER, version: 3, status: 'in_progress', assignee_id: TECH.id } };
  const rows = run(TECH, start,
    op('stock.return', { store_id: VAN, item_id: ITEM, quantity: 1, work_order_id: ORDER }));
  assert.equal(rows.get(`stock_balance:${balance}`).on_hand, 1);
  assert.equal(rows.get(`work_order:${ORDER}`)._parts[0].quantity, -1);
  assert.equal(rows.get(`work_order:${ORDER}`)._parts[0].cost_cents, -1250);
  const adjusted = run(KEEPER, reference,
    op('stock.adjust', { store_id: STORE, item_id: ITEM, delta: -4, reason: 'damaged' }),
    op('stock.adjust', { store_id: STORE, item_id: ITEM, delta: 1, reason: 'found' }));
  assert.equal(adjusted.get(`stock_balance:${balanceId(STORE, null, ITEM, null)}`).on_hand, -3);
});

test('a transfer moves one lot out of one place and into another', () => {
  const lot = lotId(ITEM, 'T9');
  const transfer = op('stock.transfer', { item_id: ITEM, quantity: 5, from_store_id: STORE, from_bin_id: BIN, to_store_id: VAN, lot: 'T9' });
  const rows = run(KEEPER, reference, transfer);
  assert.equal(rows.get(`stock_balance:${balanceId(STORE, BIN, ITEM, lot)}`).on_hand, -5);
  const into = rows.get(`stock_balance:${balanceId(VAN, null, ITEM, lot)}`);
  assert.equal(into.on_hand, 5);
  assert.equal(into.store_id, VAN);
  assert.equal(into.bin_id, null);
});

test('a blind count line is kept on an open stocktake and moves no balance', () => {
  const take = 'st-1';
  const start = { ...reference, [`stocktake:${take}`]: { type: 'stocktake', id: take, version: 1, status: 'counting', store_id: STORE } };
  const count = op('stock.count', { line_id: 'line-1', stocktake_id: take, item_id: ITEM, counted: 7, bin_id: BIN });
  assert.deepEqual(touches(count), [['stocktake', take]]);
  const rows = run(KEEPER, start, count);
  assert.equal(rows.get(`stocktake:${take}`)._lines[0].counted, 7);
  assert.equal([...rows.keys()].some((k) => k.startsWith('stock_balance:')), false);
  const closed = { ...start, [`stocktake:${take}`]: { ...start[`stocktake:${take}`], status: 'approved' } };
  assert.equal(run(KEEPER, closed, count).get(`stocktake:${take}`)._lines, undefined);
});

test('a role the server refuses stock ops to changes nothing', () => {
  const rows = run(NURSE, reference, op('stock.receive', { store_id: STORE, item_id: ITEM, quantity: 2 }));
  assert.equal([...rows.keys()].some((k) => k.startsWith('stock_balance:')), false);
});

test('the part line follows the order\'s rules: not on a closed order, not on someone else\'s', () => {
  const start = { ...reference, [`work_order:${ORDER}`]: { type: 'work_order', id: ORDER, version: 3, status: 'closed', assignee_id: TECH.id } };
  const issue = op('stock.issue', { store_id: VAN, item_id: ITEM, quantity: 1, work_order_id: ORDER });
  assert.equal(run(TECH, start, issue).get(`work_order:${ORDER}`)._parts, undefined);
  const theirs = { ...start, [`work_order:${ORDER}`]: { ...start[`work_order:${ORDER}`], status: 'in_progress', assignee_id: 'u-other' } };
  assert.equal(run(TECH, theirs, issue).get(`work_order:${ORDER}`)._parts, undefined);
  assert.equal(run(TECH, theirs, issue).get(`stock_balance:${balanceId(VAN, null, ITEM, null)}`).on_hand, -1, 'the part left the van all the same');
});
