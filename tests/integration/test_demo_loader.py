"""The demo hospital loader: shape, integrity, refusal to load twice, logins that work."""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import SQLModel

from server.db.demo import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DemoSize,
    DemoSummary,
    build_demo_rows,
    demo_present,
    load_demo,
)
from server.db.demo.rows import DemoRows, table_of
from server.db.engine import make_engine
from server.db.models import (
    OPEN_STATUSES,
    Callback,
    LabourLine,
    PartLine,
    RateCardLine,
    Role,
    User,
    WorkOrder,
    WorkOrderEvent,
)
from server.db.models import WorkOrderStatus as S
from server.db.types import utcnow
from server.domain.work.states import MOVES
from server.domain.work.workflow import POOR_RATING, SLA_MINUTES
from server.settings import DatabaseSettings

T = TypeVar("T")
TAG_CODE = re.compile(r"[0-9A-HJKMNP-TV-Z]{10}")


def _with_engine(url: str, body: Callable[[AsyncEngine], Awaitable[T]]) -> T:
    async def run() -> T:
        engine = make_engine(DatabaseSettings(url=url))
        try:
            return await body(engine)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _load(url: str, size: DemoSize) -> DemoSummary:
    return _with_engine(url, lambda engine: load_demo(engine, size))


def _query(url: str, sql: str) -> list[tuple[Any, ...]]:
    async def fetch(engine: AsyncEngine) -> list[tuple[Any, ...]]:
        async with engine.connect() as conn:
            return [tuple(row) for row in await conn.execute(text(sql))]

    return _with_engine(url, fetch)


def _rows(url: str, *models: type[SQLModel]) -> list[list[dict[str, Any]]]:
    """Every row of each model's table, with the columns' types applied (UTC datetimes)."""

    async def fetch(engine: AsyncEngine) -> list[list[dict[str, Any]]]:
        async with engine.connect() as conn:
            return [
                [dict(row) for row in (await conn.execute(select(table_of(m)))).mappings()]
                for m in models
            ]

    return _with_engine(url, fetch)


def _table_counts(url: str, tables: list[str]) -> dict[str, int]:
    async def count(engine: AsyncEngine) -> dict[str, int]:
        async with engine.connect() as conn:
            return {table: await _count(conn, table) for table in tables}

    return _with_engine(url, count)


async def _count(conn: AsyncConnection, table: str) -> int:
    return int(await conn.scalar(text(f"SELECT count(*) FROM {table}")) or 0)  # noqa: S608


def _gtin_is_valid(gtin: str) -> bool:
    if not re.fullmatch(r"\d{14}", gtin):
        return False
    body, check = gtin[:-1], int(gtin[-1])
    weighted = sum(int(digit) * (3 if i % 2 == 0 else 1) for i, digit in enumerate(body[::-1]))
    return (weighted + check) % 10 == 0


@pytest.mark.db
def test_small_demo_has_the_expected_shape(empty_database_url: str) -> None:
    url = empty_database_url
    summary = _load(url, DemoSize.SMALL)

    assert summary.size == "small"
    assert _table_counts(url, list(summary.counts)) == summary.counts
    counts = summary.counts
    assert counts["site"] == 2
    assert counts["team"] == 8
    assert counts["contractor"] == 3
    assert counts["checkpoint"] == 10 + 2  # and a clock point at each site's lodge
    assert counts["route"] == 2
    assert counts["department"] == 8
    assert counts["rate_card"] == 1
    assert counts["store"] == 5  # Main and West Stores, a van for each demo technician
    assert 40 <= counts["location"] <= 80
    assert 150 <= counts["asset"] <= 250
    assert 40 <= counts["item"] <= 60
    # The history (30), the incident of the nights and the lift contractor's orders (9-13).
    assert 35 <= counts["work_order"] <= 50

    assert {code for (code,) in _query(url, "SELECT code FROM department")} >= {"ICU", "RAD"}
    buildings_per_site = dict(
        _query(
            url,
            "SELECT s.code, count(*) FROM building b JOIN site s ON s.id = b.site_id "
            "GROUP BY s.code",
        )
    )
    assert set(buildings_per_site) == {"EAST", "WEST"}
    services = {service for (service,) in _query(url, "SELECT service FROM contractor")}
    assert services == {"security", "cleaning", "lifts"}
    route_services = sorted(
        service
        for (service,) in _query(
            url, "SELECT c.service FROM route r JOIN contractor c ON c.id = r.contractor_id"
        )
    )
    assert route_services == ["cleaning", "security"]

    roles = {role for (role,) in _query(url, "SELECT DISTINCT role FROM user_role")}
    assert roles == {role.value for role in Role}
    employee_nos = {number for (number,) in _query(url, "SELECT employee_no FROM app_user")}
    assert employee_nos == {login.employee_no for login in DEMO_LOGINS}

    open_sites = {
        site
        for site, status in _query(
            url, "SELECT s.code, w.status FROM work_order w JOIN site s ON s.id = w.site_id"
        )
        if status in OPEN_STATUSES
    }
    assert open_sites == {"EAST", "WEST"}


