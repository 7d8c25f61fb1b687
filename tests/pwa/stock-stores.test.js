// Where stock is taken from: a technician's part comes from the van they hold, else the
// store of the order's site; a storekeeper works from their sites' stores; a colleague's
// van is not one's own store (it is still a place a move may go to).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { issuingStore, storesOf } from '../../pwa/src/app/views/stock-common.js';

const STORES = [
  { type: 'store', id: 'west', code: 'WEST', kind: 'store', site_id: 'site-w', holder_id: null },
  { type: 'store', id: 'main', code: 'MAIN', kind: 'store', site_id: 'site-e', holder_id: null },
  { type: 'store', id: 'van-1', code: 'VAN-T0001', kind: 'van', site_id: 'site-e', holder_id: 'u-t1' },
  { type: 'store', id: 'van-2', code: 'VAN-T0002', kind: 'van', site_id: 'site-e', holder_id: 'u-t2' },
];
const client = { list: async (type) => (type === 'store' ? STORES : []) };
const tech = (id) => ({ id, roles: ['technician'], site_ids: ['site-e'] });

test('a technician\'s own van comes first; another\'s van is not theirs', async () => {
  assert.deepEqual((await storesOf(client, tech('u-t1'))).map((s) => s.id), ['van-1', 'main', 'west']);
  assert.equal((await issuingStore(client, tech('u-t1'), 'site-w')).id, 'van-1');
});

test('without a van, the store of the order\'s site', async () => {
  assert.equal((await issuingStore(client, tech('u-t9'), 'site-e')).id, 'main');
  assert.equal((await issuingStore(client, tech('u-t9'), 'site-w')).id, 'west');
  assert.equal(await issuingStore({ list: async () => [] }, tech('u-t9'), 'site-e'), null);
});

test('a storekeeper of one site sees that site\'s stores first', async () => {
  const keeper = { id: 'u-k', roles: ['storekeeper'], site_ids: ['site-w'] };
  assert.deepEqual((await storesOf(client, keeper)).map((s) => s.id), ['west', 'main']);
});
