"""Data scoping: by site, team, department and contractor, decided in one policy module."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from tests.conftest import api_login

Client = TestClient[Litestar]


def _get(client: Client, who: str, path: str, **params: Any) -> Any:
    response = client.get(path, headers=api_login(client, who), params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _ids(rows: list[dict[str, Any]], key: str = "id") -> set[str]:
    return {row[key] for row in rows}


def _by_code(client: Client, path: str) -> dict[str, dict[str, Any]]:
    return {row["code"]: row for row in _get(client, "A0001", path)}


def test_a_guard_never_sees_another_contractors_routes_or_checkpoints(client: Client) -> None:
    contractors = {
        row["service"]: row["id"] for row in _get(client, "A0001", "/api/v1/contractors")
    }
    all_routes = _get(client, "A0001", "/api/v1/routes")
    cleaning_routes = [r for r in all_routes if r["contractor_id"] == contractors["cleaning"]]
    assert cleaning_routes, "the demo has a cleaning round"

    guard_routes = _get(client, "G0001", "/api/v1/routes")
    assert guard_routes
    assert {r["contractor_id"] for r in guard_routes} == {contractors["security"]}

    guard_checkpoints = _ids(_get(client, "G0001", "/api/v1/checkpoints"))
    on_guard_routes = {s["checkpoint_id"] for r in guard_routes for s in r["stops"]}
    assert guard_checkpoints == on_guard_routes

    cleaner_routes = _get(client, "C0001", "/api/v1/routes")
    assert _ids(cleaner_routes) == _ids(cleaning_routes)
    manager_routes = _get(client, "M0002", "/api/v1/routes")
    assert _ids(manager_routes) == _ids(cleaning_routes)


def test_contractor_staff_see_only_their_own_company(client: Client) -> None:
    seen = _get(client, "G0001", "/api/v1/contractors")
    assert [row["service"] for row in seen] == ["security"]
    assert len(_get(client, "D0001", "/api/v1/contractors")) == 3


def test_a_site_bound_technician_sees_only_that_campus(client: Client) -> None:
    sites = _by_code(client, "/api/v1/sites")
    west, east = sites["WEST"]["id"], sites["EAST"]["id"]
    assert [s["code"] for s in _get(client, "T0003", "/api/v1/sites")] == ["WEST"]

    assets = _get(client, "T0003", "/api/v1/assets", limit=200)
    assert assets["total"] > 0
    assert {a["site_id"] for a in assets["items"]} == {west}
    locations = _get(client, "T0003", "/api/v1/locations", limit=200)
    assert {loc["site_id"] for loc in locations["items"]} == {west}

    east_asset = _get(client, "A0001", "/api/v1/assets", site_id=east, limit=1)["items"][0]
    response = client.get(f"/api/v1/assets/{east_asset['id']}", headers=api_login(client, "T0003"))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    # Asking for the other campus by filter gives nothing rather than widening the scope.
    assert _get(client, "T0003", "/api/v1/assets", site_id=east)["total"] == 0


def test_a_requester_sees_their_departments_assets_and_requests(client: Client) -> None:
    departments = _by_code(client, "/api/v1/departments")
    me = _get(client, "R0001", "/api/v1/auth/me")
    icu = me["department_id"]
    assert departments["ICU"]["id"] == icu

    assets = _get(client, "R0001", "/api/v1/assets", limit=200)
    assert assets["total"] > 0
    assert {a["department_id"] for a in assets["items"]} == {icu}

    orders = _get(client, "R0001", "/api/v1/work-orders", limit=200)
    everyone = _get(client, "D0001", "/api/v1/work-orders", limit=200)
    assert orders["total"] > 0
    assert {o["department_id"] for o in orders["items"]} == {icu}
    assert orders["total"] == sum(1 for o in everyone["items"] if o["department_id"] == icu)

    other = _get(client, "R0002", "/api/v1/work-orders", limit=200)
    assert not _ids(other["items"]) & _ids(orders["items"])


def test_a_lift_contractor_manager_sees_the_assets_it_maintains(client: Client) -> None:
    lifts = next(c for c in _get(client, "A0001", "/api/v1/contractors") if c["service"] == "lifts")
    assets = _get(client, "M0003", "/api/v1/assets", limit=200)
    assert assets["total"] > 0
    assert {a["contractor_id"] for a in assets["items"]} == {lifts["id"]}


def test_team_leads_and_contractor_managers_see_their_own_people(client: Client) -> None:
    teams = _by_code(client, "/api/v1/teams")
    lead = _get(client, "L0001", "/api/v1/auth/me")
    people = _get(client, "L0001", "/api/v1/people", limit=200)["items"]
    assert people
    electrical = next(t for t in teams.values() if t["id"] == lead["team_id"])
    assert {p["team"] for p in people} == {electrical["name"]}

    security_people = _get(client, "M0001", "/api/v1/people", limit=200)["items"]
    assert {p["employee_no"] for p in security_people} >= {"G0001", "G0002", "M0001"}
    assert "C0001" not in {p["employee_no"] for p in security_people}
    assert len({p["contractor"] for p in security_people}) == 1


def test_technicians_see_their_teams_work_orders(client: Client) -> None:
    me = _get(client, "T0001", "/api/v1/auth/me")
    orders = _get(client, "T0001", "/api/v1/work-orders", limit=200)["items"]
    assert {o["team_id"] for o in orders} <= {me["team_id"]}
