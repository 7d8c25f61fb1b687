"""Loading a month of patrol and attendance records, and the ops that carried them, for
the guards the caller may see (the checks themselves are pure: verification.py).

One load serves both the verification report and the attendance sheet: each table is read
once (in chunks of guards), as plain columns rather than ORM objects, and each op's JSON
is parsed once (verification.read_body)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    Checkpoint,
    CheckpointScan,
    CheckpointWalk,
    ClockEvent,
    Contractor,
    Incident,
    OpStream,
    PatrolRound,
    PlannedShift,
    Route,
    Site,
    SyncOp,
    User,
)
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import scope_contractors, scope_patrol_people
from server.domain.patrol.verification import (
    Geography,
    Record,
    StoredOp,
    StreamTail,
    StreamView,
    read_body,
)
from server.errors import NotFound

FIELD_OPS = ("patrol.", "attendance.")
_CHUNK = 200
# A night shift of the month's last day ends the next morning: its clock-out is read too.
NEXT_MORNING = timedelta(hours=12)
StreamKey = tuple[uuid.UUID, uuid.UUID]


class PlannedRow(NamedTuple):
    day: date
    starts_at: datetime
    ends_at: datetime


@dataclass
class MonthRecords:
    """Everything the checks read for some guards and one month."""

    zone: ZoneInfo
    start: datetime
    end: datetime
    guards: list[User]
    records: dict[uuid.UUID, list[Record]] = field(default_factory=dict)  # by guard
    ops: dict[uuid.UUID, StoredOp] = field(default_factory=dict)  # by op id
    streams: dict[tuple[uuid.UUID, uuid.UUID], list[StoredOp]] = field(default_factory=dict)
    tails: dict[tuple[uuid.UUID, uuid.UUID], StreamTail] = field(default_factory=dict)
    first_seq: dict[tuple[uuid.UUID, uuid.UUID], int] = field(default_factory=dict)
    geography: Geography = field(default_factory=Geography)
    planned: dict[uuid.UUID, list[PlannedRow]] = field(default_factory=dict)  # by guard
    # The clock-outs of the morning after the month (they close its last night's shifts).
    next_morning: dict[uuid.UUID, list[Record]] = field(default_factory=dict)
    ops_by_user: dict[uuid.UUID, list[StoredOp]] = field(default_factory=dict)
    streams_by_user: dict[uuid.UUID, list[StreamKey]] = field(default_factory=dict)
    views: dict[StreamKey, StreamView] = field(default_factory=dict)
    records_by_op: dict[uuid.UUID, Record] = field(default_factory=dict)

    def view(self, key: StreamKey) -> StreamView:
        if key not in self.views:
            self.views[key] = StreamView(self.streams.get(key, []))
        return self.views[key]

    def index(self) -> None:
        """Each guard's ops and streams, each op's record: so a guard's checks read their
        own share rather than walking the whole month once per guard."""
        self.ops_by_user, self.streams_by_user = defaultdict(list), defaultdict(list)
        for op in self.ops.values():
            self.ops_by_user[op.user_id].append(op)
        for key, ops in self.streams.items():
            for user in {op.user_id for op in ops}:
                self.streams_by_user[user].append(key)
        self.records_by_op = {
            r.op_id: r for rows in self.records.values() for r in rows if r.op_id is not None
        }


def month_window(month: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The month in the site's local time, as instants."""
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return (
        datetime.combine(month, time(), zone),
        datetime.combine(following, time(), zone),
    )


async def contractor_zone(session: AsyncSession, contractor_id: uuid.UUID | None) -> ZoneInfo:
    """The time zone of the campus of the contractor's first route (UTC without one)."""
    name = None
    if contractor_id is not None:
        name = await session.scalar(
            select(col(Site.timezone))
            .join(Route, col(Route.site_id) == col(Site.id))
            .where(col(Route.contractor_id) == contractor_id)
            .order_by(col(Route.code))
            .limit(1)
        )
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


async def visible_guard(session: AsyncSession, actor: Actor, guard_id: uuid.UUID) -> User:
    guard = await session.scalar(
        scope_patrol_people(actor, select(User).where(col(User.id) == guard_id))
    )
    if guard is None:
        raise NotFound("No such guard among the people whose records you may see.")
    return guard


async def visible_contractor(
    session: AsyncSession, actor: Actor, contractor_id: uuid.UUID
) -> tuple[Contractor, list[User]]:
    contractor = await session.scalar(
        scope_contractors(actor, select(Contractor).where(col(Contractor.id) == contractor_id))
    )
    if contractor is None:
        raise NotFound("No such contractor among those whose records you may see.")
    people = await session.scalars(
        scope_patrol_people(
            actor,
            select(User)
            .where(col(User.contractor_id) == contractor_id)
            .order_by(col(User.employee_no)),
        )
    )
    return contractor, list(people)


