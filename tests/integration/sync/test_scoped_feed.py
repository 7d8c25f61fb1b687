"""The pull's change feed is scoped in its query: a phone hears of the rows it may see,
of rows entering its scope and of rows leaving it, and of nothing else."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.engine import make_engine
from server.db.models import RouteCheckpoint
from server.domain.sync import capture
from server.settings import DatabaseSettings, Settings
from tests.phone import Phone

Client = TestClient[Litestar]


def _sites(client: Client, phone: Phone) -> dict[str, str]:
    return {s["code"]: s["id"] for s in client.get("/api/v1/sites", headers=phone.headers).json()}


def _raw_pull(client: Client, phone: Phone) -> tuple[int, int, dict[str, Any]]:
    """One page as it travels (uncompressed bytes, rows), moving the phone's cursor."""
    params: dict[str, Any] = {"limit": 500, "incarnation": str(phone.incarnation)}
    if phone.cursor:
        params["cursor"] = phone.cursor
    response = client.get("/api/v1/sync/pull", headers=phone.headers, params=params)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    phone.cursor = page["cursor"]
    return len(response.content), len(page["changes"]), page


def test_a_busy_campus_elsewhere_costs_a_phone_nothing(client: Client) -> None:
    west_tech = Phone(client, "T0003")  # plumbing, West Campus only
    desk = Phone(client, "D0001")
    west_tech.pull_all()
    quiet_bytes, quiet_rows, _ = _raw_pull(client, west_tech)
    east = _sites(client, desk)["EAST"]
    east_assets = client.get(
        "/api/v1/assets", headers=desk.headers, params={"site_id": east, "limit": 200}
    ).json()["items"]
    assert len(east_assets) > 50

    for batch in range(20):  # 10,000 changes on East Campus
        ops = [
            desk.op(
                "asset.add_note",
                {"asset_id": east_assets[n % len(east_assets)]["id"], "text": f"{batch}.{n}"},
            )
            for n in range(500)
        ]
        assert {r["status"] for r in desk.results(ops)} == {"applied"}

    busy_bytes, busy_rows, page = _raw_pull(client, west_tech)
    assert (quiet_rows, busy_rows) == (0, 0)
    assert not page["more"]
    # The same page but for the cursor, whose positions and anchor take a few bytes more.
    assert busy_bytes <= quiet_bytes + 32
    east_ids = {asset["id"] for asset in east_assets}
    again_bytes, again_rows, _ = _raw_pull(client, west_tech)
    assert (again_rows, again_bytes) == (0, busy_bytes)
    assert not east_ids & {key[1] for key in west_tech.replica}


def _teams(client: Client, phone: Phone) -> dict[str, str]:
    return {t["code"]: t["id"] for t in client.get("/api/v1/teams", headers=phone.headers).json()}


def _heard_of(phone: Phone, entity_id: str) -> list[dict[str, Any]]:
    """Every change about `entity_id` in the pages a full pull brings."""
    heard = []
    while True:
        page = phone.pull_page()
        heard += [change for change in page["changes"] if change["id"] == entity_id]
        if not page["more"]:
            return heard


def test_a_work_order_is_heard_of_by_its_team_only_and_leaves_when_moved(
    client: Client,
) -> None:
    desk = Phone(client, "D0001")
    electrician, hvac = Phone(client, "T0001"), Phone(client, "T0002")  # both East Campus
    electrician.pull_all()
    hvac.pull_all()
    east = _sites(client, desk)["EAST"]
    room = client.get(
        "/api/v1/locations", headers=desk.headers, params={"site_id": east, "limit": 1}
    ).json()["items"][0]["id"]
    teams = _teams(client, desk)
    order_id = str(uuid.uuid4())
    report = desk.op(
        "work_order.report",
        {"work_order_id": order_id, "location_id": room, "description": "Fan coil dripping"},
    )
    to_hvac = desk.op("work_order.dispatch", {"work_order_id": order_id, "team_id": teams["HVAC"]})
    assert [r["status"] for r in desk.results([report, to_hvac])] == ["applied", "applied"]

    assert _heard_of(electrician, order_id) == []  # never even its id
    assert [c["deleted"] for c in _heard_of(hvac, order_id)] == [False]

    to_electrical = desk.op(
        "work_order.dispatch", {"work_order_id": order_id, "team_id": teams["ELEC"]}
    )
    assert desk.results([to_electrical])[0]["status"] == "applied"

    assert [c["deleted"] for c in _heard_of(hvac, order_id)] == [True]  # it left
    entered = _heard_of(electrician, order_id)
    assert [c["deleted"] for c in entered] == [False]
    assert entered[0]["data"]["team_id"] == teams["ELEC"]


async def _route_stop(url: str, route: str, checkpoint: str | None) -> None:
    """Add `checkpoint` as the route's last stop, or (None) remove the stop added."""
    route_id = uuid.UUID(route)
    checkpoint_id = uuid.UUID(checkpoint) if checkpoint else None
    capture.install()
    engine = make_engine(DatabaseSettings(url=url))
    try:
        async with engine.connect() as connection, AsyncSession(bind=connection) as session:
            stops = select(func.max(RouteCheckpoint.position)).where(
                col(RouteCheckpoint.route_id) == route_id
            )
            last = int(await session.scalar(stops) or 0)
            if checkpoint_id is not None:
                session.add(
                    RouteCheckpoint(
                        route_id=route_id,
                        position=last + 1,
                        checkpoint_id=checkpoint_id,
                        due_within_minutes=30,
                    )
                )
            else:
                stop = await session.get(RouteCheckpoint, (route_id, last))
                assert stop is not None
                await session.delete(stop)
            await session.commit()
    finally:
        await engine.dispose()


def test_a_checkpoint_added_to_a_guards_route_enters_and_leaves_with_it(
    client: Client, demo_settings: Settings
) -> None:
    guard, cleaner, lifts = Phone(client, "G0001"), Phone(client, "C0001"), Phone(client, "M0003")
    for phone in (guard, cleaner, lifts):
        phone.pull_all()
    route_id = next(iter(guard.of_type("route")))
    checkpoint_id = next(c for c in cleaner.of_type("checkpoint") if c not in guard.replica)
    assert ("checkpoint", checkpoint_id) not in guard.replica

    asyncio.run(_route_stop(demo_settings.database.url, route_id, checkpoint_id))
    guard.pull_all()
    assert ("checkpoint", checkpoint_id) in guard.replica  # it entered with the route
    assert checkpoint_id in {
        s["checkpoint_id"] for s in guard.replica[("route", route_id)]["stops"]
    }
    assert _heard_of(lifts, checkpoint_id) == []  # another contractor hears nothing of it

    asyncio.run(_route_stop(demo_settings.database.url, route_id, None))
    assert [c["deleted"] for c in _heard_of(guard, checkpoint_id)] == [True]
    assert [c["deleted"] for c in _heard_of(cleaner, checkpoint_id)] == [False]  # still theirs
