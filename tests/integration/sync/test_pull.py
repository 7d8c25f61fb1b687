"""Pull: a first sync is exactly the scope, later pulls bring every change, acks follow data."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from tests.phone import Phone

Client = TestClient[Litestar]


def _all_pages(client: Client, phone: Phone, path: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = client.get(
            path, headers=phone.headers, params={**params, "limit": 200, "offset": offset}
        ).json()
        items.extend(page["items"])
        offset += 200
        if offset >= page["total"]:
            return items


def test_first_sync_in_small_pages_is_exactly_the_scope(client: Client) -> None:
    phone = Phone(client, "T0003")  # plumbing technician, West Campus only
    pages = phone.pull_all(limit=37)
    assert pages > 3
    assets = phone.of_type("asset")
    expected = {a["id"]: a for a in _all_pages(client, phone, "/api/v1/assets")}
    assert set(assets) == set(expected)
    assert {a["site_id"] for a in assets.values()} == {
        s["id"] for s in client.get("/api/v1/sites", headers=phone.headers).json()
    }
    locations = phone.of_type("location")
    assert set(locations) == {loc["id"] for loc in _all_pages(client, phone, "/api/v1/locations")}
    assert phone.of_type("route") == {}  # not a patrol role
    assert phone.of_type("item")  # technicians carry the stock catalogue


def test_a_guard_gets_only_their_contractors_routes_with_stops(client: Client) -> None:
    guard = Phone(client, "G0001")
    guard.pull_all()
    routes = guard.of_type("route")
    assert routes
    api_routes = {r["id"]: r for r in client.get("/api/v1/routes", headers=guard.headers).json()}
    assert set(routes) == set(api_routes)
    for route_id, route in routes.items():
        assert [s["checkpoint_id"] for s in route["stops"]] == [
            s["checkpoint_id"] for s in api_routes[route_id]["stops"]
        ]
    assert guard.of_type("asset") == {}


def test_changes_arrive_after_the_cursor_and_acks_follow_them(client: Client) -> None:
    technician = Phone(client, "T0001")
    technician.pull_all()
    asset_id, before = next(iter(technician.of_type("asset").items()))
    op = technician.op("asset.add_note", {"asset_id": asset_id, "text": "Filter replaced"})
    assert technician.results([op])[0]["status"] == "applied"
    assert technician.acked == 0

    technician.pull_all()
    after = technician.of_type("asset")[asset_id]
    assert "Filter replaced" in after["notes"]
    assert technician.versions[("asset", asset_id)] > before["version"]
    assert technician.acked == technician.seq


def test_an_asset_moved_to_another_campus_leaves_the_phone_that_may_not_see_it(
    client: Client,
) -> None:
    east_tech = Phone(client, "T0001")
    west_tech = Phone(client, "T0003")
    desk = Phone(client, "D0001")
    east_tech.pull_all()
    west_tech.pull_all()
    sites = {s["code"]: s["id"] for s in client.get("/api/v1/sites", headers=desk.headers).json()}
    asset_id = next(
        a for a, data in east_tech.of_type("asset").items() if data["site_id"] == sites["EAST"]
    )
    west_room = client.get(
        "/api/v1/locations", headers=desk.headers, params={"site_id": sites["WEST"], "limit": 1}
    ).json()["items"][0]["id"]

    move = desk.op("asset.set_location", {"asset_id": asset_id, "location_id": west_room})
    assert desk.results([move])[0]["status"] == "applied"

    east_tech.pull_all()
    west_tech.pull_all()
    assert asset_id not in east_tech.of_type("asset")
    assert west_tech.of_type("asset")[asset_id]["location_id"] == west_room


def test_a_garbled_cursor_resets_instead_of_failing(client: Client) -> None:
    phone = Phone(client, "R0001")
    phone.pull_all()
    count = len(phone.replica)
    phone.cursor = "not-a-cursor"
    page = phone.pull_page(limit=1000)
    assert page["reset"] is True
    phone.pull_all()
    assert len(phone.replica) == count


def test_a_page_is_gzipped_for_a_client_that_accepts_it(client: Client) -> None:
    phone = Phone(client, "D0001")
    sizes = {}
    for accept in ("gzip", "identity"):
        response = client.get(
            "/api/v1/sync/pull",
            headers={**phone.headers, "Accept-Encoding": accept},
            params={"limit": 200},
        )
        assert response.status_code == 200
        assert response.headers.get("content-encoding") == (
            None if accept == "identity" else accept
        )
        assert "accept-encoding" in response.headers["vary"].lower()
        assert len(response.json()["changes"]) == 200  # decoded by the client as sent
        sizes[accept] = response.num_bytes_downloaded
    assert sizes["gzip"] * 3 < sizes["identity"]


def test_rows_read_as_stored_encode_like_the_orm_values(demo_settings: Any) -> None:
    """The first sync reads most columns as stored; every row of every synced type must
    reach the wire exactly as SQLAlchemy's processed values would."""
    import msgspec
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import AsyncSession

    from server.db.engine import make_engine
    from server.domain.sync.synced import SYNCED_TYPES, columns_of, fetch

    async def compare() -> int:
        engine = make_engine(demo_settings.database)
        checked = 0
        try:
            async with AsyncSession(engine) as session:
                for synced in SYNCED_TYPES:
                    table: Any = synced.model.__table__  # type: ignore[attr-defined]
                    processed = {
                        row.id: dict(row._mapping)
                        for row in await session.execute(
                            select(*(c for c in table.columns if c.key not in synced.hidden))
                        )
                    }
                    for entity_id, version, data in await fetch(
                        session, synced, columns_of(synced)
                    ):
                        expected = processed[entity_id]
                        assert version == expected["version"]
                        sent = msgspec.json.encode({k: data[k] for k in expected})
                        assert sent == msgspec.json.encode(expected), (synced.name, entity_id)
                        checked += 1
        finally:
            await engine.dispose()
        return checked

    assert asyncio.run(compare()) > 100


