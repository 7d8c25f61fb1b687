// Optimistic effects of the patrol and attendance ops (server/domain/patrol): a guard walks
// a whole night shift offline, so the phone keeps what the server will hold. Pure, like
// effects.js: the same op on the same rows always gives the same rows.
//
//   patrol_round:<round_id>   the round: status, started_at, ended_at, and _scans (the
//                             checkpoint scans of this round waiting to sync)
//   expected_round:<id>       the round the schedule asked for: in_progress once started
//   incident:<incident_id>    what the guard reported, with its photos
//   clock_event:<event_id>    a clock in or out, at the clock point scanned
//
// Records are append-only events on the server (sync/PROTOCOL.md): a scan, an incident or a
// clock event is never refused for its timing, so the effects keep every one.

/** @typedef {import('./effects.js').Effect} Effect */
/** @typedef {import('./effects.js').Key} Key */
/** @typedef {import('./effects.js').Row} Row */

/** @param {unknown} text */
const strip = (text) => String(text ?? '').trim();

/** @param {Record<string, any>} args @returns {Key[]} */
const round = (args) => (args.round_id ? [['patrol_round', String(args.round_id)]] : []);

/**
 * The fields of a scan or clock event as the phone recorded it.
 * @param {import('./effects.js').OpLike} op
 */
function scanOf(op) {
  const a = op.args;
  return {
    scan_id: String(a.scan_id ?? a.event_id),
    payload: strip(a.payload),
    method: a.method,
    manual_reason: a.method === 'manual' ? strip(a.manual_reason) : '',
    at: op.client_time,
    hlc: op.hlc ?? '',
    op_id: op.op_id,
  };
}

/**
 * @param {'in' | 'out'} kind
 * @returns {Effect}
 */
function clockEffect(kind) {
  return {
    touches: (args) => [['clock_event', String(args.event_id)]],
    apply(op, row, { user }) {
      if (row) return row; // recorded before, or the server's copy arrived
      const scan = scanOf(op);
      return {
        type: 'clock_event',
        id: String(op.args.event_id),
        version: 0,
        user_id: user?.id ?? null,
        kind,
        payload: scan.payload,
        method: scan.method,
        manual_reason: scan.manual_reason,
        claimed_at: op.client_time,
        hlc: scan.hlc,
      };
    },
  };
}

/** @type {Record<string, Effect>} */
export const PATROL_EFFECTS = {
  'patrol.start_round': {
    touches(args) {
      /** @type {Key[]} */
      const keys = [['patrol_round', String(args.round_id)]];
      if (args.expected_round_id) keys.push(['expected_round', String(args.expected_round_id)]);
      return keys;
    },
    needs: (args) => [['route', String(args.route_id)]],
    apply(op, row, { user, get }, [type]) {
      const a = op.args;
      // Called once per key: the expected round moves to in_progress, the round begins.
      if (type === 'expected_round') {
        if (!row || row.status !== 'scheduled') return row;
        return { ...row, status: 'in_progress', round_id: String(a.round_id) };
      }
      if (row) return row;
      const route = get('route', String(a.route_id));
      return {
        type: 'patrol_round',
        id: String(a.round_id),
        version: 0,
        route_id: String(a.route_id),
        expected_round_id: a.expected_round_id ?? null,
        guard_id: user?.id ?? null,
        site_id: route?.site_id ?? null,
        contractor_id: route?.contractor_id ?? null,
        status: 'in_progress',
        started_at: op.client_time,
        ended_at: null,
        note: '',
        _scans: [],
      };
    },
  },
  'patrol.scan_checkpoint': {
    touches: round,
    apply(op, row) {
      if (!row) return row; // a scan outside a round changes no row the phone shows
      return { ...row, _scans: [...(row._scans ?? []), scanOf(op)] };
    },
  },
  'patrol.end_round': {
    touches: round,
    apply(op, row) {
      if (!row || row.status !== 'in_progress') return row;
      return { ...row, status: 'ended', ended_at: op.client_time, note: strip(op.args.note) };
    },
  },
  'patrol.report_incident': {
    touches: (args) => [['incident', String(args.incident_id)]],
    apply(op, row, { user }) {
      if (row) return row;
      const a = op.args;
      const photos = (a.photos ?? []).map(String);
      return {
        type: 'incident',
        id: String(a.incident_id),
        version: 0,
        round_id: a.round_id ?? null,
        checkpoint_id: a.checkpoint_id ?? null,
        location_id: a.location_id ?? null,
        reported_by_id: user?.id ?? null,
        category: strip(a.category),
        text: strip(a.text),
        photos,
        open_work_order: Boolean(a.open_work_order),
        work_order_id: null,
        status: 'open',
        occurred_at: op.client_time,
        _attachments: photos.map((sha256) => ({ sha256, kind: 'photo', caption: '', op_id: op.op_id })),
      };
    },
  },
  'attendance.clock_in': clockEffect('in'),
  'attendance.clock_out': clockEffect('out'),
};
