"""A patrol route of the test's own in the demo hospital (its codes tagged apart from every
other test's), a night's times in the site's zone, and the server's jobs run at a chosen
`now` on their own session."""

from __future__ import annotations

import asyncio
import time as clock
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db import models as db
from server.db.engine import make_engine, make_session_factory
from server.domain.sync import capture
from server.settings import Settings

T = TypeVar("T")


def in_session(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in a transaction of its own, committed."""

    async def run() -> T:
        capture.install()
        engine = make_engine(settings.database)
        try:
            async with make_session_factory(engine)() as session:
                result = await work(session)
                await session.commit()
                return result
        finally:
            await engine.dispose()

    return asyncio.run(run())


@dataclass
class Beat:
    """A route of five stops (due 5, 10 ... 25 minutes after the start), a clock point off
    the route, and a checkpoint on no route; a schedule every 2 h from 20:00 to 06:00."""

    tag: str
    site_id: uuid.UUID = field(default_factory=uuid.uuid4)
    timezone: str = "UTC"
    route_id: uuid.UUID = field(default_factory=uuid.uuid4)
    contractor_id: uuid.UUID = field(default_factory=uuid.uuid4)
    stops: list[uuid.UUID] = field(default_factory=list)
    payloads: list[str] = field(default_factory=list)
    nfc_uids: list[str] = field(default_factory=list)
    clock_point: str = ""
    stray: str = ""  # a checkpoint on no route
    location_id: uuid.UUID = field(default_factory=uuid.uuid4)

    def local(self, day: date, at: time, minutes: float = 0) -> datetime:
        """A wall-clock time of the site on `day` (plus minutes of elapsed time), in UTC."""
        wall = datetime.combine(day, at, tzinfo=ZoneInfo(self.timezone))
        return wall.astimezone(UTC) + timedelta(minutes=minutes)


def night() -> date:
    """The local day a past night began: three days ago, clear of any clock change today."""
    return datetime.now(UTC).date() - timedelta(days=3)


def build_beat(
    settings: Settings,
    *,
    contractor: str = "SENTINEL",
    site: str = "EAST",
    free_order: bool = False,
) -> Beat:
    beat = Beat(uuid.uuid4().hex[:6].upper())

    async def build(s: AsyncSession) -> Beat:
        site_row = (await s.execute(select(db.Site).where(col(db.Site.code) == site))).scalar_one()
        beat.site_id, beat.timezone = site_row.id, site_row.timezone
        company = await s.execute(
            select(db.Contractor).where(col(db.Contractor.code) == contractor)
        )
        beat.contractor_id = company.scalar_one().id
        location = await s.scalar(
            select(db.Location).where(col(db.Location.site_id) == site_row.id).limit(1)
        )
        assert location is not None
        beat.location_id = location.id
        s.add(
            db.Route(
                id=beat.route_id,
                code=f"R-{beat.tag}",
                name=f"Test round {beat.tag}",
                site_id=site_row.id,
                contractor_id=beat.contractor_id,
                free_order=free_order,
            )
        )
        for number in range(7):
            checkpoint = db.Checkpoint(
                code=f"T{beat.tag}{number}",
                name=f"Checkpoint {number} {beat.tag}",
                qr_payload=f"CP-T{beat.tag}-{number}",
                nfc_uid=f"04{beat.tag}{number:06X}",
                site_id=site_row.id,
                location_id=location.id,
                clock_point=number == 5,
            )
            s.add(checkpoint)
            await s.flush()
            if number < 5:
                beat.stops.append(checkpoint.id)
                beat.payloads.append(checkpoint.qr_payload)
                beat.nfc_uids.append(checkpoint.nfc_uid or "")
                s.add(
                    db.RouteCheckpoint(
                        route_id=beat.route_id,
                        position=number,
                        checkpoint_id=checkpoint.id,
                        due_within_minutes=5 * (number + 1),
                    )
                )
            elif number == 5:
                beat.clock_point = checkpoint.qr_payload
            else:
                beat.stray = checkpoint.qr_payload
        s.add(
            db.RouteSchedule(
                route_id=beat.route_id,
                first_start=time(20),
                last_start=time(6),
                every_minutes=120,
                tolerance_minutes=15,
                valid_from=date(2020, 1, 1),
            )
        )
        await s.flush()
        return beat

    return in_session(settings, build)


def rows(settings: Settings, model: type[Any], *where: Any) -> list[Any]:
    async def read(s: AsyncSession) -> list[Any]:
        found = await s.scalars(select(model).where(*where))
        return list(found.all())

    return in_session(settings, read)


HORIZON_WAIT_SECONDS = 120.0


def past_the_horizon(settings: Settings) -> None:
    """Return once a pull would deliver every change committed so far.

    On PostgreSQL a pull delivers only the changes of transactions below its snapshot's
    `xmin` (sync/PROTOCOL.md, "Why no change is ever skipped"), and a transaction still
    open anywhere on the server, another database's included (another test run), holds that
    horizon back: a change committed a moment ago may arrive a pull later. This waits until
    the horizon has passed a transaction begun after everything before the call committed.
    On SQLite commits are serialised and a pull sees them at once."""

    async def wait() -> None:
        engine = make_engine(settings.database)
        try:
            if engine.dialect.name != "postgresql":
                return
            async with engine.begin() as conn:
                mark = int(await conn.scalar(text("SELECT pg_current_xact_id()::text::bigint")))
            deadline = clock.monotonic() + HORIZON_WAIT_SECONDS
            while clock.monotonic() < deadline:
                async with engine.connect() as conn:
                    horizon = await conn.scalar(
                        text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
                    )
                if int(horizon) > mark:
                    return
                await asyncio.sleep(0.05)
            raise AssertionError(
                f"a transaction open on the server held the pull horizon for over "
                f"{HORIZON_WAIT_SECONDS:.0f} s"
            )
        finally:
            await engine.dispose()

    asyncio.run(wait())
