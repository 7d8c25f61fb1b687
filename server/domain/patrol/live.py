"""The desk's live patrol view: a day's expected rounds by how they stand, per site,
contractor and route, with the guard walking each and the stops done of those due.

Everything is read from the database on each request (the page polls), so any worker
answers the same."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    CheckpointScan,
    Contractor,
    ExpectedRound,
    ExpectedStatus,
    PatrolRound,
    Route,
    RouteCheckpoint,
    Site,
    User,
)
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import scope_expected_rounds, scope_site_ids

# How a round stands on the board, in the order the page shows them.
BUCKETS = ("in_progress", "late", "missed", "scheduled", "completed")


@dataclass(frozen=True)
class LiveFilters:
    site_id: uuid.UUID | None = None
    contractor_id: uuid.UUID | None = None
    route_id: uuid.UUID | None = None
    bucket: str = ""


@dataclass(frozen=True)
class LiveRound:
    id: uuid.UUID
    bucket: str
    status: str
    window_start: datetime
    window_end: datetime
    site: str
    contractor: str
    route_id: uuid.UUID
    route: str
    route_name: str
    guard: str
    stops_done: int
    stops_due: int
    stops_late: int
    stops_missed: int


@dataclass(frozen=True)
class LiveView:
    day: date
    rounds: list[LiveRound]
    counts: dict[str, int]


def bucket(row: ExpectedRound, now: datetime) -> str:
    """Late covers a round walked with stops late or missed (partial) and one whose window
    has closed without a start before the evaluation marks it missed."""
    if row.status == ExpectedStatus.SCHEDULED:
        return "late" if row.window_end < now else "scheduled"
    if row.status == ExpectedStatus.PARTIAL:
        return "late"
    return row.status.value


def _day_bounds(sites: list[Site], day: date) -> list[tuple[uuid.UUID, datetime, datetime]]:
    bounds = []
    for site in sites:
        zone = ZoneInfo(site.timezone or "UTC")
        start = datetime.combine(day, time(0), zone)
        bounds.append((site.id, start, datetime.combine(day + timedelta(days=1), time(0), zone)))
    return bounds


async def live_view(
    session: AsyncSession, actor: Actor, day: date, filters: LiveFilters, now: datetime
) -> LiveView:
    """The expected rounds whose window starts on `day`, local time of each one's site."""
    sites = list((await session.scalars(scope_site_ids(actor, Site.id, select(Site)))).all())
    bounds = _day_bounds(sites, day)
    if not bounds:
        return LiveView(day, [], dict.fromkeys(BUCKETS, 0))
    on_day = or_(
        *(
            and_(
                col(ExpectedRound.site_id) == site_id,
                col(ExpectedRound.window_start) >= start,
                col(ExpectedRound.window_start) < end,
            )
            for site_id, start, end in bounds
        )
    )
    base: Select[*tuple[Any, ...]] = (
        select(ExpectedRound, Route, Contractor, Site)
        .join(Route, col(Route.id) == col(ExpectedRound.route_id))
        .join(Contractor, col(Contractor.id) == col(ExpectedRound.contractor_id))
        .join(Site, col(Site.id) == col(ExpectedRound.site_id))
        .where(on_day)
        .order_by(col(ExpectedRound.window_start), col(Route.code))
    )
    stmt = scope_expected_rounds(actor, base)
    for column, value in (
        (ExpectedRound.site_id, filters.site_id),
        (ExpectedRound.contractor_id, filters.contractor_id),
        (ExpectedRound.route_id, filters.route_id),
    ):
        if value is not None:
            stmt = stmt.where(col(column) == value)
    found = (await session.execute(stmt)).all()
    guards, done = await _walks(session, [row.round_id for row, *_ in found if row.round_id])
    due = await _stops_due(session, {route.id for _, route, _, _ in found})
    rounds = [
        LiveRound(
            id=row.id,
            bucket=bucket(row, now),
            status=row.status.value,
            window_start=row.window_start,
            window_end=row.window_end,
            site=site.code,
            contractor=contractor.name,
            route_id=route.id,
            route=route.code,
            route_name=route.name,
            guard=guards.get(row.round_id, "") if row.round_id else "",
            stops_done=_done(row, done),
            stops_due=row.stops_due or due.get(route.id, 0),
            stops_late=row.stops_late,
            stops_missed=row.stops_missed,
        )
        for row, route, contractor, site in found
    ]
    counts = Counter(r.bucket for r in rounds)
    if filters.bucket in BUCKETS:
        rounds = [r for r in rounds if r.bucket == filters.bucket]
    rounds.sort(key=lambda r: (BUCKETS.index(r.bucket), r.window_start, r.route))
    return LiveView(day, rounds, {name: counts.get(name, 0) for name in BUCKETS})


def _done(row: ExpectedRound, scanned: dict[uuid.UUID, int]) -> int:
    """An evaluated round's stops walked (on time or late); before that, what was scanned."""
    if row.evaluated_at is not None or row.round_id is None:
        return row.stops_on_time + row.stops_late
    return scanned.get(row.round_id, 0)


async def _walks(
    session: AsyncSession, round_ids: list[uuid.UUID]
) -> tuple[dict[uuid.UUID, str], dict[uuid.UUID, int]]:
    """Who walks each round, and how many distinct checkpoints of it were scanned."""
    if not round_ids:
        return {}, {}
    guards: dict[uuid.UUID, str] = dict(
        (
            await session.execute(
                select(col(PatrolRound.id), col(User.name))
                .join(User, col(User.id) == col(PatrolRound.guard_id))
                .where(col(PatrolRound.id).in_(round_ids))
            )
        ).all()
    )
    scanned: dict[uuid.UUID, int] = {
        key: int(n)
        for key, n in (
            await session.execute(
                select(
                    col(CheckpointScan.round_id),
                    func.count(func.distinct(col(CheckpointScan.checkpoint_id))),
                )
                .where(
                    col(CheckpointScan.round_id).in_(round_ids),
                    col(CheckpointScan.checkpoint_id).is_not(None),
                )
                .group_by(col(CheckpointScan.round_id))
            )
        ).all()
        if key is not None
    }
    return guards, scanned


async def _stops_due(session: AsyncSession, route_ids: set[uuid.UUID]) -> dict[uuid.UUID, int]:
    if not route_ids:
        return {}
    rows = await session.execute(
        select(col(RouteCheckpoint.route_id), func.count())
        .where(col(RouteCheckpoint.route_id).in_(route_ids))
        .group_by(col(RouteCheckpoint.route_id))
    )
    return {route_id: int(n) for route_id, n in rows.all()}
