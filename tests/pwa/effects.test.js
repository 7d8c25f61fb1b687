import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEffect, needs, touches } from '../../pwa/src/shared/effects.js';

const USER = { id: 'u-tech', name: 'Tess Tech', roles: ['technician'] };
const AT = '2026-11-23T03:12:09.512+08:00';
const rows = {
  'asset:a1': { type: 'asset', id: 'a1', version: 3, site_id: 's1', location_id: 'l1', department_id: 'd-asset', team_id: 'team-hvac', category: 'hvac', status: 'in_service', notes: '' },
  'location:l1': { type: 'location', id: 'l1', version: 1, site_id: 's1', department_id: 'd-ward' },
  'location:l2': { type: 'location', id: 'l2', version: 1, site_id: 's2', department_id: null },
  'item:i1': { type: 'item', id: 'i1', version: 1, unit_cost_cents: 250 },
};
const get = (type, id) => rows[`${type}:${id}`];
const ctx = { user: USER, get };
let n = 0;
const op = (name, args, clientTime = AT) => ({ op_id: `op-${(n += 1)}`, name, args, client_time: clientTime });

function deepFreeze(value) {
  if (value && typeof value === 'object') {
    Object.freeze(value);
    Object.values(value).forEach(deepFreeze);
  }
  return value;
}

/** Apply ops in order to one row, as the rebase does. */
function run(row, ...ops) {
  return runAs(ctx, row, ...ops);
}

function runAs(context, row, ...ops) {
  return ops.reduce((current, o) => {
    const [key] = touches(o);
    return applyEffect(o, key, deepFreeze(current), context);
  }, row);
}

const REQUESTER = { id: 'u-nurse', name: 'Nia Nurse', roles: ['requester'] };

const order = (fields = {}) => ({ type: 'work_order', id: 'w1', version: 5, status: 'accepted_by_team', assignee_id: 'u-tech', priority: 3, arrived_at: null, ...fields });

test('a report creates the order as the server would, from its asset and location', () => {
  const report = op('work_order.report', { work_order_id: 'w9', description: '  Fan noisy ', priority: 1, asset_id: 'a1', location_id: 'l2' });
  assert.deepEqual(touches(report), [['work_order', 'w9']]);
  assert.deepEqual(needs(report, () => undefined), [['asset', 'a1']]);
  assert.deepEqual(needs(report, get), [['asset', 'a1'], ['location', 'l1']], "the asset's location, once the asset is known");
  const row = applyEffect(report, ['work_order', 'w9'], undefined, ctx);
  assert.equal(row.status, 'reported');
  assert.equal(row.version, 0);
  assert.equal(row.description, 'Fan noisy');
  assert.equal(row.location_id, 'l1', "the asset's own location wins over args");
  assert.equal(row.site_id, 's1');
  assert.equal(row.department_id, 'd-ward', "the location's department first");
  assert.equal(row.team_id, 'team-hvac');
  assert.equal(row.category, 'hvac');
  assert.equal(row.reported_by_id, 'u-tech');
  assert.equal(row.reported_at, AT);
  assert.equal(row.resolution_due_at, new Date(Date.parse(AT) + 240 * 60_000).toISOString(), 'priority 1: 240 minutes');
  assert.equal(row.assignee_id, null);
});

test('a report at a room, and a report whose order the server already sent', () => {
  const report = op('work_order.report', { work_order_id: 'w9', description: 'Leak', location_id: 'l2', photos: ['f'.repeat(64)] });
  const row = applyEffect(report, ['work_order', 'w9'], undefined, ctx);
  assert.deepEqual([row.site_id, row.department_id, row.team_id, row.priority], ['s2', null, null, 3]);
  assert.equal(row.resolution_due_at, new Date(Date.parse(AT) + 1440 * 60_000).toISOString());
  assert.deepEqual(row._attachments.map((a) => [a.sha256, a.kind]), [['f'.repeat(64), 'photo']]);
  const server = deepFreeze({ ...row, version: 1, number: 'WO-2026-000001-AB12' });
  assert.equal(applyEffect(report, ['work_order', 'w9'], server, ctx), server);
});

