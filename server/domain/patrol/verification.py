"""Tamper evidence of patrol and attendance records: pure checks over stored rows.

Every check reads what the server stored and names the records (ids) and op hashes a
finding is about, so the hospital and the contractor can look at the same evidence:

- the hash chain of each device stream, recomputed from each op's stored JSON
  (`altered_op`: the JSON no longer hashes to the hash recorded when it arrived;
  `chain_break`: an op's `prev_hash` is not the hash of the op before it; `seq_gap`:
  seqs missing between two stored ops, or after the last one; `stream_restart`: the
  device began a new local database, so unpushed ops of the old one may be lost);
- clocks (`clock_skew`: claimed time far from the time received; `clock_flag`: the
  server bounded the claim at push; `hlc_regression`: a stream's clock ran backwards);
- backdating (`backdated`: an op claims a time earlier than an op its stream made before
  it; `backdated_clock_in`: a clock-in claimed on time for its planned shift, received
  after the shift began, that other ops of its stream contradict: docs/verification.md);
- `impossible_travel`: consecutive scans of a guard quicker than anyone can walk;
- `scan_burst`: more scans in a short time than a walk allows;
- `manual_entry`: a checkpoint typed in instead of scanned, with its reason;
- `record_mismatch`: a record whose op is gone or whose hash or content disagrees.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from sync.chain import op_hash
from sync.hlc import Timestamp

BRISK_WALK_M_PER_S = 2.0  # faster than a brisk walk (about 1.7 m/s) is impossible on foot
EARTH_RADIUS_M = 6_371_000.0


@dataclass(frozen=True)
class Thresholds:
    clock_skew_seconds: int = 300
    burst_scans: int = 5  # more than this many scans ...
    burst_seconds: int = 60  # ... within this many seconds is a burst
    walk_m_per_s: float = BRISK_WALK_M_PER_S


@dataclass(frozen=True)
class OpBody:
    """What the checks read from an op's stored JSON, parsed once: its hash as it is now
    (empty when it no longer reads), its link, claimed time, clock stamp and payload."""

    recomputed: str
    prev_hash: str | None  # None: no readable prev_hash
    client_time: datetime | None
    hlc: str
    payload: object


def read_body(raw: str) -> OpBody:
    try:
        found = json.loads(raw)
    except ValueError:
        return OpBody("", None, None, "", None)
    if not isinstance(found, dict):
        return OpBody("", None, None, "", None)
    try:
        recomputed = op_hash(found)
    except (TypeError, ValueError):
        recomputed = ""
    link = found.get("prev_hash")
    stamp = found.get("client_time")
    claimed = None
    if isinstance(stamp, str):
        try:
            claimed = datetime.fromisoformat(stamp)
        except ValueError:
            claimed = None
    hlc = found.get("hlc")
    args = found.get("args")
    return OpBody(
        recomputed,
        link if isinstance(link, str) else ("" if link is None else None),
        claimed,
        hlc if isinstance(hlc, str) else "",
        args.get("payload") if isinstance(args, dict) else None,
    )


@dataclass(frozen=True)
class StoredOp:
    """A row of the op log as stored (`sync_op`); `body` is its JSON read once at load
    (None: read when asked, as hand-made ops in tests are)."""

    op_id: uuid.UUID
    device_id: uuid.UUID
    incarnation: uuid.UUID
    seq: int
    user_id: uuid.UUID
    name: str
    raw: str
    op_hash: str
    received_at: datetime
    claimed_at: datetime | None = None
    clock_flag: str | None = None
    code: str | None = None
    body: OpBody | None = field(default=None, compare=False, repr=False)

    def read(self) -> OpBody:
        return self.body if self.body is not None else read_body(self.raw)


@dataclass(frozen=True)
class Record:
    """A field record as the statement prints it: what, when, and the op that carried it."""

    kind: str  # round_start | round_end | scan | clock_in | clock_out | incident
    id: uuid.UUID
    guard_id: uuid.UUID
    at: datetime
    op_id: uuid.UUID | None
    op_hash: str
    detail: str = ""
    checkpoint_id: uuid.UUID | None = None
    method: str = ""
    manual_reason: str = ""
    payload: str = ""


@dataclass(frozen=True)
class Finding:
    kind: str
    message: str
    record_ids: tuple[str, ...] = ()
    op_hashes: tuple[str, ...] = ()
    at: datetime | None = None
    device_id: str = ""


@dataclass
class StreamTail:
    """What the server's stream row says it holds (`sync_stream`)."""

    last_seq: int
    last_hash: str


