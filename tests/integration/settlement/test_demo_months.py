"""The demo hospital's contracts are measured on the month a settlement is worked on (the
month before the current one), through HTTP on both databases and both demo sizes the
tests load: the lift contract from Apex's own work orders (server/db/demo/lift_orders.py),
the guards' attendance from a roster that plans only the nights the demo records (the
settlement month has those nights only when it ended less than a week ago)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from litestar.testing import TestClient

from server.app import create_app
from server.db.demo import DemoSize, load_demo
from server.db.demo.nights import CLOCK_ANOMALY, NIGHTS
from server.db.demo.patrols import TIMEZONE
from server.db.engine import make_engine
from server.settings import DatabaseSettings
from tests.conftest import BASE_URL, api_login, settings_for

pytestmark = pytest.mark.db
MAINTENANCE = (
    "maintenance.response_minutes",
    "maintenance.repair_minutes",
    "maintenance.repeat_faults",
    "maintenance.sla_rate",
)


def _last_month(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


async def _load(url: str, size: DemoSize) -> None:
    engine = make_engine(DatabaseSettings(url=url))
    try:
        await load_demo(engine, size)
    finally:
        await engine.dispose()


def _cards(url: str, tmp_path: Path, months: list[date]) -> dict[tuple[str, str], Any]:
    """(contract code, YYYY-MM) -> the scorecard's indicators by code, as the desk gets them."""
    cards: dict[tuple[str, str], Any] = {}
    with TestClient(create_app(settings_for(url, tmp_path / "state")), base_url=BASE_URL) as client:
        headers = api_login(client, "D0001")
        contracts = client.get("/api/v1/contracts", headers=headers).json()
        for contract in contracts:
            for month in months:
                response = client.get(
                    f"/api/v1/contracts/{contract['id']}/scorecard",
                    params={"month": f"{month:%Y-%m}"},
                    headers=headers,
                )
                assert response.status_code == 200, response.text
                lines = {line["code"]: line for line in response.json()["indicators"]}
                cards[(contract["code"], f"{month:%Y-%m}")] = lines
    return cards


@pytest.mark.parametrize("size", [DemoSize.SMALL, DemoSize.HOSPITAL])
def test_last_month_measures_the_lift_contract_and_the_guards_attendance(
    empty_database_url: str, tmp_path: Path, size: DemoSize
) -> None:
    asyncio.run(_load(empty_database_url, size))
    today = datetime.now(UTC).date()
    last_month = _last_month(today)
    # The months the demo's recorded nights fall in (UTC), with the settlement month.
    night_months = {(today - timedelta(days=ago)).replace(day=1) for ago in range(1, NIGHTS + 1)}
    cards = _cards(empty_database_url, tmp_path, sorted(night_months | {last_month}))

    lifts = cards[("LIFT-2026", f"{last_month:%Y-%m}")]
    for code in MAINTENANCE:
        assert lifts[code]["value"] is not None, f"{code} not measured"
        assert lifts[code]["basis"] > 0, code
    # Planted in the demo month: a lift failing three times in 30 days, two SLA misses.
    assert float(lifts["maintenance.repeat_faults"]["value"]) >= 2
    assert len(lifts["maintenance.sla_rate"]["evidence"]) >= 2
    assert float(lifts["maintenance.sla_rate"]["value"]) < 1

    # The only shift missed is the one the demo plants: the first guard's clock-in claimed
    # for 18:05 (backdated, before the shift's window) two nights ago.
    backdated = datetime.now(UTC).astimezone(ZoneInfo(TIMEZONE)).date() - timedelta(
        days=CLOCK_ANOMALY
    )
    for month in sorted(night_months):
        attendance = cards[("SEC-2026", f"{month:%Y-%m}")]["security.attendance"]
        assert attendance["basis"] > 0, f"{month}: no shift planned"
        missed = [line["label"] for line in attendance["evidence"]]
        assert all(f"{backdated} 19:45 G0001" in label for label in missed), missed
        if month == last_month:
            assert float(attendance["value"]) > 0.8, attendance
