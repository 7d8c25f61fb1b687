"""The expected rounds of a day and a round with its scans, read through HTTP from the demo
nights (server/db/demo/nights.py): six nights ago the 02:00 round of the East Campus Night
Patrol was missed; five nights ago its 22:00 round reached the last stop late."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlmodel import col

from server.db import models as db
from server.settings import Settings
from tests.conftest import api_login
from tests.integration.patrol.builders import rows

Client = TestClient[Litestar]
pytestmark = pytest.mark.db
NIGHT_PATROL = "SEC-EAST-01"
LONDON = ZoneInfo("Europe/London")


def _days_ago(days: int) -> date:
    return datetime.now(UTC).astimezone(LONDON).date() - timedelta(days=days)


def _get(client: Client, who: str, path: str, **params: Any) -> Any:
    response = client.get(path, headers=api_login(client, who), params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _night_patrol(client: Client, who: str, day: date) -> dict[str, dict[str, Any]]:
    """The night patrol's expected rounds of a local date, by local start time (HH:MM)."""
    found = _get(client, who, "/api/v1/patrol/expected", date=day.isoformat())
    return {
        datetime.fromisoformat(row["window_start"]).astimezone(LONDON).strftime("%H:%M"): row
        for row in found
        if row["route_code"] == NIGHT_PATROL
    }


def test_a_day_shows_the_missed_round_and_the_late_one(client: Client) -> None:
    day = _night_patrol(client, "M0001", _days_ago(5))

    assert sorted(day) == ["00:00", "02:00", "04:00", "06:00", "20:00", "22:00"]
    missed, late = day["02:00"], day["22:00"]
    assert missed["status"] == "missed"
    assert missed["round_id"] is None
    assert missed["stops_missed"] == missed["stops_due"] >= 5
    assert late["status"] == "partial"
    assert (late["stops_late"], late["stops_missed"]) == (1, 0)
    assert late["stops_on_time"] == late["stops_due"] - 1
    assert day["04:00"]["status"] == "completed"
    assert datetime.fromisoformat(missed["window_end"]) - datetime.fromisoformat(
        missed["window_start"]
    ) == timedelta(minutes=15)


def test_a_round_shows_its_scans_outcomes_and_the_ops_behind_them(
    client: Client, demo_settings: Settings
) -> None:
    late = _night_patrol(client, "G0001", _days_ago(5))["22:00"]

    walked = _get(client, "G0001", f"/api/v1/patrol/rounds/{late['round_id']}")

    assert walked["expected_round_id"] == late["id"]
    assert walked["status"] == "ended"
    outcomes = [scan["outcome"] for scan in walked["scans"]]
    assert outcomes == ["on_time"] * (late["stops_due"] - 1) + ["late"]
    ops = {
        op.op_id: op
        for op in rows(demo_settings, db.SyncOp, col(db.SyncOp.name).startswith("patrol."))
    }
    for scan in walked["scans"]:
        op = ops[uuid.UUID(scan["op_id"])]
        assert scan["op_hash"] == op.op_hash
        assert op.chain_ok
    start = ops[uuid.UUID(walked["start_op_id"])]
    assert (start.name, start.op_hash) == ("patrol.start_round", walked["start_op_hash"])


def test_a_typed_checkpoint_shows_its_reason(client: Client) -> None:
    typed = _night_patrol(client, "S0001", _days_ago(2))["04:00"]

    walked = _get(client, "S0001", f"/api/v1/patrol/rounds/{typed['round_id']}")

    manual = [scan for scan in walked["scans"] if scan["method"] == "manual"]
    assert len(manual) == 1
    assert manual[0]["manual_reason"]
    assert manual[0]["payload"] == manual[0]["checkpoint_code"]
    assert typed["status"] == "completed", "a typed stop on time is on time, and flagged"


def test_a_round_outside_the_callers_scope_is_not_found(client: Client) -> None:
    late = _night_patrol(client, "G0001", _days_ago(5))["22:00"]
    path = f"/api/v1/patrol/rounds/{late['round_id']}"

    for who in ("C0001", "M0002"):
        response = client.get(path, headers=api_login(client, who))
        assert response.status_code == 404, who
        assert response.json()["code"] == "not_found"
    nowhere = client.get(
        f"/api/v1/patrol/rounds/{uuid.uuid4()}", headers=api_login(client, "A0001")
    )
    assert nowhere.status_code == 404


def test_a_date_that_is_not_one_is_refused(client: Client) -> None:
    response = client.get(
        "/api/v1/patrol/expected", params={"date": "31/12/2026"}, headers=api_login(client, "S0001")
    )

    assert response.status_code == 400
