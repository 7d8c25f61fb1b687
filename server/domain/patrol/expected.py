"""Expected rounds: made from the schedules ahead of time, judged when their window closes.

The server knows a round is due whether or not a phone ever syncs, so a round that never
starts is `missed` at the time it should have been walked. Generation is idempotent: an
expected round's id is derived from its route and its window's start. Evaluation runs
once the window has closed and the route's last stop was due (window end plus the
largest `due_within_minutes`); a record that arrives later (a night's scans pushed in the
morning) evaluates that round again, judged on the claimed times as push bounded them.
The rules are in docs/patrol.md.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    CheckpointScan,
    ExpectedRound,
    ExpectedStatus,
    PatrolRound,
    Route,
    RouteCheckpoint,
    RouteSchedule,
    RouteWindow,
    Site,
)
from server.domain.patrol.alerts import alert_once
from server.domain.patrol.schedule import Series, Window, expand_days, local_days
from server.domain.stock.ids import derived_id

AHEAD = timedelta(hours=36)
# Windows this far back are made too, so a server that was down still judges them.
BEHIND = timedelta(hours=12)

ON_TIME, LATE, OUT_OF_ORDER, REPEAT = "on_time", "late", "out_of_order", "repeat"
NOT_ON_ROUTE, UNKNOWN_CHECKPOINT, NO_ROUND = "not_on_route", "unknown_checkpoint", "no_round"


def expected_round_id(route_id: uuid.UUID, window_start: datetime) -> uuid.UUID:
    """The same on every server and every run: the route and the window's start (UTC)."""
    return derived_id(f"expected_round:{route_id}:{window_start.isoformat()}")


def _series(schedule: RouteSchedule) -> Series:
    return Series(
        schedule.first_start,
        schedule.last_start,
        schedule.every_minutes,
        schedule.weekdays,
        schedule.tolerance_minutes,
        schedule.valid_from,
        schedule.valid_until,
    )


def _daily(window: RouteWindow) -> Series:
    return Series(window.starts_at, window.starts_at, 1, ends_at=window.ends_at)


async def _stops(
    session: AsyncSession, route_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[RouteCheckpoint]]:
    found: dict[uuid.UUID, list[RouteCheckpoint]] = defaultdict(list)
    rows = await session.scalars(
        select(RouteCheckpoint)
        .where(col(RouteCheckpoint.route_id).in_(route_ids))
        .order_by(col(RouteCheckpoint.route_id), col(RouteCheckpoint.position))
    )
    for stop in rows:
        found[stop.route_id].append(stop)
    return found


async def generate(
    session: AsyncSession, now: datetime, *, route_ids: Sequence[uuid.UUID] | None = None
) -> list[ExpectedRound]:
    """Make the expected rounds whose window starts from `now - BEHIND` to `now + AHEAD`
    (of the given routes, or all); the ones already made are left as they are."""
    start, end = now - BEHIND, now + AHEAD
    stmt = select(Route, col(Site.timezone)).join(Site, col(Site.id) == col(Route.site_id))
    if route_ids is not None:
        stmt = stmt.where(col(Route.id).in_(route_ids))
    routes = (await session.execute(stmt)).all()
    ids = [route.id for route, _ in routes]
    schedules: dict[uuid.UUID, list[tuple[uuid.UUID | None, Series]]] = defaultdict(list)
    for schedule in await session.scalars(
        select(RouteSchedule).where(col(RouteSchedule.route_id).in_(ids))
    ):
        schedules[schedule.route_id].append((schedule.id, _series(schedule)))
    for daily in await session.scalars(
        select(RouteWindow).where(col(RouteWindow.route_id).in_(ids))
    ):
        schedules[daily.route_id].append((None, _daily(daily)))
    stops = await _stops(session, ids)
    existing = set(
        await session.scalars(
            select(col(ExpectedRound.id)).where(
                col(ExpectedRound.route_id).in_(ids),
                col(ExpectedRound.window_start) >= start,
                col(ExpectedRound.window_start) < end,
            )
        )
    )
    made: list[ExpectedRound] = []
    for route, timezone in routes:
        days = local_days(timezone, start, end)
        for schedule_id, series in schedules[route.id]:
            for window in expand_days(series, timezone, days):
                if not start <= window.start < end:
                    continue
                row = _new(route, schedule_id, window, len(stops[route.id]))
                if row.id in existing:
                    continue
                existing.add(row.id)
                session.add(row)
                made.append(row)
    await session.flush()
    return made


def _new(route: Route, schedule_id: uuid.UUID | None, window: Window, stops: int) -> ExpectedRound:
    return ExpectedRound(
        id=expected_round_id(route.id, window.start),
        route_id=route.id,
        schedule_id=schedule_id,
        site_id=route.site_id,
        contractor_id=route.contractor_id,
        window_start=window.start,
        window_end=window.end,
        stops_due=stops,
    )


def closes_at(expected: ExpectedRound, stops: Sequence[RouteCheckpoint]) -> datetime:
    """When every stop of the round was due: the window's end plus the last stop's time."""
    last_due = max((stop.due_within_minutes for stop in stops), default=0)
    return expected.window_end + timedelta(minutes=last_due)


@dataclass
class _Judged:
    on_time: int = 0
    late: int = 0
    missed: int = 0
    out_of_order: int = 0


