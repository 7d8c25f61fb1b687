import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEffect, touches } from '../../pwa/src/shared/effects.js';
import { clockState, clockWords, progress, scansOf, todaysRounds, checkpointOf } from '../../pwa/src/app/patrol-logic.js';

// user null: the op catalogue is not judged here (the rules decide that in the browser).
const route = { type: 'route', id: 'r1', site_id: 's1', contractor_id: 'c1', free_order: false, stops: [
  { position: 0, checkpoint_id: 'k1', due_within_minutes: 5 },
  { position: 1, checkpoint_id: 'k2', due_within_minutes: 10 },
  { position: 2, checkpoint_id: 'k3', due_within_minutes: 15 },
] };
const checkpoints = new Map([
  ['k1', { id: 'k1', name: 'Gate', qr_payload: 'CP-1', nfc_uid: '04AA' }],
  ['k2', { id: 'k2', name: 'Lobby', qr_payload: 'CP-2', nfc_uid: null }],
  ['k3', { id: 'k3', name: 'Roof', qr_payload: 'CP-3', nfc_uid: null }],
]);
const rows = { 'route:r1': route };
const ctx = { user: null, get: (type, id) => rows[`${type}:${id}`] };
const T0 = '2026-11-23T22:00:00.000Z';
const at = (minutes) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
let n = 0;
const op = (name, args, minutes = 0) => ({ op_id: `op-${(n += 1)}`, name, args, client_time: at(minutes), hlc: `h${n}` });

function run(ops, start = {}) {
  const state = { ...start };
  for (const o of ops) for (const key of touches(o)) {
    const k = key.join(':');
    state[k] = applyEffect(o, key, state[k], ctx);
  }
  return state;
}

test('a night offline: start, scans, end, incident and clock events leave the rows the screens read', () => {
  const expected = { type: 'expected_round', id: 'e1', status: 'scheduled', route_id: 'r1', round_id: null };
  const state = run([
    op('attendance.clock_in', { event_id: 'c-in', payload: 'CP-CLOCK', method: 'qr' }),
    op('patrol.start_round', { round_id: 'p1', route_id: 'r1', expected_round_id: 'e1' }),
    op('patrol.scan_checkpoint', { scan_id: 's1', round_id: 'p1', payload: 'CP-1', method: 'qr' }, 3),
    op('patrol.scan_checkpoint', { scan_id: 's2', round_id: 'p1', payload: 'CP-3', method: 'manual', manual_reason: ' label torn ' }, 12),
    op('patrol.report_incident', { incident_id: 'i1', category: 'security', text: ' Door forced ', photos: ['a'.repeat(64)], round_id: 'p1', open_work_order: true }, 13),
    op('patrol.scan_checkpoint', { scan_id: 's3', round_id: 'p1', payload: 'CP-2', method: 'nfc' }, 20),
    op('patrol.end_round', { round_id: 'p1' }, 21),
    op('attendance.clock_out', { event_id: 'c-out', payload: 'CP-CLOCK', method: 'qr' }, 30),
  ], { 'expected_round:e1': expected });
  assert.equal(state['expected_round:e1'].status, 'in_progress');
  assert.equal(state['expected_round:e1'].round_id, 'p1');
  const round = state['patrol_round:p1'];
  assert.equal(round.status, 'ended');
  assert.equal(round.started_at, T0);
  assert.equal(round.ended_at, at(21));
  assert.equal(round.site_id, 's1');
  assert.deepEqual(round._scans.map((s) => [s.scan_id, s.payload, s.method, s.manual_reason]), [
    ['s1', 'CP-1', 'qr', ''], ['s2', 'CP-3', 'manual', 'label torn'], ['s3', 'CP-2', 'nfc', ''],
  ]);
  const incident = state['incident:i1'];
  assert.equal(incident.text, 'Door forced');
  assert.equal(incident.open_work_order, true);
  assert.deepEqual(incident._attachments.map((x) => x.sha256), ['a'.repeat(64)]);
  assert.deepEqual(clockState([state['clock_event:c-in'], state['clock_event:c-out']]), {
    in: false, at: at(30), checkpoint_id: null, since: state['clock_event:c-in'].claimed_at,
  });
  assert.equal(clockState([state['clock_event:c-in']]).in, true);

  const p = progress(route, round, checkpoints, Date.parse(at(40)));
  assert.deepEqual(p.stops.map((s) => s.state), ['done', 'late', 'done'], 'k2 at 20 min is late (due 10), k3 at 12 on time (due 15)');
  assert.deepEqual(p.stops.map((s) => s.outOfOrder), [false, false, true], 'k3 was scanned before k2 on an ordered route');
  assert.equal(p.next, null);
});

