"""The recurring jobs and the board read through indexes, with no query per row.

A hospital's tables grow for years: tens of thousands of closed orders and delivered
notifications beside a few dozen open ones. On such a database (loaded here) the planner
must reach the few through an index, never by reading the whole table (EXPLAIN on
PostgreSQL, EXPLAIN QUERY PLAN on SQLite); and the number of statements a run sends must
not grow with the number of orders or notifications it handles.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import random
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from server.db.engine import make_engine, make_session_factory
from server.db.models import Device, Location, Notification, Team, User, WorkOrder
from server.db.types import utcnow
from server.domain.accounts.service import load_actor
from server.domain.notify import deliver_pending
from server.domain.sync import capture
from server.domain.work.board import board_cards
from server.domain.work.sla import check_slas
from server.settings import DatabaseSettings
from tests.conftest import settings_for
from tests.databases import load_small_demo, scratch_database
from tests.integration.test_web_push import PushService, b64
from tests.queries import Statement, full_scans, recorded

HISTORY = 40_000  # closed orders, and delivered notifications
BIG_TABLES = {"work_order", "notification"}
T = TypeVar("T")


def run(url: str, work: Callable[[AsyncEngine], Awaitable[T]]) -> T:
    async def main() -> T:
        engine = make_engine(DatabaseSettings(url=url))
        try:
            return await work(engine)
        finally:
            await engine.dispose()

    return asyncio.run(main())


async def _template(engine: AsyncEngine) -> dict[str, Any]:
    async with engine.connect() as connection:
        row = (await connection.execute(select(WorkOrder.__table__).limit(1))).one()  # type: ignore[attr-defined]
    return dict(row._mapping)


def _orders(template: dict[str, Any], count: int, **values: Any) -> list[dict[str, Any]]:
    return [
        {**template, "id": uuid.uuid4(), "number": f"Q-{uuid.uuid4().hex[:12]}", **values}
        for _ in range(count)
    ]


async def _history(engine: AsyncEngine) -> None:
    """Years of closed orders, each long past its due times, and their notifications."""
    template = await _template(engine)
    long_ago = utcnow() - timedelta(days=400)
    closed = _orders(
        template,
        HISTORY,
        status="closed",
        response_due_at=long_ago,
        resolution_due_at=long_ago,
        response_breached=False,
        resolution_breached=False,
    )
    async with engine.begin() as connection:
        users = list(await connection.scalars(select(col(User.id))))
        await connection.execute(insert(WorkOrder.__table__), closed)  # type: ignore[attr-defined]
        await connection.execute(
            insert(Notification.__table__),  # type: ignore[attr-defined]
            [
                {
                    "id": uuid.uuid4(),
                    "created_at": long_ago,
                    "updated_at": long_ago,
                    "version": 1,
                    "user_id": users[n % len(users)],
                    "kind": "sla_warning" if n % 3 else "assigned",
                    "title": "old news",
                    "body": "",
                    "url": "",
                    "work_order_id": closed[n]["id"],
                    "pushed_at": long_ago,
                    "push_attempts": 0,
                }
                for n in range(HISTORY)
            ],
        )
    if engine.dialect.name == "postgresql":
        async with engine.begin() as connection:
            await connection.execute(text("ANALYZE"))


@pytest.fixture(scope="module")
def hospital(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    capture.install()  # as the app does: the writes counted include the change log's
    directory: Path = tmp_path_factory.mktemp(f"plans-{backend}")
    with scratch_database(backend, directory) as url:
        asyncio.run(load_small_demo(url))
        run(url, _history)
        yield url


async def add_open_orders(engine: AsyncEngine, count: int, now: datetime) -> None:
    """Open orders of two teams at distinct places: some overdue, some nearly due."""
    template = await _template(engine)
    async with engine.begin() as connection:
        teams = list(await connection.scalars(select(col(Team.id)).limit(2)))
        places = list(await connection.scalars(select(col(Location.id)).limit(400)))
        rows = _orders(
            template,
            count,
            status="accepted",
            arrived_at=None,
            response_breached=False,
            resolution_breached=False,
        )
        for n, row in enumerate(rows):
            row.update(
                team_id=teams[n % 2],
                location_id=random.choice(places),  # noqa: S311 - spread, not secrecy
                priority=3,
                response_due_at=now - timedelta(minutes=5),
                resolution_due_at=now + timedelta(minutes=60 if n % 2 else -5),
            )
        await connection.execute(insert(WorkOrder.__table__), rows)  # type: ignore[attr-defined]


async def add_pending_notifications(engine: AsyncEngine, count: int) -> None:
    async with engine.begin() as connection:
        users = list(await connection.scalars(select(col(User.id))))
        now = utcnow()
        await connection.execute(
            insert(Notification.__table__),  # type: ignore[attr-defined]
            [
                {
                    "id": uuid.uuid4(),
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                    "user_id": users[n % len(users)],
                    "kind": "assigned",
                    "title": "New job",
                    "body": "",
                    "url": "",
                    "work_order_id": None,
                    "pushed_at": None,
                    "push_attempts": 0,
                }
                for n in range(count)
            ],
        )


async def sla_statements(engine: AsyncEngine, now: datetime) -> list[Statement]:
    """What one SLA check sends; rolled back, so the orders stay as they were."""
    async with make_session_factory(engine)() as session:
        with recorded(engine) as statements:
            await check_slas(session, now)
        await session.rollback()
    return statements


async def board_statements(engine: AsyncEngine, employee_no: str) -> list[Statement]:
    async with make_session_factory(engine)() as session:
        user_id = await session.scalar(
            select(col(User.id)).where(col(User.employee_no) == employee_no)
        )
        assert user_id is not None
        actor = await load_actor(session, user_id)
        assert actor is not None
        with recorded(engine) as statements:
            cards = await board_cards(session, actor, utcnow())
        assert cards
    return statements


async def unindexed_reads(engine: AsyncEngine, statements: list[Statement]) -> list[str]:
    found = []
    for statement in statements:
        if statement.is_select:
            found += [
                f"{scan}: {statement.sql[:120]}"
                for scan in await full_scans(engine, statement, BIG_TABLES)
            ]
    return found


def test_the_sla_check_reaches_open_orders_through_indexes(hospital: str) -> None:
    async def work(engine: AsyncEngine) -> list[str]:
        now = utcnow()
        await add_open_orders(engine, 6, now)
        return await unindexed_reads(engine, await sla_statements(engine, now))

    assert run(hospital, work) == []


def test_the_board_reaches_open_orders_through_indexes(hospital: str) -> None:
    async def work(engine: AsyncEngine) -> list[str]:
        await add_open_orders(engine, 6, utcnow())
        desk = await board_statements(engine, "D0001")
        lead = await board_statements(engine, "L0001")
        return await unindexed_reads(engine, desk + lead)

    assert run(hospital, work) == []


def test_push_delivery_claims_pending_notifications_through_an_index(
    hospital: str, tmp_path: Path
) -> None:
    settings = settings_for(hospital, tmp_path)

    async def work(engine: AsyncEngine) -> list[str]:
        await add_pending_notifications(engine, 5)
        with recorded(engine) as statements:
            await deliver_pending(make_session_factory(engine), settings)
        return await unindexed_reads(engine, statements)

    assert run(hospital, work) == []


def test_the_sla_check_sends_as_many_statements_for_many_orders_as_for_few(
    hospital: str,
) -> None:
    async def work(engine: AsyncEngine) -> tuple[int, int]:
        now = utcnow() + timedelta(days=30)  # past every open order's due times
        await add_open_orders(engine, 8, now)
        few = len(await sla_statements(engine, now))
        await add_open_orders(engine, 16, now)
        return few, len(await sla_statements(engine, now))

    few, many = run(hospital, work)
    assert many == few


def test_the_board_sends_as_many_statements_for_many_orders_as_for_few(hospital: str) -> None:
    async def work(engine: AsyncEngine) -> tuple[int, int]:
        await add_open_orders(engine, 10, utcnow())
        few = len(await board_statements(engine, "D0001"))
        await add_open_orders(engine, 20, utcnow())
        return few, len(await board_statements(engine, "D0001"))

    few, many = run(hospital, work)
    assert many == few


def _subscription(service: PushService) -> dict[str, Any]:
    public = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return {
        "endpoint": f"{service.origin}/push/{uuid.uuid4().hex}",
        "keys": {"p256dh": b64(public), "auth": b64(os.urandom(16))},
    }


async def subscribe_phones(engine: AsyncEngine, service: PushService) -> list[uuid.UUID]:
    """Three people, each with a phone subscribed to the stand-in push service."""
    now = utcnow()
    async with engine.begin() as connection:
        users = list(await connection.scalars(select(col(User.id)).limit(3)))
        await connection.execute(
            insert(Device.__table__),  # type: ignore[attr-defined]
            [
                {
                    "id": uuid.uuid4(),
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                    "user_id": user,
                    "name": "ward phone",
                    "push_subscription": _subscription(service),
                }
                for user in users
            ],
        )
    return users


async def notify_each(engine: AsyncEngine, users: list[uuid.UUID], count: int) -> None:
    now = utcnow()
    async with engine.begin() as connection:
        await connection.execute(
            insert(Notification.__table__),  # type: ignore[attr-defined]
            [
                {
                    "id": uuid.uuid4(),
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                    "user_id": users[n % len(users)],
                    "kind": "assigned",
                    "title": f"Job {n}",
                    "body": "",
                    "url": "",
                    "pushed_at": None,
                    "push_attempts": 0,
                }
                for n in range(count)
            ],
        )


def test_push_delivery_sends_as_many_statements_for_many_notifications_as_for_few(
    hospital: str, tmp_path: Path
) -> None:
    service = PushService()
    plain = settings_for(hospital, tmp_path)
    settings = dataclasses.replace(
        plain, push=dataclasses.replace(plain.push, allow_private_endpoints=True)
    )

    async def deliver(engine: AsyncEngine) -> int:
        with recorded(engine) as statements:
            report = await deliver_pending(make_session_factory(engine), settings)
        assert report.failed == 0
        assert report.sent == report.claimed
        return len(statements)

    async def work(engine: AsyncEngine) -> tuple[int, int]:
        users = await subscribe_phones(engine, service)
        await notify_each(engine, users, 6)
        few = await deliver(engine)
        await notify_each(engine, users, 18)
        return few, await deliver(engine)

    try:
        few, many = run(hospital, work)
    finally:
        service.server.shutdown()
        service.server.server_close()
    assert many == few
    assert len(service.received) == 24
