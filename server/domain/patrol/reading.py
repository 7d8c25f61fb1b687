"""Reading expected rounds and rounds within the actor's scope (policy.py decides it)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    Checkpoint,
    CheckpointScan,
    ExpectedRound,
    PatrolRound,
    Route,
    Site,
    User,
)
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import scope_expected_rounds, scope_patrol_rounds
from server.domain.patrol.schemas import ExpectedRoundOut, PatrolRoundOut, ScanOut
from server.errors import NotFound


def _local_day(timezone: str, day: date | None, now: datetime) -> tuple[datetime, datetime]:
    """The instants (UTC) that local midnight to midnight of `day` (default: today) span."""
    zone = ZoneInfo(timezone)
    day = day or now.astimezone(zone).date()
    start = datetime.combine(day, time(0), zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC)
    return start, end


async def expected_on(
    session: AsyncSession, actor: Actor, day: date | None, now: datetime
) -> list[ExpectedRoundOut]:
    """Expected rounds whose window starts on `day` in their site's time zone (a night
    series from 20:00 to 06:00 thus spans two dates), in the actor's scope."""
    sites = (await session.execute(select(col(Site.id), col(Site.timezone)))).all()
    on_day = []
    for site_id, timezone in sites:
        start, end = _local_day(timezone, day, now)
        on_day.append(
            and_(
                col(ExpectedRound.site_id) == site_id,
                col(ExpectedRound.window_start) >= start,
                col(ExpectedRound.window_start) < end,
            )
        )
    stmt = select(ExpectedRound).where(or_(*on_day) if on_day else false())
    found = (await session.scalars(scope_expected_rounds(actor, stmt))).all()
    route_ids = {row.route_id for row in found}
    routes = {
        route.id: route
        for route in await session.scalars(select(Route).where(col(Route.id).in_(route_ids)))
    }
    rows = sorted(
        ((row, routes[row.route_id]) for row in found),
        key=lambda pair: (pair[0].window_start, pair[1].code),
    )
    return [
        ExpectedRoundOut(
            id=row.id,
            route_id=row.route_id,
            route_code=route.code,
            route_name=route.name,
            site_id=row.site_id,
            contractor_id=row.contractor_id,
            window_start=row.window_start,
            window_end=row.window_end,
            status=row.status.value,
            round_id=row.round_id,
            stops_due=row.stops_due,
            stops_on_time=row.stops_on_time,
            stops_late=row.stops_late,
            stops_missed=row.stops_missed,
            stops_out_of_order=row.stops_out_of_order,
            evaluated_at=row.evaluated_at,
        )
        for row, route in rows
    ]


async def round_detail(session: AsyncSession, actor: Actor, round_id: uuid.UUID) -> PatrolRoundOut:
    """A round with its scans in the order the phone made them; NotFound when the round
    is not the actor's to see (the same answer as for no round at all)."""
    stmt = select(PatrolRound).where(col(PatrolRound.id) == round_id)
    walked = await session.scalar(scope_patrol_rounds(actor, stmt))
    if walked is None:
        raise NotFound("No such round among yours.", round_id=str(round_id))
    guard = await session.get(User, walked.guard_id)
    scans = (
        await session.execute(
            select(CheckpointScan, col(Checkpoint.code))
            .outerjoin(Checkpoint, col(Checkpoint.id) == col(CheckpointScan.checkpoint_id))
            .where(col(CheckpointScan.round_id) == walked.id)
            .order_by(col(CheckpointScan.claimed_at), col(CheckpointScan.received_at))
        )
    ).all()
    return PatrolRoundOut(
        id=walked.id,
        route_id=walked.route_id,
        expected_round_id=walked.expected_round_id,
        guard_id=walked.guard_id,
        guard_name=guard.name if guard else "",
        site_id=walked.site_id,
        contractor_id=walked.contractor_id,
        status=walked.status.value,
        started_at=walked.started_at,
        ended_at=walked.ended_at,
        note=walked.note,
        start_op_id=walked.start_op_id,
        start_op_hash=walked.start_op_hash,
        end_op_hash=walked.end_op_hash,
        scans=[
            ScanOut(
                id=scan.id,
                checkpoint_id=scan.checkpoint_id,
                checkpoint_code=code,
                payload=scan.payload,
                method=scan.method.value,
                manual_reason=scan.manual_reason,
                claimed_at=scan.claimed_at,
                received_at=scan.received_at,
                clock_flag=scan.clock_flag,
                outcome=scan.outcome,
                op_id=scan.op_id,
                op_hash=scan.op_hash,
            )
            for scan, code in scans
        ],
    )
