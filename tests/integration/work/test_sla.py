"""Service levels: breaches found by the scheduled check, escalated once, by one worker."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import func, select
from sqlmodel import col

from server.db.engine import make_engine, make_session_factory
from server.db.models import Notification, WorkOrder, WorkOrderEvent
from server.db.types import utcnow
from server.domain.scheduling import run_exclusively
from server.domain.work.sla import check_now
from server.settings import Settings
from tests.integration.work.loop import applied, cast

Client = TestClient[Litestar]


async def _state(settings: Settings, order_id: str) -> dict[str, Any]:
    engine = make_engine(settings.database)
    try:
        async with make_session_factory(engine)() as session:
            order = await session.get(WorkOrder, uuid.UUID(order_id))
            assert order is not None
            kinds = (
                await session.execute(
                    select(col(Notification.kind), func.count())
                    .where(col(Notification.work_order_id) == order.id)
                    .group_by(col(Notification.kind))
                )
            ).all()
            breaches = await session.scalar(
                select(func.count()).where(
                    col(WorkOrderEvent.work_order_id) == order.id,
                    col(WorkOrderEvent.action) == "sla_breach",
                )
            )
            return {
                "response": order.response_breached,
                "resolution": order.resolution_breached,
                "response_due": order.response_due_at,
                "resolution_due": order.resolution_due_at,
                "kinds": dict(kinds),
                "breach_events": breaches,
            }
    finally:
        await engine.dispose()


async def _check(settings: Settings, at: datetime, holders: int = 1) -> list[bool]:
    engine = make_engine(settings.database)
    factory = make_session_factory(engine)
    try:
        jobs = [
            run_exclusively(
                factory,
                f"sla-test-{at.isoformat()}",
                f"worker-{n}",
                timedelta(minutes=5),
                lambda: check_now(factory, at),
            )
            for n in range(holders)
        ]
        return list(await asyncio.gather(*jobs))
    finally:
        await engine.dispose()


def test_a_late_arrival_is_flagged_escalated_once_and_warned_before(
    client: Client, demo_settings: Settings
) -> None:
    c = cast(client)
    order_id = c.report(priority=1)  # 30 minutes to arrive, 4 hours to resolve
    applied(c.desk, "dispatch", work_order_id=order_id, team_id=c.team_id("ELEC"))
    state = asyncio.run(_state(demo_settings, order_id))
    assert state["response_due"] - state["resolution_due"] < timedelta(0)

    asyncio.run(_check(demo_settings, utcnow() + timedelta(minutes=10)))
    assert asyncio.run(_state(demo_settings, order_id))["response"] is False

    # Two workers wake up together 40 minutes later: only one runs the check.
    ran = asyncio.run(_check(demo_settings, utcnow() + timedelta(minutes=40), holders=2))
    assert sorted(ran) == [False, True]
    state = asyncio.run(_state(demo_settings, order_id))
    assert state["response"] is True
    assert state["breach_events"] == 1
    escalations = state["kinds"]["sla_breach"]
    assert escalations >= 2  # the Electrical lead and the desk

    asyncio.run(_check(demo_settings, utcnow() + timedelta(minutes=50)))
    again = asyncio.run(_state(demo_settings, order_id))
    assert again["kinds"]["sla_breach"] == escalations  # flagged once, not every round

    asyncio.run(_check(demo_settings, utcnow() + timedelta(hours=3, minutes=30)))
    warned = asyncio.run(_state(demo_settings, order_id))
    assert warned["kinds"].get("sla_warning", 0) >= 1
    assert warned["resolution"] is False
    asyncio.run(_check(demo_settings, utcnow() + timedelta(hours=5)))
    assert asyncio.run(_state(demo_settings, order_id))["resolution"] is True


def test_arriving_in_time_is_not_a_breach(client: Client, demo_settings: Settings) -> None:
    c = cast(client)
    order_id = c.report(priority=1)
    c.to_technician(order_id)  # started: the technician is on site
    asyncio.run(_check(demo_settings, utcnow() + timedelta(hours=1)))
    assert asyncio.run(_state(demo_settings, order_id))["response"] is False


def test_the_loop_notifies_the_people_of_each_node(client: Client, demo_settings: Settings) -> None:
    c = cast(client)
    order_id = c.report()
    c.to_technician(order_id)
    applied(c.technician, "complete", work_order_id=order_id, resolution="Fixed")
    kinds = asyncio.run(_state(demo_settings, order_id))["kinds"]
    assert kinds["dispatched"] >= 1  # the team lead
    assert kinds["assigned"] == 1  # the technician
    assert kinds["confirm_request"] == 1  # the requester
    mine = client.get("/api/v1/notifications", headers=c.requester.headers).json()
    items = mine["items"] if isinstance(mine, dict) else mine
    assert any(n["kind"] == "confirm_request" for n in items)
