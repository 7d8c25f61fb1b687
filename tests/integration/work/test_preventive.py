"""Planned maintenance: plans open their orders when due, once, on one worker; inspections
record their checklist and a failed check opens a corrective order."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any, TypeVar

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from server.db.engine import make_engine, make_session_factory
from server.db.models import (
    Asset,
    AssetStatus,
    Checklist,
    ChecklistItem,
    ChecklistItemKind,
    InspectionResult,
    PmPlan,
    PmPlanOrder,
    Team,
    WorkOrder,
    WorkOrderKind,
    WorkOrderStatus,
)
from server.db.types import utcnow
from server.domain.preventive.generation import generate_due, generate_now
from server.domain.scheduling import run_exclusively
from server.domain.sync import capture
from server.settings import Settings
from tests.integration.work.loop import Cast, applied, cast, send

Client = TestClient[Litestar]
T = TypeVar("T")
TODAY = utcnow().date()


def on_db(
    settings: Settings, work: Callable[[async_sessionmaker[AsyncSession]], Awaitable[T]]
) -> T:
    """Run `work` with a session factory on the demo database."""
    capture.install()

    async def run() -> T:
        engine = make_engine(settings.database)
        try:
            return await work(make_session_factory(engine))
        finally:
            await engine.dispose()

    return asyncio.run(run())


def db(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one committed transaction on the demo database."""

    async def in_session(factory: async_sessionmaker[AsyncSession]) -> T:
        async with factory() as session:
            result = await work(session)
            await session.commit()
            return result

    return on_db(settings, in_session)


async def _team(session: AsyncSession, code: str) -> uuid.UUID:
    team_id = await session.scalar(select(col(Team.id)).where(col(Team.code) == code))
    assert team_id is not None
    return team_id


def add_assets(
    settings: Settings,
    like: dict[str, Any],
    category: str,
    statuses: list[AssetStatus],
    **extra: Any,
) -> list[uuid.UUID]:
    """New assets of `category` beside the asset `like` (its site, room and department)."""

    async def work(session: AsyncSession) -> list[uuid.UUID]:
        team_id = await _team(session, "ELEC")
        rows = [
            Asset(
                tag_code=uuid.uuid4().hex[:16],
                name=f"{category} #{n}",
                category=category,
                site_id=uuid.UUID(extra.get("site_id", like["site_id"])),
                location_id=uuid.UUID(extra.get("location_id", like["location_id"])),
                department_id=uuid.UUID(like["department_id"]),
                team_id=team_id,
                status=status,
            )
            for n, status in enumerate(statuses)
        ]
        session.add_all(rows)
        await session.flush()
        return [row.id for row in rows]

    return db(settings, work)


def add_plan(
    settings: Settings, *, items: list[ChecklistItem] | None = None, **fields: Any
) -> uuid.UUID:
    async def work(session: AsyncSession) -> uuid.UUID:
        checklist_id = None
        if items is not None:
            checklist = Checklist(name="Defibrillator monthly check")
            session.add(checklist)
            await session.flush()
            for position, item in enumerate(items):
                item.checklist_id, item.position = checklist.id, position
            session.add_all(items)
            checklist_id = checklist.id
        defaults: dict[str, Any] = {"interval_days": 30, "next_due": TODAY}
        plan = PmPlan(
            checklist_id=checklist_id, team_id=await _team(session, "ELEC"), **(defaults | fields)
        )
        session.add(plan)
        await session.flush()
        return plan.id

    return db(settings, work)


def generate(settings: Settings) -> list[uuid.UUID]:
    async def work(session: AsyncSession) -> list[uuid.UUID]:
        return [order.id for order in await generate_due(session, TODAY)]

    return db(settings, work)


def orders_of(settings: Settings, plan_id: uuid.UUID) -> list[WorkOrder]:
    async def work(session: AsyncSession) -> list[WorkOrder]:
        rows = await session.scalars(
            select(WorkOrder)
            .join(PmPlanOrder, col(PmPlanOrder.work_order_id) == col(WorkOrder.id))
            .where(col(PmPlanOrder.plan_id) == plan_id)
        )
        return list(rows)

    return db(settings, work)


