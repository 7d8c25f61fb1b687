// Stock offline through the real outbox and pull: a technician issues the van's last unit
// twice to an order; the balance row (its id the server's) shows -1 at once, the order
// its part lines. A pull meanwhile brings the van's balance lowered by another phone: the
// view is that row with both pending issues on top. Once the acks come with the server's
// rows, the view is the server's own: nothing issued offline is lost or counted twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enqueue } from '../../pwa/src/sync/outbox.js';
import { applyPage } from '../../pwa/src/sync/pull.js';
import { balanceId } from '../../pwa/src/shared/stock-ids.js';
import { USER, freshDb, row, seed } from './support/db.js';

const VAN = 'c56a4180-65aa-42ec-a945-5fd21dec0538';
const ITEM = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const ORDER = '9b2e1c3d-0000-4000-8000-00000000abcd';
const BALANCE = balanceId(VAN, null, ITEM, null);
const balance = (onHand, version) => ({ type: 'stock_balance', id: BALANCE, version, store_id: VAN, site_id: 'site-1', bin_id: null, item_id: ITEM, lot_id: null, on_hand: onHand });
const change = (r) => ({ type: r.type, id: r.id, version: r.version, deleted: false, data: Object.fromEntries(Object.entries(r).filter(([k]) => !['type', 'version'].includes(k))) });
const issue = () => ({ name: 'stock.issue', v: 1, args: { movement_id: crypto.randomUUID(), store_id: VAN, item_id: ITEM, quantity: 1, work_order_id: ORDER } });

test('two offline issues of the last unit, a pull between, then the acks', async () => {
  const db = await freshDb();
  const order = { type: 'work_order', id: ORDER, version: 4, status: 'in_progress', assignee_id: USER.id };
  await seed(db, [
    { type: 'store', id: VAN, version: 1, site_id: 'site-1', kind: 'van', holder_id: USER.id },
    { type: 'item', id: ITEM, version: 1, unit_cost_cents: 800, gtins: [] },
    balance(1, 3),
    order,
  ]);
  await enqueue(db, issue());
  await enqueue(db, issue());
  let view = await row(db, 'entities', ['stock_balance', BALANCE]);
  assert.deepEqual([view.on_hand, view._pending], [-1, 2], 'below zero, shown, not refused');
  assert.deepEqual((await row(db, 'entities', ['work_order', ORDER]))._parts.map((p) => p.cost_cents), [800, 800]);

  // Another phone took a unit too: the server's balance is 0 before this phone's issues.
  await applyPage(db, { changes: [change(balance(0, 4))], cursor: 'c1', more: false, acks: { last_seq: 0 } });
  view = await row(db, 'entities', ['stock_balance', BALANCE]);
  assert.deepEqual([view.on_hand, view._pending], [-2, 2]);

  // Both applied on the server (and an exception opened there): its rows, acked.
  await applyPage(db, {
    changes: [change(balance(-2, 6)), change({ ...order, version: 6 })], cursor: 'c2', more: false, acks: { last_seq: 2 },
  });
  view = await row(db, 'entities', ['stock_balance', BALANCE]);
  assert.deepEqual([view.on_hand, view._pending, view.version], [-2, undefined, 6]);
  assert.equal((await row(db, 'entities', ['work_order', ORDER]))._parts, undefined, 'the order\'s detail has the lines now');
  db.close();
});
