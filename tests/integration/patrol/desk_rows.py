"""Patrol rows of the tests' own in the demo hospital: expected rounds, a walk, an incident."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from server.db import models as db
from server.db.engine import make_engine, make_session_factory
from server.settings import Settings


async def _write(settings: Settings, rows: list[Any]) -> None:
    engine = make_engine(settings.database)
    try:
        async with make_session_factory(engine)() as s:
            for row in rows:
                s.add(row)
                await s.flush()
            await s.commit()
    finally:
        await engine.dispose()


def write(settings: Settings, *rows: Any) -> None:
    asyncio.run(_write(settings, list(rows)))


async def _one(settings: Settings, stmt: Any) -> Any:
    engine = make_engine(settings.database)
    try:
        async with make_session_factory(engine)() as s:
            return (await s.execute(stmt)).scalars().first()
    finally:
        await engine.dispose()


def one(settings: Settings, stmt: Any) -> Any:
    return asyncio.run(_one(settings, stmt))


def route(settings: Settings, code_prefix: str) -> db.Route:
    found = one(settings, select(db.Route).where(col(db.Route.code).startswith(code_prefix)))
    assert found is not None
    return found


def user(settings: Settings, employee_no: str) -> db.User:
    found = one(settings, select(db.User).where(col(db.User.employee_no) == employee_no))
    assert found is not None
    return found


def today_at(hour: int) -> datetime:
    now = datetime.now(UTC)
    return now.replace(hour=hour, minute=0, second=0, microsecond=0)


def expected(
    r: db.Route, start: datetime, status: db.ExpectedStatus, **extra: Any
) -> db.ExpectedRound:
    return db.ExpectedRound(
        id=uuid.uuid4(),
        route_id=r.id,
        site_id=r.site_id,
        contractor_id=r.contractor_id,
        window_start=start,
        window_end=start + timedelta(minutes=15),
        status=status,
        **extra,
    )