@pytest.mark.db
def test_small_demo_is_consistent(empty_database_url: str) -> None:
    url = empty_database_url
    _load(url, DemoSize.SMALL)

    misplaced_assets = _query(
        url,
        "SELECT a.id FROM asset a LEFT JOIN location l ON l.id = a.location_id "
        "WHERE l.id IS NULL OR l.site_id <> a.site_id",
    )
    assert misplaced_assets == []
    misplaced_locations = _query(
        url,
        "SELECT l.id FROM location l JOIN building b ON b.id = l.building_id "
        "WHERE b.site_id <> l.site_id",
    )
    assert misplaced_locations == []
    orphan_rooms = _query(
        url,
        "SELECT r.id FROM location r LEFT JOIN location w ON w.id = r.parent_id "
        "WHERE r.kind = 'room' AND (w.id IS NULL OR w.kind <> 'ward' "
        "OR w.building_id <> r.building_id OR w.department_id <> r.department_id)",
    )
    assert orphan_rooms == []

    stops: dict[Any, list[tuple[int, int]]] = defaultdict(list)
    for route_id, position, due in _query(
        url, "SELECT route_id, position, due_within_minutes FROM route_checkpoint"
    ):
        stops[route_id].append((position, due))
    assert len(stops) == 2
    for route_stops in stops.values():
        route_stops.sort()
        assert [position for position, _ in route_stops] == list(range(len(route_stops)))
        dues = [due for _, due in route_stops]
        assert dues == sorted(set(dues))

    gtins = [gtin for (gtin,) in _query(url, "SELECT gtin FROM item_gtin")]
    assert gtins
    assert [gtin for gtin in gtins if not _gtin_is_valid(gtin)] == []

    tag_codes = [code for (code,) in _query(url, "SELECT tag_code FROM asset")]
    assert len(set(tag_codes)) == len(tag_codes)
    assert [code for code in tag_codes if not TAG_CODE.fullmatch(code)] == []

    payloads = [payload for (payload,) in _query(url, "SELECT qr_payload FROM checkpoint")]
    assert len(set(payloads)) == len(payloads)
    assert all(payload.startswith("CP-") for payload in payloads)


@pytest.mark.db
def test_loading_into_a_database_with_sites_is_refused(empty_database_url: str) -> None:
    async def load_twice(engine: AsyncEngine) -> tuple[bool, bool]:
        before = await demo_present(engine)
        await load_demo(engine, DemoSize.SMALL)
        after = await demo_present(engine)
        with pytest.raises(ValueError, match="already holds sites"):
            await load_demo(engine, DemoSize.SMALL)
        return before, after

    assert _with_engine(empty_database_url, load_twice) == (False, True)
    assert _query(empty_database_url, "SELECT count(*) FROM site") == [(2,)]


@pytest.mark.db
def test_the_demo_password_opens_every_demo_login(empty_database_url: str) -> None:
    _load(empty_database_url, DemoSize.SMALL)
    hashes = dict(_query(empty_database_url, "SELECT employee_no, password_hash FROM app_user"))
    assert len(set(hashes.values())) == 1, "hashed once for every demo user"
    assert PasswordHasher().verify(hashes["T0001"], DEMO_PASSWORD)