def test_pull_needs_a_device_bound_token(client: Client) -> None:
    response = client.get("/api/v1/sync/pull")
    assert response.status_code == 401


def test_a_cursor_older_than_the_purged_log_is_reset(client: Client, demo_settings: Any) -> None:
    from datetime import timedelta

    from server.db.engine import make_engine, make_session_factory
    from server.db.types import utcnow
    from server.domain.sync.maintenance import purge_changes

    stale, current = Phone(client, "T0001"), Phone(client, "T0001")
    stale.pull_all()
    asset_id = next(iter(stale.of_type("asset")))
    note = current.op("asset.add_note", {"asset_id": asset_id, "text": "purged soon"})
    assert current.results([note])[0]["status"] == "applied"

    async def purge_past_the_note() -> int:
        """Purge until the note's change is gone: on PostgreSQL a transaction still open
        anywhere on the server (another database's included) holds the horizon back."""
        from sqlalchemy import func, select

        from server.db.models import Change

        engine = make_engine(demo_settings.database)
        removed = 0
        try:
            async with make_session_factory(engine)() as session:
                newest = await session.scalar(select(func.max(Change.id)))
            for _ in range(600):
                async with make_session_factory(engine)() as session:
                    removed += await purge_changes(session, utcnow() + timedelta(seconds=1))
                    await session.commit()
                    left = await session.scalar(
                        select(func.count()).select_from(Change).where(Change.id <= newest)
                    )
                if not left:
                    return removed
                await asyncio.sleep(0.1)
            raise AssertionError("the horizon never passed the note")
        finally:
            await engine.dispose()

    assert asyncio.run(purge_past_the_note()) > 0
    page = stale.pull_page()
    assert page["reset"] is True
    stale.pull_all()
    assert "purged soon" in stale.of_type("asset")[asset_id]["notes"]
    current.pull_all()  # a phone starting afresh after the purge is served normally
    assert current.pull_page()["reset"] is False
