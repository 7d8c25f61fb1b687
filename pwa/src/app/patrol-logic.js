// What the guard's screens compute from the replica, with no server: which checkpoint a
// scan names, the round's stops (done, late, overdue, still due) from the round's start
// and each stop's due_within_minutes, what is next, the scans out of order on an ordered
// route, today's expected rounds and the clock state. Pure: the screens pass `now`.

/**
 * The checkpoint a scan names: a QR payload, or an NFC tag's UID (or the payload written
 * on the tag as its text).
 * @param {{text: string, uid?: string}} scan
 * @param {Iterable<any>} checkpoints
 */
export function checkpointOf(scan, checkpoints) {
  const text = String(scan.text ?? '').trim();
  const uid = String(scan.uid ?? '').toUpperCase();
  for (const checkpoint of checkpoints) {
    if (text && checkpoint.qr_payload === text) return checkpoint;
    if (checkpoint.nfc_uid && (checkpoint.nfc_uid === uid || checkpoint.nfc_uid === text.toUpperCase())) return checkpoint;
  }
  return null;
}

/**
 * The scans of a round: the server's (when its row carries them) and the ones waiting to sync.
 * @param {any} round
 * @returns {{scan_id: string, payload: string, method: string, at: string, checkpoint_id?: string}[]}
 */
export function scansOf(round) {
  const seen = new Set();
  const out = [];
  for (const scan of [...(round?.scans ?? []), ...(round?._scans ?? [])]) {
    const id = scan.scan_id ?? scan.id;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ ...scan, scan_id: id, at: scan.at ?? scan.claimed_at });
  }
  return out;
}

/**
 * @typedef {object} Stop
 * @property {number} position
 * @property {string} checkpoint_id
 * @property {any} checkpoint
 * @property {number} due epoch ms
 * @property {'done' | 'late' | 'overdue' | 'due'} state
 * @property {number | null} scannedAt
 * @property {boolean} outOfOrder
 */

/**
 * The round's stops as the guard sees them now.
 * @param {any} route with stops [{position, checkpoint_id, due_within_minutes}]
 * @param {any} round with started_at and its scans
 * @param {Map<string, any>} checkpoints by id
 * @param {number} now epoch ms
 * @returns {{stops: Stop[], next: Stop | null, done: number, late: number, overdue: number, outOfOrder: number, unknown: number}}
 */
export function progress(route, round, checkpoints, now) {
  const started = Date.parse(round?.started_at ?? '') || now;
  const stops = [...(route?.stops ?? [])].sort((a, b) => a.position - b.position).map((stop) => ({
    position: stop.position,
    checkpoint_id: String(stop.checkpoint_id),
    checkpoint: checkpoints.get(String(stop.checkpoint_id)) ?? null,
    due: started + stop.due_within_minutes * 60_000,
    state: /** @type {Stop['state']} */ ('due'),
    scannedAt: /** @type {number | null} */ (null),
    outOfOrder: false,
  }));
  const all = [...checkpoints.values()];
  let unknown = 0;
  const scans = scansOf(round).sort((a, b) => String(a.at).localeCompare(String(b.at)));
  for (const scan of scans) {
    const checkpoint = scan.checkpoint_id ? checkpoints.get(String(scan.checkpoint_id)) : checkpointOf({ text: scan.payload }, all);
    const stop = checkpoint && stops.find((s) => s.checkpoint_id === checkpoint.id && s.scannedAt === null);
    if (!stop) {
      if (!checkpoint || !stops.some((s) => s.checkpoint_id === checkpoint.id)) unknown += 1;
      continue;
    }
    // On an ordered route a stop scanned while an earlier one is still to do is out of order.
    if (!route?.free_order && stops.some((s) => s.position < stop.position && s.scannedAt === null)) stop.outOfOrder = true;
    stop.scannedAt = Date.parse(scan.at) || now;
    stop.state = stop.scannedAt <= stop.due ? 'done' : 'late';
  }
  for (const stop of stops) if (stop.scannedAt === null && stop.due < now) stop.state = 'overdue';
  const open = stops.filter((s) => s.scannedAt === null);
  const next = route?.free_order ? [...open].sort((a, b) => a.due - b.due)[0] ?? null : open[0] ?? null;
  return {
    stops,
    next,
    done: stops.filter((s) => s.state === 'done').length,
    late: stops.filter((s) => s.state === 'late').length,
    overdue: stops.filter((s) => s.state === 'overdue').length,
    outOfOrder: stops.filter((s) => s.outOfOrder).length,
    unknown,
  };
}

/**
 * Today's expected rounds: the ones in progress, then those whose window is open or ahead,
 * soonest first, then the ones whose window closed in the last 12 hours.
 * @param {any[]} expected
 * @param {number} now
 */
export function todaysRounds(expected, now) {
  const from = now - 12 * 3600_000;
  const to = now + 24 * 3600_000;
  const rank = (/** @type {any} */ e) => {
    if (e.status === 'in_progress') return 0;
    if (e.status === 'scheduled' && Date.parse(e.window_end) >= now) return 1;
    return 2;
  };
  return expected
    .filter((e) => Date.parse(e.window_start) <= to && Date.parse(e.window_end) >= from)
    .sort((a, b) => rank(a) - rank(b) || String(rank(a) === 2 ? b.window_start : a.window_start).localeCompare(String(rank(a) === 2 ? a.window_start : b.window_start)));
}

/**
 * Whether the user is clocked in now: their latest clock event says. Once clocked out,
 * `since` is when the shift began (the clock in before it), for the home screen to show.
 * @param {any[]} events clock_event rows
 * @param {string | undefined} userId
 * @returns {{in: boolean, at: string | null, checkpoint_id: string | null, since?: string | null}}
 */
export function clockState(events, userId) {
  const mine = events.filter((e) => !userId || !e.user_id || e.user_id === userId)
    .sort((a, b) => String(a.claimed_at).localeCompare(String(b.claimed_at)));
  const last = mine.at(-1);
  const state = { in: last?.kind === 'in', at: last?.claimed_at ?? null, checkpoint_id: last?.checkpoint_id ?? null };
  if (last?.kind !== 'out') return state;
  const before = mine.at(-2);
  return { ...state, since: before?.kind === 'in' ? before.claimed_at : null };
}

/**
 * What the screens say of the clock: in since, out at (with the shift's start), or never.
 * @param {ReturnType<typeof clockState>} state
 * @param {(key: string, params?: Record<string, unknown>) => string} t
 * @param {(iso: string | null) => string} time
 */
export function clockWords(state, t, time) {
  if (state.in) return t('patrol.clocked_in_since', { time: time(state.at) });
  if (!state.at) return t('patrol.not_clocked_in');
  return state.since
    ? t('patrol.clocked_out_shift', { from: time(state.since), to: time(state.at) })
    : t('patrol.clocked_out_since', { time: time(state.at) });
}

/** The rounds of this user still in progress. */
export function roundsInProgress(/** @type {any[]} */ rounds, /** @type {string | undefined} */ userId) {
  return rounds.filter((r) => r.status === 'in_progress' && (!userId || !r.guard_id || r.guard_id === userId));
}