@pytest.mark.db
def test_hospital_demo_is_hospital_sized(empty_database_url: str) -> None:
    counts = _load(empty_database_url, DemoSize.HOSPITAL).counts

    assert 4_500 <= counts["asset"] <= 5_500
    assert 1_800 <= counts["location"] <= 2_200
    assert counts["department"] == 30
    assert counts["checkpoint"] == 40 + 2
    assert counts["route"] == 4
    assert 10 <= counts["building"] <= 14
    assert 250 <= counts["work_order"] <= 350
    statuses = _query(empty_database_url, "SELECT status FROM work_order")
    open_orders = sum(1 for (status,) in statuses if status in OPEN_STATUSES)
    assert 30 <= open_orders <= 50

    tally = _check_history(empty_database_url)
    assert tally["closed"] >= 100
    assert 0 < tally["response_breached"] < tally["closed"] / 2, "mostly on time, some late"
    assert tally["poor"] >= 3
    assert tally["callbacks"] == tally["poor"]
    assert tally["parts"] >= 30


# The loop's times in order, and how deep along them each status is.
LOOP_TIMES = ("dispatched_at", "arrived_at", "completed_at", "confirmed_at", "closed_at")
DEPTH = {
    S.REPORTED: 0,
    S.DISPATCHED: 1,
    S.ACCEPTED_BY_TEAM: 1,
    S.ACCEPTED: 1,
    S.IN_PROGRESS: 2,
    S.ON_HOLD: 2,
    S.COMPLETED: 3,
    S.CONFIRMED: 4,
    S.CLOSED: 5,
}
# The event that records each of the loop's times.
TIME_OF_EVENT = {
    "dispatch": "dispatched_at",
    "start": "arrived_at",
    "complete": "completed_at",
    "confirm": "confirmed_at",
    "rate": "closed_at",
}