test("the technician's loop moves status and fills the fields they own", () => {
  const wo = { work_order_id: 'w1' };
  const accepted = run(order(), op('work_order.accept', wo));
  assert.equal(accepted.status, 'accepted');
  const started = run(accepted, op('work_order.start', wo, '2026-11-23T04:00:00.000+08:00'));
  assert.deepEqual([started.status, started.arrived_at], ['in_progress', '2026-11-23T04:00:00.000+08:00']);
  const held = run(started, op('work_order.hold', { ...wo, reason: 'waiting for parts' }));
  assert.deepEqual([held.status, held.hold_reason], ['on_hold', 'waiting for parts']);
  const resumed = run(held, op('work_order.resume', wo, '2026-11-23T05:00:00.000+08:00'));
  assert.equal(resumed.status, 'in_progress');
  assert.equal(resumed.arrived_at, '2026-11-23T04:00:00.000+08:00', 'arrival is the first start');
  const done = run(resumed, op('work_order.complete', { ...wo, resolution: ' Replaced belt ' }, '2026-11-23T06:00:00.000+08:00'));
  assert.deepEqual([done.status, done.resolution, done.completed_at], ['completed', 'Replaced belt', '2026-11-23T06:00:00.000+08:00']);
  const confirmed = run(done, op('work_order.confirm', { ...wo, employee_no: 'N200', signature_sha256: 'a'.repeat(64) }));
  assert.deepEqual([confirmed.status, confirmed.signature_sha256, confirmed._confirmed_by_employee_no], ['confirmed', 'a'.repeat(64), 'N200']);
  assert.equal(confirmed._attachments.at(-1).kind, 'signature');
  const rate = op('work_order.rate', { ...wo, score: 4, fixed: true, comment: ' ok ' });
  assert.equal(run(confirmed, rate), confirmed, 'a technician may not rate: the server says forbidden');
  const closed = runAs({ user: REQUESTER, get }, confirmed, rate);
  assert.deepEqual([closed.status, closed.rating, closed.fixed, closed.rating_comment, closed.closed_at], ['closed', 4, true, 'ok', AT]);
});

test('a move the server would refuse leaves the row as it is', () => {
  const dispatched = deepFreeze(order({ status: 'dispatched' }));
  assert.equal(run(dispatched, op('work_order.start', { work_order_id: 'w1' })), dispatched, 'start from dispatched');
  const someoneElse = deepFreeze(order({ assignee_id: 'u-other' }));
  assert.equal(run(someoneElse, op('work_order.accept', { work_order_id: 'w1' })), someoneElse, 'not the assignee');
  const cancelled = deepFreeze(order({ status: 'cancelled' }));
  assert.equal(run(cancelled, op('work_order.log_labour', { work_order_id: 'w1', minutes: 30 })), cancelled);
  assert.equal(run(undefined, op('work_order.start', { work_order_id: 'w1' })), undefined, 'no row, no effect');
});

test('labour, parts, photos and notes are listed on the order until acknowledged', () => {
  const wo = { work_order_id: 'w1' };
  const row = run(
    order({ status: 'in_progress' }),
    op('work_order.log_labour', { ...wo, minutes: 45 }),
    op('work_order.add_part', { ...wo, item_id: 'i1', quantity: 3 }),
    op('work_order.attach', { ...wo, sha256: 'b'.repeat(64), caption: 'before' }),
    op('work_order.note', { ...wo, text: ' Called the ward ' }),
  );
  assert.equal(row.status, 'in_progress');
  assert.deepEqual(row._labour.map((l) => [l.minutes, l.grade]), [[45, 'technician']]);
  assert.deepEqual(row._parts.map((p) => [p.item_id, p.quantity, p.unit_cost_cents, p.cost_cents]), [['i1', 3, 250, 750]]);
  assert.deepEqual(needs(op('work_order.add_part', { ...wo, item_id: 'i1', quantity: 1 }), get), [['item', 'i1']]);
  assert.deepEqual(row._attachments.map((a) => [a.kind, a.caption]), [['photo', 'before']]);
  assert.deepEqual(row._notes.map((x) => [x.text, x.author]), [['Called the ward', 'Tess Tech']]);
  const closed = deepFreeze(order({ status: 'closed' }));
  assert.equal(run(closed, op('work_order.note', { ...wo, text: 'late' }))._notes.length, 1, 'a note goes on any state');
});

test('asset ops: location with its site, status unless retired, notes as the server writes them', () => {
  const moved = run(rows['asset:a1'], op('asset.set_location', { asset_id: 'a1', location_id: 'l2' }));
  assert.deepEqual([moved.location_id, moved.site_id], ['l2', 's2']);
  const out = run(rows['asset:a1'], op('asset.set_status', { asset_id: 'a1', status: 'out_of_service', reason: 'smoke' }));
  assert.equal(out.status, 'out_of_service');
  const retired = deepFreeze({ ...rows['asset:a1'], status: 'retired' });
  assert.equal(run(retired, op('asset.set_status', { asset_id: 'a1', status: 'in_service' })), retired);
  const noted = run(rows['asset:a1'], op('asset.add_note', { asset_id: 'a1', text: ' Fan noisy ' }), op('asset.add_note', { asset_id: 'a1', text: 'Fixed' }));
  assert.equal(noted.notes, `[${AT} Tess Tech] Fan noisy\n[${AT} Tess Tech] Fixed`);
});

test('an unknown op touches nothing', () => {
  const unknown = op('patrol.scan', { checkpoint_id: 'c1' });
  assert.deepEqual(touches(unknown), []);
  assert.deepEqual(needs(unknown, get), []);
  const row = deepFreeze(order());
  assert.equal(applyEffect(unknown, ['work_order', 'w1'], row, ctx), row);
});