test('a missing expected round is not invented, and an ended round takes no second end', () => {
  const state = run([
    op('patrol.start_round', { round_id: 'p2', route_id: 'r1', expected_round_id: 'gone' }),
    op('patrol.end_round', { round_id: 'p2', note: 'a' }, 5),
    op('patrol.end_round', { round_id: 'p2', note: 'b' }, 9),
  ]);
  assert.equal(state['expected_round:gone'], undefined);
  assert.equal(state['patrol_round:p2'].ended_at, at(5));
  assert.equal(state['patrol_round:p2'].note, 'a');
});

test('next and overdue come from the start and each stop\'s minutes; free order takes the soonest due', () => {
  const round = { started_at: T0, _scans: [{ scan_id: 'x', payload: 'CP-2', at: at(2) }] };
  const ordered = progress(route, round, checkpoints, Date.parse(at(7)));
  assert.equal(ordered.next.checkpoint_id, 'k1');
  assert.deepEqual(ordered.stops.map((s) => s.state), ['overdue', 'done', 'due']);
  assert.equal(ordered.outOfOrder, 1);
  const free = progress({ ...route, free_order: true }, round, checkpoints, Date.parse(at(7)));
  assert.equal(free.outOfOrder, 0);
  assert.equal(free.next.checkpoint_id, 'k1');
});

test('a scan names its checkpoint by QR payload or NFC UID', () => {
  assert.equal(checkpointOf({ text: 'CP-2' }, checkpoints.values()).id, 'k2');
  assert.equal(checkpointOf({ text: 'whatever', uid: '04aa' }, checkpoints.values()).id, 'k1');
  assert.equal(checkpointOf({ text: 'CP-9' }, checkpoints.values()), null);
});

test("today's rounds: in progress first, then open or ahead by start, then closed ones", () => {
  const now = Date.parse(at(0));
  const e = (id, status, start) => ({ id, status, window_start: at(start), window_end: at(start + 15) });
  const list = todaysRounds([e('late', 'missed', -120), e('later', 'scheduled', 120), e('soon', 'scheduled', 10), e('walking', 'in_progress', -5), e('old', 'missed', -60 * 30)], now);
  assert.deepEqual(list.map((x) => x.id), ['walking', 'soon', 'later', 'late']);
});

test('after a sync the server\'s records say what the phone said: clocked out with the times, the round\'s scans', () => {
  const words = (/** @type {string} */ key, /** @type {any} */ p = {}) => `${key} ${JSON.stringify(p)}`;
  const time = (/** @type {string | null} */ iso) => String(iso).slice(11, 16);
  const synced = [
    { type: 'clock_event', id: 'e2', user_id: 'u1', kind: 'out', claimed_at: '2026-12-03T06:05:00Z' },
    { type: 'clock_event', id: 'e1', user_id: 'u1', kind: 'in', claimed_at: '2026-12-02T19:50:00Z' },
    { type: 'clock_event', id: 'e3', user_id: 'u2', kind: 'in', claimed_at: '2026-12-03T06:10:00Z' },
  ];
  assert.equal(clockWords(clockState(synced, 'u1'), words, time), 'patrol.clocked_out_shift {"from":"19:50","to":"06:05"}');
  assert.equal(clockWords(clockState(synced, 'u2'), words, time), 'patrol.clocked_in_since {"time":"06:10"}');
  assert.equal(clockWords(clockState([], 'u1'), words, time), 'patrol.not_clocked_in {}');
  // The server's scans and the ones still waiting: one each, the server's copy first.
  const round = {
    scans: [{ scan_id: 'a', checkpoint_id: 'c1', claimed_at: '2026-12-02T20:01:00Z', outcome: 'on_time' }],
    _scans: [{ scan_id: 'a', at: '2026-12-02T20:01:00Z' }, { scan_id: 'b', at: '2026-12-02T20:07:00Z' }],
  };
  assert.deepEqual(scansOf(round).map((s) => [s.scan_id, s.at]), [['a', '2026-12-02T20:01:00Z'], ['b', '2026-12-02T20:07:00Z']]);
});
