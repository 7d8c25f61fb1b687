// The phone's optimistic effects follow the server's rules as generated into
// pwa/src/shared/rules.js (tests/unit/test_field_rules.py keeps that file current): every
// action from every state, the assignee-only actions, who may send what, the service levels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import RULES from '../../pwa/src/shared/rules.js';
import { applyEffect, hasEffect } from '../../pwa/src/shared/effects.js';
import { isDesk, maySend } from '../../pwa/src/shared/roles.js';

const AT = '2026-11-23T03:12:09.512+08:00';
const ME = 'u-me';
const everyRole = Object.values(RULES.ops).flatMap((op) => op.roles);
const ALL = { id: ME, name: 'All Roles', roles: [...new Set(everyRole)] };
const TECHNICIAN = { id: ME, name: 'Tess Tech', roles: ['technician'] };
const rows = { 'item:i1': { type: 'item', id: 'i1', unit_cost_cents: 100 } };
const get = (type, id) => rows[`${type}:${id}`];
const ARGS = {
  dispatch: { team_id: 't1' }, assign: { technician_id: ME }, hold: { reason: 'parts' },
  complete: { resolution: 'done' }, confirm: { employee_no: 'R1', signature_sha256: 'a'.repeat(64) },
  rate: { score: 5, fixed: true }, log_labour: { minutes: 30 }, add_part: { item_id: 'i1', quantity: 1 },
  attach: { sha256: 'b'.repeat(64) }, note: { text: 'x' }, inspect: { results: [] },
};
const opOf = (action) => ({
  op_id: `op-${action}`, name: `work_order.${action}`, v: 1, client_time: AT,
  args: { work_order_id: 'w1', ...(ARGS[action] ?? {}) },
});
const orderIn = (status, assignee = ME) =>
  Object.freeze({ type: 'work_order', id: 'w1', version: 4, status, assignee_id: assignee, team_id: 't1', priority: 2 });
const apply = (action, row, user) => applyEffect(opOf(action), ['work_order', 'w1'], row, { user, get });

test('every work-order action has an effect, and moves only from the states the server allows', () => {
  for (const [action, move] of Object.entries(RULES.moves)) {
    assert.ok(hasEffect(`work_order.${action}`), action);
    for (const status of RULES.statuses.all) {
      const row = orderIn(status);
      const after = apply(action, row, ALL);
      if (move.from.includes(status)) {
        assert.equal(after.status, move.to ?? status, `${action} from ${status}`);
      } else {
        assert.equal(after, row, `${action} from ${status} is refused, the row left as it is`);
      }
    }
  }
});

test("only the assignee takes the assignee's steps; the desk may take them for anyone", () => {
  for (const [action, move] of Object.entries(RULES.moves)) {
    if (!maySend(TECHNICIAN, `work_order.${action}`)) continue;
    const row = orderIn(move.from[0], 'u-someone-else');
    const after = apply(action, row, TECHNICIAN);
    if (RULES.assignee_only.includes(action)) assert.equal(after, row, `${action}: not the assignee`);
    else assert.notEqual(after, row, `${action} is anyone's`);
    const desk = { id: 'u-desk', roles: [RULES.desk_roles[0]] };
    if (maySend(desk, `work_order.${action}`)) assert.notEqual(apply(action, row, desk), row, `${action} by the desk`);
  }
  assert.ok(RULES.assignee_only.includes('start'));
  assert.ok(isDesk({ roles: ['supervisor'] }) && !isDesk({ roles: ['technician', 'requester'] }));
});

test('an op from a role the server would refuse changes nothing', () => {
  let checked = 0;
  for (const [key, { roles }] of Object.entries(RULES.ops)) {
    const [name] = key.split('@');
    const action = name.replace(/^work_order\./, '');
    if (!name.startsWith('work_order.') || !RULES.moves[action]) continue;
    const outsider = ['requester', 'technician', 'guard', 'cleaner', 'storekeeper'].find((role) => !roles.includes(role));
    if (!outsider) continue;
    const row = orderIn(RULES.moves[action].from[0]);
    assert.equal(apply(action, row, { id: ME, roles: [outsider] }), row, `${name} by a ${outsider}`);
    assert.notEqual(apply(action, row, { id: ME, roles: [roles[0]] }), row, `${name} by a ${roles[0]}`);
    checked += 1;
  }
  assert.ok(checked >= 10, `checked ${checked} ops`);
  assert.equal(maySend({ roles: ['technician'] }, 'work_order.rate'), false);
  assert.equal(maySend({ roles: ['requester'] }, 'work_order.rate'), true);
  assert.equal(maySend({ roles: ['requester'] }, 'work_order.rate', 99), false, 'an op version the server lacks');
});

test('the service levels are the server’s, priority by priority', () => {
  for (const [priority, { response, resolution }] of Object.entries(RULES.sla_minutes)) {
    const report = { op_id: 'r', name: 'work_order.report', v: 1, client_time: AT, args: { work_order_id: 'w2', description: 'x', priority: Number(priority) } };
    const reported = applyEffect(report, ['work_order', 'w2'], undefined, { user: ALL, get });
    assert.equal(Date.parse(reported.resolution_due_at) - Date.parse(AT), resolution * 60_000, `resolution at priority ${priority}`);
    const dispatched = apply('dispatch', { ...reported, id: 'w1', priority: Number(priority) }, ALL);
    assert.equal(Date.parse(dispatched.response_due_at) - Date.parse(AT), response * 60_000, `response at priority ${priority}`);
  }
});