def stored_op(row: Any, *, parse: bool = False) -> StoredOp:
    """A `SyncOp` (or a row of its columns) as the checks read it; `parse` reads its JSON
    now, once, for a month's checks."""
    return StoredOp(
        op_id=row.op_id,
        device_id=row.device_id,
        incarnation=row.incarnation,
        seq=row.seq,
        user_id=row.user_id,
        name=row.name,
        raw=row.raw,
        op_hash=row.op_hash,
        received_at=row.received_at,
        claimed_at=row.claimed_at,
        clock_flag=row.clock_flag,
        code=row.code,
        body=read_body(row.raw) if parse else None,
    )


_OP_COLUMNS = (
    col(SyncOp.op_id),
    col(SyncOp.device_id),
    col(SyncOp.incarnation),
    col(SyncOp.seq),
    col(SyncOp.user_id),
    col(SyncOp.name),
    col(SyncOp.raw),
    col(SyncOp.op_hash),
    col(SyncOp.received_at),
    col(SyncOp.claimed_at),
    col(SyncOp.clock_flag),
    col(SyncOp.code),
)


def _value(enum_or_text: Any) -> str:
    return str(getattr(enum_or_text, "value", enum_or_text))


def _chunks(values: Sequence[uuid.UUID]) -> Iterable[Sequence[uuid.UUID]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


async def _field_ops(session: AsyncSession, month: MonthRecords) -> None:
    """The guards' field ops of the month, then the whole run of each stream they sit in
    (from the op before the first to the op after the last), so the chain is walked
    across the ops of every name and user that share the stream."""
    ids = [guard.id for guard in month.guards]
    # Plain rows through the session's connection: the ORM's row handling is not needed
    # for columns, and costs as much as reading them.
    conn = await session.connection()
    spans: dict[tuple[uuid.UUID, uuid.UUID], tuple[int, int]] = {}
    for chunk in _chunks(ids):
        rows = await conn.execute(
            select(col(SyncOp.device_id), col(SyncOp.incarnation), col(SyncOp.seq)).where(
                col(SyncOp.user_id).in_(chunk),
                col(SyncOp.claimed_at) >= month.start,
                col(SyncOp.claimed_at) < month.end,
                or_(*(col(SyncOp.name).startswith(prefix) for prefix in FIELD_OPS)),
            )
        )
        for device_id, incarnation, seq in rows:
            low, high = spans.get((device_id, incarnation), (seq, seq))
            spans[(device_id, incarnation)] = (min(low, seq), max(high, seq))
    keys = list(spans)
    for start in range(0, len(keys), _CHUNK):
        part = keys[start : start + _CHUNK]
        clauses = [
            and_(
                col(SyncOp.device_id) == device_id,
                col(SyncOp.incarnation) == incarnation,
                col(SyncOp.seq).between(
                    spans[(device_id, incarnation)][0] - 1, spans[(device_id, incarnation)][1] + 1
                ),
            )
            for device_id, incarnation in part
        ]
        for row in await conn.execute(select(*_OP_COLUMNS).where(or_(*clauses))):
            op = stored_op(row, parse=True)
            month.ops[op.op_id] = op
            month.streams.setdefault((op.device_id, op.incarnation), []).append(op)
        tails = await session.scalars(
            select(OpStream).where(
                or_(
                    *(
                        and_(col(OpStream.device_id) == d, col(OpStream.incarnation) == i)
                        for d, i in part
                    )
                )
            )
        )
        for tail in tails:
            key = (tail.device_id, tail.incarnation)
            held = {op.seq for op in month.streams.get(key, [])}
            if spans[key][1] + 1 not in held:  # the stream should end within the month
                month.tails[key] = StreamTail(tail.last_seq, tail.last_hash)
    for key, (low, _) in spans.items():
        month.first_seq[key] = max(1, low - 1)


def _within(column: Any, window: tuple[datetime, datetime]) -> Any:
    return and_(column >= window[0], column < window[1])


_SCAN = (
    col(CheckpointScan.id),
    col(CheckpointScan.guard_id),
    col(CheckpointScan.claimed_at),
    col(CheckpointScan.op_id),
    col(CheckpointScan.op_hash),
    col(CheckpointScan.outcome),
    col(CheckpointScan.checkpoint_id),
    col(CheckpointScan.method),
    col(CheckpointScan.manual_reason),
    col(CheckpointScan.payload),
)
_CLOCK = (
    col(ClockEvent.kind),
    col(ClockEvent.id),
    col(ClockEvent.user_id),
    col(ClockEvent.claimed_at),
    col(ClockEvent.op_id),
    col(ClockEvent.op_hash),
    col(ClockEvent.checkpoint_id),
    col(ClockEvent.method),
    col(ClockEvent.manual_reason),
    col(ClockEvent.payload),
)
_ROUND = (
    col(PatrolRound.id),
    col(PatrolRound.guard_id),
    col(PatrolRound.started_at),
    col(PatrolRound.start_op_id),
    col(PatrolRound.start_op_hash),
    col(PatrolRound.ended_at),
    col(PatrolRound.end_op_hash),
    col(PatrolRound.note),
)
_INCIDENT = (
    col(Incident.id),
    col(Incident.reported_by_id),
    col(Incident.occurred_at),
    col(Incident.op_id),
    col(Incident.op_hash),
    col(Incident.category),
)
_PLANNED = (
    col(PlannedShift.user_id),
    col(PlannedShift.day),
    col(PlannedShift.starts_at),
    col(PlannedShift.ends_at),
)


async def _records(session: AsyncSession, month: MonthRecords, first_day: date) -> None:
    """Every record of the month, the next morning's clock-outs and the planned shifts:
    one query per table and chunk of guards."""
    by_hash = {op.op_hash: op.op_id for op in month.ops.values()}
    found: dict[uuid.UUID, list[Record]] = defaultdict(list)
    morning: dict[uuid.UUID, list[Record]] = defaultdict(list)
    planned: dict[uuid.UUID, list[PlannedRow]] = defaultdict(list)
    ids = [guard.id for guard in month.guards]
    window = (month.start, month.end)
    conn = await session.connection()
    following = date(first_day.year + first_day.month // 12, first_day.month % 12 + 1, 1)
    for chunk in _chunks(ids):
        scans = select(*_SCAN).where(
            col(CheckpointScan.guard_id).in_(chunk), _within(col(CheckpointScan.claimed_at), window)
        )
        for scan in await conn.execute(scans):
            found[scan.guard_id].append(
                Record(
                    "scan",
                    scan.id,
                    scan.guard_id,
                    scan.claimed_at,
                    scan.op_id,
                    scan.op_hash,
                    scan.outcome,
                    scan.checkpoint_id,
                    _value(scan.method),
                    scan.manual_reason,
                    scan.payload,
                )
            )
        clocks = select(*_CLOCK).where(
            col(ClockEvent.user_id).in_(chunk),
            _within(col(ClockEvent.claimed_at), (month.start, month.end + NEXT_MORNING)),
        )
        for clock in await conn.execute(clocks):
            kind = f"clock_{_value(clock.kind)}"
            if clock.claimed_at >= month.end and kind != "clock_out":
                continue
            event = Record(
                kind,
                clock.id,
                clock.user_id,
                clock.claimed_at,
                clock.op_id,
                clock.op_hash,
                "",
                clock.checkpoint_id,
                _value(clock.method),
                clock.manual_reason,
                clock.payload,
            )
            (found if clock.claimed_at < month.end else morning)[clock.user_id].append(event)
        walks = select(*_ROUND).where(
            col(PatrolRound.guard_id).in_(chunk), _within(col(PatrolRound.started_at), window)
        )
        for walk in await conn.execute(walks):
            found[walk.guard_id].append(
                Record(
                    "round_start",
                    walk.id,
                    walk.guard_id,
                    walk.started_at,
                    walk.start_op_id,
                    walk.start_op_hash,
                )
            )
            if walk.ended_at is not None:
                found[walk.guard_id].append(
                    Record(
                        "round_end",
                        walk.id,
                        walk.guard_id,
                        walk.ended_at,
                        by_hash.get(walk.end_op_hash),
                        walk.end_op_hash,
                        walk.note,
                    )
                )
        reported = select(*_INCIDENT).where(
            col(Incident.reported_by_id).in_(chunk), _within(col(Incident.occurred_at), window)
        )
        for incident in await conn.execute(reported):
            found[incident.reported_by_id].append(
                Record(
                    "incident",
                    incident.id,
                    incident.reported_by_id,
                    incident.occurred_at,
                    incident.op_id,
                    incident.op_hash,
                    incident.category,
                )
            )
        plans = select(*_PLANNED).where(
            col(PlannedShift.user_id).in_(chunk),
            col(PlannedShift.day) >= first_day,
            col(PlannedShift.day) < following,
        )
        for plan in await conn.execute(plans):
            planned[plan.user_id].append(PlannedRow(plan.day, plan.starts_at, plan.ends_at))
    month.records = {guard: sorted(rows, key=lambda r: r.at) for guard, rows in found.items()}
    month.next_morning = dict(morning)
    month.planned = {guard: sorted(rows) for guard, rows in planned.items()}


async def _geography(session: AsyncSession, month: MonthRecords) -> None:
    ids = sorted(
        {r.checkpoint_id for rows in month.records.values() for r in rows if r.checkpoint_id},
    )
    coordinates: dict[uuid.UUID, tuple[float, float]] = {}
    walks: dict[tuple[uuid.UUID, uuid.UUID], int] = {}
    for chunk in _chunks(ids):
        for point in await session.scalars(select(Checkpoint).where(col(Checkpoint.id).in_(chunk))):
            if point.latitude is not None and point.longitude is not None:
                coordinates[point.id] = (point.latitude, point.longitude)
        for walk in await session.scalars(
            select(CheckpointWalk).where(col(CheckpointWalk.from_checkpoint_id).in_(chunk))
        ):
            walks[(walk.from_checkpoint_id, walk.to_checkpoint_id)] = walk.min_seconds
    month.geography = Geography(coordinates, walks)


async def load_month(
    session: AsyncSession, guards: list[User], month: date, zone: ZoneInfo
) -> MonthRecords:
    start, end = month_window(month, zone)
    loaded = MonthRecords(zone, start, end, guards)
    await _field_ops(session, loaded)
    await _records(session, loaded, month)
    await _geography(session, loaded)
    loaded.index()
    return loaded
