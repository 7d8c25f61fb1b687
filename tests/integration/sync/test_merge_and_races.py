"""Field merges by clock, the same batch pushed twice at once, and a scope that changed."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select
from sqlmodel import col

from server.db.engine import make_engine, make_session_factory
from server.db.models import FieldHistory, Site, User, UserSite
from server.domain.sync import capture
from server.settings import Settings
from sync.hlc import Timestamp
from tests.databases import load_small_demo, scratch_database
from tests.phone import Phone
from tests.servers import server_env, serving

Client = TestClient[Litestar]


def _locations(client: Client, phone: Phone, site_id: str) -> list[str]:
    page = client.get(
        "/api/v1/locations", headers=phone.headers, params={"site_id": site_id, "limit": 3}
    ).json()
    return [location["id"] for location in page["items"]]


async def _history(settings: Settings, asset_id: str) -> list[tuple[str | None, bool]]:
    engine = make_engine(settings.database)
    try:
        async with make_session_factory(engine)() as session:
            rows = await session.scalars(
                select(FieldHistory)
                .where(
                    col(FieldHistory.entity_id) == uuid.UUID(asset_id),
                    col(FieldHistory.field_name) == "location_id",
                )
                .order_by(col(FieldHistory.at))
            )
            return [(row.new_value, row.superseded) for row in rows]
    finally:
        await engine.dispose()


def test_location_edits_merge_by_clock_and_the_loser_is_kept(
    client: Client, demo_settings: Settings
) -> None:
    early, late = Phone(client, "T0001"), Phone(client, "T0002")
    # An asset no other test edits: the clocks below must be the only ones on its location.
    asset = client.get(
        "/api/v1/assets", headers=early.headers, params={"limit": 1, "offset": 17}
    ).json()["items"][0]
    first, second = _locations(client, early, asset["site_id"])[:2]
    # The phone with the later clock reaches the server first; the earlier edit, arriving
    # after it, must not overwrite it.
    # Both clocks in the recent past, so later tests editing the same asset win as usual.
    now_ms = int(time.time() * 1000)
    newer = late.op(
        "asset.set_location",
        {"asset_id": asset["id"], "location_id": second},
        hlc=str(Timestamp(now_ms - 30_000, 0, "phone-late")),
    )
    older = early.op(
        "asset.set_location",
        {"asset_id": asset["id"], "location_id": first},
        hlc=str(Timestamp(now_ms - 60_000, 0, "phone-early")),
    )
    assert late.results([newer])[0]["status"] == "applied"
    assert early.results([older])[0]["status"] == "applied"
    detail = client.get(f"/api/v1/assets/{asset['id']}", headers=early.headers).json()
    assert detail["asset"]["location_id"] == second
    history = asyncio.run(_history(demo_settings, asset["id"]))
    assert history[-2:] == [(second, False), (first, True)]


def test_the_same_batch_pushed_on_two_connections_at_once_applies_once(
    backend: str, tmp_path: Path
) -> None:
    with scratch_database(backend, tmp_path) as url:
        asyncio.run(load_small_demo(url))
        with (
            serving(server_env(url, tmp_path / "state"), workers=2) as server,
            httpx.Client(base_url=server.base, timeout=60) as http,
        ):
            phone = Phone(http, "T0001")
            asset = http.get("/api/v1/assets", headers=phone.headers, params={"limit": 1}).json()[
                "items"
            ][0]
            batch = [
                phone.op("asset.add_note", {"asset_id": asset["id"], "text": f"twice {i}"})
                for i in range(60)
            ]
            answers: list[list[dict[str, Any]]] = []

            def send() -> None:
                with httpx.Client(base_url=server.base, timeout=60) as own:
                    response = own.post(
                        "/api/v1/sync/push",
                        headers=phone.headers,
                        json={"device_id": str(phone.device_id), "ops": batch},
                    )
                    assert response.status_code == 200, response.text
                    answers.append(response.json()["results"])

            threads = [threading.Thread(target=send) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert len(answers) == 2
            for position in range(len(batch)):
                statuses = sorted(answer[position]["status"] for answer in answers)
                assert statuses == ["applied", "duplicate"]
            notes = http.get(f"/api/v1/assets/{asset['id']}", headers=phone.headers).json()
            lines = notes["asset"]["notes"].splitlines()
            for i in range(len(batch)):
                assert sum(line.endswith(f"] twice {i}") for line in lines) == 1


async def _widen_to_every_site(settings: Settings, employee_no: str) -> None:
    capture.install()
    engine = make_engine(settings.database)
    try:
        async with make_session_factory(engine)() as session:
            user = await session.scalar(select(User).where(col(User.employee_no) == employee_no))
            assert user is not None
            held = set(
                await session.scalars(
                    select(col(UserSite.site_id)).where(col(UserSite.user_id) == user.id)
                )
            )
            for site_id in await session.scalars(select(col(Site.id))):
                if site_id not in held:
                    session.add(UserSite(user_id=user.id, site_id=site_id))
            await session.commit()
    finally:
        await engine.dispose()


def test_a_phone_whose_scope_changed_is_reset_and_gets_the_new_scope(
    client: Client, demo_settings: Settings
) -> None:
    admin = Phone(client, "A0001")
    created = client.post(
        "/api/v1/people",
        headers=admin.headers,
        json={
            "employee_no": f"W{uuid.uuid4().hex[:6]}",
            "name": "West Tech",
            "password": "long enough",
            "roles": ["technician"],
            "team_code": "PLUMB",
            "site_codes": ["WEST"],
        },
    )
    assert created.status_code == 201, created.text
    employee_no = created.json()["employee_no"]
    phone = Phone(client, employee_no, password="long enough")
    phone.pull_all()
    west_only = {a["site_id"] for a in phone.of_type("asset").values()}
    assert len(west_only) == 1

    asyncio.run(_widen_to_every_site(demo_settings, employee_no))
    page = phone.pull_page()
    assert page["reset"] is True
    phone.pull_all()
    assert len({a["site_id"] for a in phone.of_type("asset").values()}) == 2