def recomputed_hash(raw: str) -> str:
    """The hash of a stored op's JSON as it is now; empty when it no longer reads."""
    return read_body(raw).recomputed


def chain_findings(
    ops: Sequence[StoredOp], tail: StreamTail | None = None, first_seq: int = 1
) -> list[Finding]:
    """Walk one stream's ops in seq order from `first_seq`. When that is above 1 the walk
    begins mid-stream (at the op before the month) and that op is only a starting point."""
    findings: list[Finding] = []
    chained = sorted((op for op in ops if op.code != "seq_reused"), key=lambda op: op.seq)
    previous: StoredOp | None = None
    previous_hash = ""
    expected_seq = first_seq
    for op in chained:
        body = op.read()
        now = body.recomputed
        device = str(op.device_id)
        if now != op.op_hash:
            findings.append(
                Finding(
                    "altered_op",
                    f"Op {op.name} seq {op.seq} no longer hashes to the hash it arrived with.",
                    (str(op.op_id),),
                    (op.op_hash, now),
                    op.claimed_at,
                    device,
                )
            )
        if op.seq > expected_seq:
            findings.append(
                Finding(
                    "seq_gap",
                    f"Seqs {expected_seq} to {op.seq - 1} of this stream are missing.",
                    (str(op.op_id),),
                    (op.op_hash,),
                    op.claimed_at,
                    device,
                )
            )
        elif (previous is not None or op.seq == 1) and body.prev_hash != previous_hash:
            findings.append(
                Finding(
                    "chain_break",
                    f"Op {op.name} seq {op.seq} does not chain to the op before it.",
                    tuple(str(o.op_id) for o in (previous, op) if o is not None),
                    (previous_hash, op.op_hash),
                    op.claimed_at,
                    device,
                )
            )
        previous, previous_hash, expected_seq = op, now, op.seq + 1
    if tail is not None and previous is not None and tail.last_seq > previous.seq:
        findings.append(
            Finding(
                "seq_gap",
                f"Seqs {previous.seq + 1} to {tail.last_seq} of this stream are missing.",
                (str(previous.op_id),),
                (tail.last_hash,),
                previous.claimed_at,
                str(previous.device_id),
            )
        )
    return findings


def restart_findings(streams: Mapping[uuid.UUID, Sequence[Sequence[StoredOp]]]) -> list[Finding]:
    """A device with several streams began a new local database: list each new start."""
    findings: list[Finding] = []
    for device_id, device_streams in streams.items():
        ordered = sorted(
            (sorted(ops, key=lambda o: o.seq) for ops in device_streams if ops),
            key=lambda ops: ops[0].received_at,
        )
        for before, after in pairwise(ordered):
            first = after[0]
            findings.append(
                Finding(
                    "stream_restart",
                    f"The phone began a new local database; the old one ended at seq "
                    f"{before[-1].seq}.",
                    (str(before[-1].op_id), str(first.op_id)),
                    (before[-1].op_hash, first.op_hash),
                    first.claimed_at,
                    str(device_id),
                )
            )
    return findings