def test_a_due_asset_plan_opens_one_dispatched_order_once(
    client: Client, demo_settings: Settings
) -> None:
    c = cast(client)
    [asset_id] = add_assets(
        demo_settings, c.icu_asset(), f"pm-{uuid.uuid4().hex[:8]}", [AssetStatus.IN_SERVICE]
    )
    plan_id = add_plan(
        demo_settings,
        name="Monthly PAT test",
        asset_id=asset_id,
        next_due=TODAY - timedelta(days=40),
    )

    opened = generate(demo_settings)
    [order] = orders_of(demo_settings, plan_id)
    assert order.id in opened
    assert (order.kind, order.status, order.asset_id) == (
        WorkOrderKind.PREVENTIVE,
        WorkOrderStatus.DISPATCHED,
        asset_id,
    )
    detail = c.detail(str(order.id))
    assert [e["action"] for e in detail["timeline"]] == ["schedule", "dispatch"]
    assert detail["order"]["team_id"] == c.team_id("ELEC")

    assert generate(demo_settings) == []  # the same day again: nothing new
    assert len(orders_of(demo_settings, plan_id)) == 1

    async def plan_due(session: AsyncSession) -> date:
        plan = await session.get(PmPlan, plan_id)
        assert plan is not None
        due = plan.next_due
        plan.next_due = TODAY  # due again while its order is still open
        return due

    assert db(demo_settings, plan_due) == TODAY + timedelta(days=20)
    generate(demo_settings)
    assert len(orders_of(demo_settings, plan_id)) == 1

    listed = c.get("/api/v1/pm-plans")
    assert any(p["id"] == str(plan_id) and p["asset_id"] == str(asset_id) for p in listed)
    assert "Air handling unit filter change (quarterly)" in {p["name"] for p in listed}
    lead = c.lead.http.get("/api/v1/pm-plans", headers=c.lead.headers).json()
    assert str(plan_id) in {p["id"] for p in lead}
    assert {p["team_name"] for p in lead} == {"Electrical"}
    assert (
        c.technician.http.get("/api/v1/pm-plans", headers=c.technician.headers).status_code == 403
    )


def test_a_category_plan_covers_in_service_assets_at_its_site(
    client: Client, demo_settings: Settings
) -> None:
    c = cast(client)
    like, category = c.icu_asset(), f"pm-{uuid.uuid4().hex[:8]}"
    statuses = [AssetStatus.IN_SERVICE, AssetStatus.IN_SERVICE, AssetStatus.RETIRED]
    here = add_assets(demo_settings, like, category, statuses)
    elsewhere = next(s["id"] for s in c.get("/api/v1/sites") if s["id"] != like["site_id"])

    async def a_room_at(session: AsyncSession) -> str:
        from server.db.models import Location

        location_id = await session.scalar(
            select(col(Location.id)).where(col(Location.site_id) == uuid.UUID(elsewhere)).limit(1)
        )
        return str(location_id)

    there = add_assets(
        demo_settings,
        like,
        category,
        [AssetStatus.IN_SERVICE],
        site_id=elsewhere,
        location_id=db(demo_settings, a_room_at),
    )
    plan_id = add_plan(
        demo_settings,
        name="Quarterly filter change",
        category=category,
        site_id=uuid.UUID(like["site_id"]),
        interval_days=91,
    )

    generate(demo_settings)
    orders = orders_of(demo_settings, plan_id)
    assert {o.asset_id for o in orders} == set(here[:2])
    assert not {o.asset_id for o in orders} & {here[2], *there}
    assert all(o.kind == WorkOrderKind.PREVENTIVE for o in orders)


def test_two_workers_generate_once(client: Client, demo_settings: Settings) -> None:
    c = cast(client)
    [asset_id] = add_assets(
        demo_settings, c.icu_asset(), f"pm-{uuid.uuid4().hex[:8]}", [AssetStatus.IN_SERVICE]
    )
    plan_id = add_plan(demo_settings, name="Weekly lamp check", asset_id=asset_id, interval_days=7)
    job = f"pm-generation-test-{uuid.uuid4().hex[:8]}"

    async def both(factory: async_sessionmaker[AsyncSession]) -> list[bool]:
        async def worker(holder: str) -> bool:
            return await run_exclusively(
                factory, job, holder, timedelta(minutes=5), lambda: generate_now(factory, TODAY)
            )

        return list(await asyncio.gather(worker("one"), worker("two")))

    assert sorted(on_db(demo_settings, both)) == [False, True]
    assert len(orders_of(demo_settings, plan_id)) == 1