def judge_scans(
    started_at: datetime,
    stops: Sequence[RouteCheckpoint],
    scans: Sequence[CheckpointScan],
    *,
    free_order: bool,
) -> _Judged:
    """Set each scan's outcome and count the stops. The first scan of a stop counts; it is
    late after `started_at + due_within_minutes`, out of order (ordered routes) when a
    later stop was scanned before it. On a free-order route every stop is due within the
    route's longest time. Later scans of the same stop are `repeat`."""
    longest = max((stop.due_within_minutes for stop in stops), default=0)
    by_checkpoint = {stop.checkpoint_id: stop for stop in stops}
    judged = _Judged()
    seen: set[uuid.UUID] = set()
    furthest = -1
    for scan in sorted(scans, key=lambda s: (s.claimed_at, s.received_at)):
        stop = by_checkpoint.get(scan.checkpoint_id) if scan.checkpoint_id else None
        if scan.checkpoint_id is None:
            scan.outcome = UNKNOWN_CHECKPOINT
            continue
        if stop is None:
            scan.outcome = NOT_ON_ROUTE
            continue
        if stop.checkpoint_id in seen:
            scan.outcome = REPEAT
            continue
        seen.add(stop.checkpoint_id)
        allowed = longest if free_order else stop.due_within_minutes
        due = started_at + timedelta(minutes=allowed)
        late = scan.claimed_at > due
        judged.late += late
        judged.on_time += not late
        scan.outcome = LATE if late else ON_TIME
        if not free_order and stop.position < furthest:
            judged.out_of_order += 1
            scan.outcome = OUT_OF_ORDER
        furthest = max(furthest, stop.position)
    judged.missed = len(stops) - len(seen)
    return judged


async def evaluate(session: AsyncSession, expected: ExpectedRound, now: datetime) -> None:
    """Judge one expected round (again), write its counters and status, and alert once
    when it was missed or walked only in part."""
    route = await session.get(Route, expected.route_id)
    assert route is not None
    stops = (await _stops(session, [route.id]))[route.id]
    rounds = (
        await session.scalars(
            select(PatrolRound)
            .where(
                col(PatrolRound.expected_round_id) == expected.id,
                col(PatrolRound.started_at) <= expected.window_end,
            )
            .order_by(col(PatrolRound.started_at), col(PatrolRound.id))
        )
    ).all()
    expected.stops_due = len(stops)
    expected.evaluated_at = now
    if not rounds:
        expected.round_id = None
        expected.status = ExpectedStatus.MISSED
        expected.stops_on_time = expected.stops_late = expected.stops_out_of_order = 0
        expected.stops_missed = len(stops)
    else:
        walked = rounds[0]
        scans = (
            await session.scalars(
                select(CheckpointScan).where(col(CheckpointScan.round_id) == walked.id)
            )
        ).all()
        judged = judge_scans(walked.started_at, stops, scans, free_order=route.free_order)
        expected.round_id = walked.id
        expected.stops_on_time, expected.stops_late = judged.on_time, judged.late
        expected.stops_missed, expected.stops_out_of_order = judged.missed, judged.out_of_order
        perfect = judged.on_time == len(stops) and not judged.out_of_order
        expected.status = ExpectedStatus.COMPLETED if perfect else ExpectedStatus.PARTIAL
    await session.flush()
    if expected.status in (ExpectedStatus.MISSED, ExpectedStatus.PARTIAL):
        await alert_once(session, expected, route)


async def evaluate_due(session: AsyncSession, now: datetime) -> list[ExpectedRound]:
    """Evaluate every expected round not yet judged whose last stop was due by `now`."""
    waiting = (
        await session.scalars(
            select(ExpectedRound)
            .where(col(ExpectedRound.evaluated_at).is_(None), col(ExpectedRound.window_end) <= now)
            .order_by(col(ExpectedRound.window_start))
        )
    ).all()
    stops = await _stops(session, list({row.route_id for row in waiting}))
    judged: list[ExpectedRound] = []
    for expected in waiting:
        if closes_at(expected, stops[expected.route_id]) <= now:
            await evaluate(session, expected, now)
            judged.append(expected)
    return judged


async def touched(session: AsyncSession, expected_id: uuid.UUID | None, now: datetime) -> None:
    """A round or scan of this expected round was recorded: it is in progress, or, when
    it was judged already (a late sync), judged again."""
    if expected_id is None:
        return
    expected = await session.get(ExpectedRound, expected_id)
    if expected is None:
        return
    if expected.evaluated_at is not None:
        await evaluate(session, expected, now)
    elif expected.status == ExpectedStatus.SCHEDULED:
        expected.status = ExpectedStatus.IN_PROGRESS
        await session.flush()


async def hand_over(session: AsyncSession, route: Route, contractor_id: uuid.UUID) -> int:
    """The route is walked by another contractor from now on: its expected rounds not yet
    judged go with it (and leave the old contractor's phones); the judged ones stay the
    old contractor's, who was due to walk them. Returns how many moved."""
    route.contractor_id = contractor_id
    moved = 0
    for row in await session.scalars(
        select(ExpectedRound).where(
            col(ExpectedRound.route_id) == route.id, col(ExpectedRound.evaluated_at).is_(None)
        )
    ):
        row.contractor_id = contractor_id
        moved += 1
    await session.flush()
    return moved