def clock_findings(ops: Sequence[StoredOp], thresholds: Thresholds) -> list[Finding]:
    """Claims far from receipt, claims the server bounded, clocks that ran backwards."""
    findings: list[Finding] = []
    last_hlc: dict[tuple[uuid.UUID, uuid.UUID], StoredOp] = {}
    for op in sorted(ops, key=lambda o: (o.device_id, o.incarnation, o.seq)):
        ids, hashes, device = (str(op.op_id),), (op.op_hash,), str(op.device_id)
        body = op.read()
        claimed = body.client_time
        if claimed is not None and claimed.tzinfo is not None:
            skew = (claimed - op.received_at).total_seconds()
            if skew > thresholds.clock_skew_seconds:
                message = f"Claimed {skew / 60:.0f} min after the server received it."
                findings.append(Finding("clock_skew", message, ids, hashes, claimed, device))
        if op.clock_flag:
            message = f"The server bounded the claimed time ({op.clock_flag})."
            findings.append(Finding("clock_flag", message, ids, hashes, op.claimed_at, device))
        stamp = body.hlc
        key = (op.device_id, op.incarnation)
        before = last_hlc.get(key)
        if stamp and before is not None and stamp < before.read().hlc:
            findings.append(
                Finding(
                    "hlc_regression",
                    f"The clock of seq {op.seq} is earlier than that of seq {before.seq}.",
                    (str(before.op_id), str(op.op_id)),
                    (before.op_hash, op.op_hash),
                    op.claimed_at,
                    device,
                )
            )
        if stamp and (before is None or stamp >= before.read().hlc):
            last_hlc[key] = op
    return findings


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) in metres.

    >>> round(distance_m((22.0, 114.0), (22.001, 114.0)))
    111
    """
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


@dataclass(frozen=True)
class Geography:
    coordinates: Mapping[uuid.UUID, tuple[float, float]] = field(default_factory=dict)
    walks: Mapping[tuple[uuid.UUID, uuid.UUID], int] = field(default_factory=dict)

    def least_seconds(self, a: uuid.UUID, b: uuid.UUID, m_per_s: float) -> float | None:
        walk = self.walks.get((a, b), self.walks.get((b, a)))
        if walk is not None:
            return float(walk)
        if a in self.coordinates and b in self.coordinates:
            return distance_m(self.coordinates[a], self.coordinates[b]) / m_per_s
        return None


def travel_findings(
    scans: Sequence[Record], geography: Geography, thresholds: Thresholds
) -> list[Finding]:
    """Consecutive scans of one guard at two checkpoints quicker than the walk between."""
    findings: list[Finding] = []
    placed = sorted((s for s in scans if s.checkpoint_id is not None), key=lambda s: s.at)
    for before, after in pairwise(placed):
        assert before.checkpoint_id is not None
        assert after.checkpoint_id is not None
        if before.checkpoint_id == after.checkpoint_id:
            continue
        least = geography.least_seconds(
            before.checkpoint_id, after.checkpoint_id, thresholds.walk_m_per_s
        )
        took = (after.at - before.at).total_seconds()
        if least is not None and took < least:
            findings.append(
                Finding(
                    "impossible_travel",
                    f"{took:.0f} s between two checkpoints at least {least:.0f} s apart on foot.",
                    (str(before.id), str(after.id)),
                    (before.op_hash, after.op_hash),
                    after.at,
                )
            )
    return findings


def burst_findings(scans: Sequence[Record], thresholds: Thresholds) -> list[Finding]:
    """More than `burst_scans` scans within `burst_seconds`: one finding per burst."""
    findings: list[Finding] = []
    ordered = sorted(scans, key=lambda s: s.at)
    start = 0
    end = 0
    while start < len(ordered):
        end = max(end, start)
        while (
            end + 1 < len(ordered)
            and (ordered[end + 1].at - ordered[start].at).total_seconds()
            <= thresholds.burst_seconds
        ):
            end += 1
        if end - start + 1 > thresholds.burst_scans:
            burst = ordered[start : end + 1]
            findings.append(
                Finding(
                    "scan_burst",
                    f"{len(burst)} scans within {thresholds.burst_seconds} s.",
                    tuple(str(s.id) for s in burst),
                    tuple(s.op_hash for s in burst),
                    burst[0].at,
                )
            )
            start = end + 1
        else:
            start += 1
    return findings


def manual_findings(records: Iterable[Record]) -> list[Finding]:
    return [
        Finding(
            "manual_entry",
            f"Typed in, not scanned: {record.manual_reason or 'no reason given'}.",
            (str(record.id),),
            (record.op_hash,),
            record.at,
        )
        for record in records
        if record.method == "manual"
    ]


def record_findings(records: Iterable[Record], ops: Mapping[uuid.UUID, StoredOp]) -> list[Finding]:
    """A record must carry the hash of a stored op that still hashes to it and says the
    same: its payload (scans and clock events) and its time."""
    findings: list[Finding] = []
    for record in records:
        ids, hashes = (str(record.id),), (record.op_hash,)
        op = ops.get(record.op_id) if record.op_id is not None else None
        if op is None:
            if record.op_id is not None or record.op_hash:
                message = f"The op that carried this {record.kind} is not in the op log."
                findings.append(Finding("record_mismatch", message, ids, hashes, record.at))
            continue
        if record.op_hash and record.op_hash != op.op_hash:
            message = f"This {record.kind} carries a hash its op does not have."
            findings.append(
                Finding("record_mismatch", message, ids, (record.op_hash, op.op_hash), record.at)
            )
        elif record.payload and record.payload != op.read().payload:
            message = f"This {record.kind}'s checkpoint payload differs from its op's."
            findings.append(Finding("record_mismatch", message, ids, hashes, record.at))
        elif (
            record.kind in ("scan", "clock_in", "clock_out")
            and op.claimed_at
            and (op.claimed_at != record.at)
        ):
            message = f"This {record.kind}'s time differs from the time its op recorded."
            findings.append(Finding("record_mismatch", message, ids, hashes, record.at))
    return findings


@dataclass(frozen=True)
class Shift:
    """A planned shift of a guard (`planned_shift`)."""

    starts_at: datetime
    ends_at: datetime


def _stamp_time(hlc: str) -> datetime | None:
    try:
        stamp = Timestamp.parse(hlc)
    except ValueError:
        return None
    return datetime.fromtimestamp(stamp.wall_ms / 1000, UTC)


def _aware(value: datetime | None) -> datetime | None:
    return value if value is not None and value.tzinfo is not None else None


def _claim_bound(op: StoredOp) -> datetime | None:
    """The op's claim as evidence of how late the phone's clock already read: no later than
    the server received it (no phone makes an op after sending it)."""
    claim = _aware(op.read().client_time)
    return None if claim is None else min(claim, op.received_at)


def _seen_bound(op: StoredOp) -> datetime | None:
    """The latest time the phone had seen when it made the op, its claim or its clock stamp
    (which only moves forward), again bounded by the receipt."""
    body = op.read()
    times = [t for t in (_aware(body.client_time), _stamp_time(body.hlc)) if t is not None]
    return min(max(times), op.received_at) if times else None


def _minutes(delta: timedelta) -> str:
    return f"{abs(delta.total_seconds()) / 60:.0f} min"


class StreamView:
    """One op stream in seq order with, for each position, the earlier op that claimed the
    latest time and the earlier op whose clock had seen the latest time: built once per
    stream so each check is a look-up, not a walk."""

    def __init__(self, ops: Sequence[StoredOp]) -> None:
        self.ops = sorted((op for op in ops if op.code != "seq_reused"), key=lambda o: o.seq)
        self.position = {op.op_id: n for n, op in enumerate(self.ops)}
        self.latest_claim: list[tuple[datetime, StoredOp] | None] = []
        self.latest_seen: list[tuple[datetime, StoredOp] | None] = []
        claim: tuple[datetime, StoredOp] | None = None
        seen: tuple[datetime, StoredOp] | None = None
        for op in self.ops:
            self.latest_claim.append(claim)
            self.latest_seen.append(seen)
            bound = _claim_bound(op)
            if bound is not None and (claim is None or bound > claim[0]):
                claim = (bound, op)
            bound = _seen_bound(op)
            if bound is not None and (seen is None or bound > seen[0]):
                seen = (bound, op)

    def sent_before(self, op: StoredOp, gap: timedelta) -> StoredOp | None:
        """The last earlier op the server received more than `gap` before this one (an
        earlier push); ops arrive in seq order, so it is the nearest such."""
        for earlier in reversed(self.ops[: self.position[op.op_id]]):
            if earlier.received_at < op.received_at - gap:
                return earlier
        return None


def _named(op: StoredOp, records: Mapping[uuid.UUID, Record]) -> str:
    record = records.get(op.op_id)
    return str(record.id) if record is not None else str(op.op_id)


def backdated_findings(
    view: StreamView,
    judged: Iterable[StoredOp],
    records: Mapping[uuid.UUID, Record],
    thresholds: Thresholds,
) -> list[Finding]:
    """An op claiming a time more than the tolerance before the claim of an op its stream
    made earlier (by seq): a phone makes ops in order, so its clock was set back. The
    earlier claim counts no later than its receipt, so a clock once far ahead, then put
    right, does not make every later op look backdated."""
    tolerance = timedelta(seconds=thresholds.clock_skew_seconds)
    findings: list[Finding] = []
    for op in judged:
        claim = _aware(op.read().client_time)
        position = view.position.get(op.op_id)
        if claim is None or position is None:
            continue
        latest = view.latest_claim[position]
        if latest is None or claim >= latest[0] - tolerance:
            continue
        earlier = latest[1]
        findings.append(
            Finding(
                "backdated",
                f"Op {op.name} seq {op.seq} claims a time {_minutes(latest[0] - claim)} before "
                f"seq {earlier.seq}, which the phone made before it: its clock was set back.",
                (_named(earlier, records), _named(op, records)),
                (earlier.op_hash, op.op_hash),
                op.claimed_at,
                str(op.device_id),
            )
        )
    return findings


def _shift_of(claim: datetime, shifts: Sequence[Shift]) -> Shift | None:
    """The planned shift a clock-in is for: the one starting nearest it, from 12 h before
    the start to the end."""
    near = [s for s in shifts if s.starts_at - timedelta(hours=12) <= claim < s.ends_at]
    return min(near, key=lambda s: abs(s.starts_at - claim), default=None)


def clock_in_findings(
    clock_ins: Iterable[Record],
    ops: Mapping[uuid.UUID, StoredOp],
    views: Mapping[tuple[uuid.UUID, uuid.UUID], StreamView],
    shifts: Sequence[Shift],
    records: Mapping[uuid.UUID, Record],
    thresholds: Thresholds,
) -> list[Finding]:
    """A clock-in claimed on time (no later than the planned start plus the tolerance) that
    the server received more than the tolerance after the shift began, and that its own
    phone contradicts: its own clock stamp, or an op the phone made before it, had already
    seen a later time than the claim; or the phone sent an earlier op after the claimed
    time, in an earlier push, yet held this one back. A phone that clocked in on time
    offline and sent it later has none of these, and is not flagged (docs/verification.md)."""
    tolerance = timedelta(seconds=thresholds.clock_skew_seconds)
    findings: list[Finding] = []
    for record in clock_ins:
        op = ops.get(record.op_id) if record.op_id is not None else None
        if op is None:
            continue
        claim = _aware(op.read().client_time) or record.at
        shift = _shift_of(claim, shifts)
        view = views.get((op.device_id, op.incarnation))
        if shift is None or view is None or op.op_id not in view.position:
            continue
        if claim > shift.starts_at + tolerance or op.received_at <= shift.starts_at + tolerance:
            continue
        why: list[str] = []
        named: list[StoredOp] = []
        stamp = _stamp_time(op.read().hlc)
        if stamp is not None and min(stamp, op.received_at) > claim + tolerance:
            why.append(f"its own clock stamp is {_minutes(stamp - claim)} after its claim")
        seen = view.latest_seen[view.position[op.op_id]]
        if seen is not None and seen[0] > claim + tolerance:
            why.append(
                f"seq {seen[1].seq}, made before it, had seen a time "
                f"{_minutes(seen[0] - claim)} after its claim"
            )
            named.append(seen[1])
        sent = view.sent_before(op, tolerance)
        if sent is not None and sent.received_at > claim + tolerance:
            why.append(
                f"the phone sent seq {sent.seq} {_minutes(sent.received_at - claim)} after "
                f"the claim, yet this clock-in only {_minutes(op.received_at - claim)} after"
            )
            named.append(sent)
        if not why:
            continue
        named = list({o.op_id: o for o in named}.values())
        late = op.received_at - shift.starts_at
        findings.append(
            Finding(
                "backdated_clock_in",
                f"Clock-in claimed {_minutes(shift.starts_at - claim)} "
                f"{'before' if claim <= shift.starts_at else 'after'} the planned start, "
                f"received {_minutes(late)} after it, and " + "; ".join(why) + ".",
                (str(record.id), *(_named(o, records) for o in named)),
                (op.op_hash, *(o.op_hash for o in named)),
                record.at,
                str(op.device_id),
            )
        )
    return findings