DEFIB_ITEMS = [
    ("Self-test passes", ChecklistItemKind.PASS_FAIL, "", None, None),
    ("Battery voltage", ChecklistItemKind.VALUE, "V", 11.5, 13.5),
    ("Pads in date and sealed", ChecklistItemKind.PASS_FAIL, "", None, None),
]


def inspection(c: Cast, demo_settings: Settings) -> tuple[str, dict[str, str]]:
    """An inspection order from a checklist plan, assigned and started; its item ids."""
    [asset_id] = add_assets(
        demo_settings, c.icu_asset(), f"pm-{uuid.uuid4().hex[:8]}", [AssetStatus.IN_SERVICE]
    )
    items = [
        ChecklistItem(
            checklist_id=uuid.uuid4(), text=text, kind=kind, unit=unit, min_value=lo, max_value=hi
        )
        for text, kind, unit, lo, hi in DEFIB_ITEMS
    ]
    plan_id = add_plan(demo_settings, name="Defibrillator check", asset_id=asset_id, items=items)
    generate(demo_settings)
    [order] = orders_of(demo_settings, plan_id)
    assert order.kind == WorkOrderKind.INSPECTION
    c.to_technician(str(order.id))
    return str(order.id), {item.text: str(item.id) for item in items}


def results_of(settings: Settings, order_id: str) -> list[InspectionResult]:
    async def work(session: AsyncSession) -> list[InspectionResult]:
        rows = await session.scalars(
            select(InspectionResult).where(
                col(InspectionResult.work_order_id) == uuid.UUID(order_id)
            )
        )
        return list(rows)

    return db(settings, work)


def test_an_inspection_records_results_and_a_failure_opens_a_corrective_order(
    client: Client, demo_settings: Settings
) -> None:
    c = cast(client)
    order_id, item = inspection(c, demo_settings)
    result = applied(
        c.technician,
        "inspect",
        work_order_id=order_id,
        results=[
            {"item_id": item["Self-test passes"], "outcome": "pass"},
            {"item_id": item["Battery voltage"], "outcome": "value", "value": 12.6},
            {"item_id": item["Pads in date and sealed"], "outcome": "fail", "note": "Expired"},
        ],
    )
    rows = {str(r.checklist_item_id): r for r in results_of(demo_settings, order_id)}
    assert {k: rows[v].outcome for k, v in item.items()} == {
        "Self-test passes": "pass",
        "Battery voltage": "value",
        "Pads in date and sealed": "fail",
    }
    assert rows[item["Battery voltage"]].value == 12.6
    assert rows[item["Self-test passes"]].follow_up_order_id is None
    assert rows[item["Battery voltage"]].follow_up_order_id is None
    follow_up = rows[item["Pads in date and sealed"]].follow_up_order_id
    assert follow_up is not None
    assert set(result["entity_versions"]) == {f"work_order:{order_id}", f"work_order:{follow_up}"}
    corrective = c.detail(str(follow_up))["order"]
    assert corrective["kind"] == "corrective"
    assert corrective["asset_id"] == c.detail(order_id)["order"]["asset_id"]
    assert "Pads in date and sealed" in corrective["description"]
    assert "inspect" in [e["action"] for e in c.detail(order_id)["timeline"]]


def test_a_reading_out_of_range_opens_a_corrective_order(
    client: Client, demo_settings: Settings
) -> None:
    c = cast(client)
    order_id, item = inspection(c, demo_settings)
    result = applied(
        c.technician,
        "inspect",
        work_order_id=order_id,
        results=[{"item_id": item["Battery voltage"], "outcome": "value", "value": 10.2}],
    )
    [row] = results_of(demo_settings, order_id)
    assert row.follow_up_order_id is not None
    assert f"work_order:{row.follow_up_order_id}" in result["entity_versions"]
    description = c.detail(str(row.follow_up_order_id))["order"]["description"]
    assert "Battery voltage" in description
    assert "below the minimum" in description


def test_only_the_assignee_records_an_inspection(client: Client, demo_settings: Settings) -> None:
    c = cast(client)
    order_id, item = inspection(c, demo_settings)
    refused = send(
        c.lead,
        "inspect",
        work_order_id=order_id,
        results=[{"item_id": item["Self-test passes"], "outcome": "pass"}],
    )
    assert (refused["status"], refused["code"]) == ("rejected", "not_assignee")
    assert results_of(demo_settings, order_id) == []
