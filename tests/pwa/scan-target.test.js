// What a scan opens on a screen without a scan button: an asset tag opens the asset's one
// open order, or the list of its open orders, or says it has none; an unknown tag and any
// other code are said back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanTarget } from '../../pwa/src/app/scan-target.js';

const assets = { '7K3M9Q2XWD': { id: 'a1', name: 'Chiller 2' }, '4D5E6F7G8H': { id: 'a2', name: 'Lift 3' }, '9A8B7C6D5E': { id: 'a3', name: 'Pump' } };
const orders = [
  { id: 'w1', asset_id: 'a1', status: 'in_progress' },
  { id: 'w0', asset_id: 'a1', status: 'closed' },
  { id: 'w2', asset_id: 'a2', status: 'dispatched' },
  { id: 'w3', asset_id: 'a2', status: 'on_hold' },
  { id: 'w4', asset_id: 'a3', status: 'completed' },
  { id: 'w5', asset_id: 'a3', status: 'cancelled' },
];
const lookup = {
  assetByTag: async (tag) => assets[tag],
  ordersOf: async (id) => orders.filter((o) => o.asset_id === id),
};

test('a tag with one open order opens it; finished ones do not count', async () => {
  assert.deepEqual(await scanTarget({ kind: 'asset', tag: '7K3M9Q2XWD' }, 'https://h/a/7K3M9Q2XWD', lookup), { kind: 'order', id: 'w1' });
});

test('a tag with several open orders opens their list; with none it says so', async () => {
  assert.deepEqual(await scanTarget({ kind: 'asset', tag: '4D5E6F7G8H' }, '4D5E6F7G8H', lookup), { kind: 'orders', tag: '4D5E6F7G8H', count: 2 });
  assert.deepEqual(await scanTarget({ kind: 'asset', tag: '9A8B7C6D5E' }, '9A8B7C6D5E', lookup), { kind: 'no_order', tag: '9A8B7C6D5E', asset: 'Pump' });
});

test('an unknown tag and anything that is no tag are said back', async () => {
  assert.deepEqual(await scanTarget({ kind: 'asset', tag: 'ZZZZZZZZZZ' }, 'ZZZZZZZZZZ', lookup), { kind: 'unknown_tag', tag: 'ZZZZZZZZZZ' });
  assert.deepEqual(await scanTarget({ kind: 'gtin', gtin: '09506000134352' }, ' 9506000134352 ', lookup), { kind: 'not_a_tag', text: '9506000134352' });
});