def _check_history(url: str) -> dict[str, int]:  # noqa: PLR0912
    """Every demo work order is one the workflow could have produced; returns tallies."""
    orders, events, labour, parts, callbacks, rates, users = _rows(
        url, WorkOrder, WorkOrderEvent, LabourLine, PartLine, Callback, RateCardLine, User
    )
    now = utcnow()
    employee_no = {user["id"]: user["employee_no"] for user in users}
    events_of: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        events_of[event["work_order_id"]].append(event)
    callbacks_of = {callback["work_order_id"] for callback in callbacks}
    labour_of = {line["work_order_id"] for line in labour}
    tally: dict[str, int] = defaultdict(int)
    for order in orders:
        number, status = order["number"], S(order["status"])
        tally[status.value] += 1
        times = [order["reported_at"]] + [order[name] for name in LOOP_TIMES]
        present = [time for time in times if time is not None]
        assert present == sorted(present), f"{number}: times out of loop order"
        assert all(time <= now for time in present), f"{number}: a time in the future"
        reached = [order[name] is not None for name in LOOP_TIMES]
        depth = sum(reached)
        assert reached == [True] * depth + [False] * (5 - depth), f"{number}: a node skipped"
        if status is S.CANCELLED:
            assert depth <= 1, f"{number}: cancelled after assignment"
            assert order["assignee_id"] is None, number
        else:
            assert depth == DEPTH[status], f"{number}: {status} with {depth} of the loop's times"
            assigned = status not in {S.REPORTED, S.DISPATCHED}
            assert (order["assignee_id"] is not None) == assigned, number
        respond, resolve = SLA_MINUTES[order["priority"]]
        assert order["resolution_due_at"] == order["reported_at"] + timedelta(minutes=resolve)
        if order["dispatched_at"] is None:
            assert order["response_due_at"] is None, number
        else:
            due = order["dispatched_at"] + timedelta(minutes=respond)
            assert order["response_due_at"] == due, number
            arrived = order["arrived_at"]
            if arrived is not None:
                assert order["response_breached"] == (arrived > due), f"{number}: response flag"
            elif status in OPEN_STATUSES:
                assert order["response_breached"] == (due < now), f"{number}: response flag"
        completed = order["completed_at"]
        if completed is not None:
            late = completed > order["resolution_due_at"]
            assert order["resolution_breached"] == late, f"{number}: resolution flag"
        elif status in OPEN_STATUSES and order["resolution_due_at"] < now:
            assert order["resolution_breached"], f"{number}: overdue but not flagged"
        tally["response_breached"] += order["response_breached"]
        if status is S.CLOSED:
            assert order["rating"] in range(1, 6), f"{number}: closed without a rating"
            assert order["fixed"] is not None, number
        else:
            assert order["rating"] is None, number
        if order["rating"] is not None and (order["rating"] <= POOR_RATING or not order["fixed"]):
            assert order["id"] in callbacks_of, f"{number}: a poor rating with no callback"
            tally["poor"] += 1
        if depth >= 3:
            assert order["resolution"], f"{number}: completed with no resolution"
            assert order["id"] in labour_of, f"{number}: completed with no labour"
        if order["confirmed_by_id"] is not None:
            assert employee_no[order["confirmed_by_id"]] in {"R0001", "R0002"}, number
        # Replaying the order's events through the state machine ends at its status.
        history = sorted(
            events_of[order["id"]],
            key=lambda event: (event["received_at"], event["from_status"] is not None),
        )
        assert history[0]["action"] in {"report", "schedule"}, number
        assert history[0]["received_at"] == order["reported_at"], number
        replayed = S.REPORTED
        for event in history:
            assert event["claimed_at"] == event["received_at"] <= now, number
            action = event["action"]
            if action in TIME_OF_EVENT:
                assert event["received_at"] == order[TIME_OF_EVENT[action]], f"{number}: {action}"
            if action not in MOVES:
                continue
            move = MOVES[action]
            assert replayed in move.allowed_from, f"{number}: {action} when {replayed}"
            assert event["from_status"] == replayed.value, f"{number}: {action}"
            replayed = move.to or replayed
            assert event["to_status"] == replayed.value, f"{number}: {action}"
            if action in {"accept", "start", "hold", "complete", "log_labour", "add_part"}:
                assert event["actor_id"] == order["assignee_id"], f"{number}: {action} actor"
        assert replayed is status, f"{number}: events end at {replayed}, order is {status}"
    rate_of = {(line["trade"], line["grade"]): line["hourly_rate_cents"] for line in rates}
    for line in labour:
        rate = rate_of[(line["trade"], line["grade"])]
        assert line["hourly_rate_cents"] == rate
        assert line["cost_cents"] == round(rate * line["minutes"] / 60)
        assert employee_no[line["technician_id"]] in {
            "T0001",
            "T0002",
            "T0003",
            "T0004",
            "L0001",
            "L0002",
        }
    for line in parts:
        assert line["cost_cents"] == line["unit_cost_cents"] * line["quantity"]
    for callback in callbacks:
        assert callback["status"] in {"open", "done"}
        assert (callback["status"] == "done") == (callback["called_at"] is not None)
    tally.update(labour=len(labour), parts=len(parts), callbacks=len(callbacks))
    return dict(tally)


@pytest.mark.db
def test_small_demo_history_is_one_the_workflow_could_have_made(empty_database_url: str) -> None:
    _load(empty_database_url, DemoSize.SMALL)
    tally = _check_history(empty_database_url)

    assert tally["closed"] >= 5
    assert tally["labour"] >= 10
    assert tally["parts"] >= 1


def test_a_size_always_builds_the_same_hospital_but_fresh_tag_codes() -> None:
    first, second = build_demo_rows(DemoSize.SMALL), build_demo_rows(DemoSize.SMALL)

    def column(rows: DemoRows, table: str, name: str) -> list[Any]:
        by_name = {table.name: table_rows for table, table_rows in rows.by_table.items()}
        return [row[name] for row in by_name[table]]

    for table, name in [("location", "name"), ("asset", "serial"), ("item", "name")]:
        assert column(first, table, name) == column(second, table, name)
    for name in ["number", "status", "priority", "description", "resolution", "rating"]:
        assert column(first, "work_order", name) == column(second, "work_order", name)
    for name in ["reported_at", "arrived_at", "closed_at"]:  # the same, relative to the load
        ages = [
            [None if time is None else rows.now - time for time in column(rows, "work_order", name)]
            for rows in (first, second)
        ]
        assert ages[0] == ages[1]
    assert column(first, "labour_line", "cost_cents") == column(second, "labour_line", "cost_cents")
    assert column(first, "asset", "tag_code") != column(second, "asset", "tag_code")
