"""The demo contractor's verification report shows exactly what the demo plants, on both
databases and both demo sizes the tests can load: the checkpoint typed in with a reason
and the backdated clock-in (server/db/demo/nights.py), and nothing its honest walks did,
printed by `rounds patrol verify` as the desk would read it."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlmodel import col

from server.cli import main
from server.db.demo import DemoSize, load_demo
from server.db.demo.names import SECURITY_CONTRACTOR
from server.db.demo.nights import NIGHTS
from server.db.demo.patrols import TIMEZONE
from server.db.engine import make_engine, make_session_factory
from server.db.models import Contractor
from server.domain.patrol import reports
from server.domain.patrol.report_text import operator
from server.domain.patrol.verification import Thresholds
from server.settings import DatabaseSettings

pytestmark = pytest.mark.db
PLANTED = {"manual_entry": 1, "backdated_clock_in": 1}


def _months() -> list[date]:
    """The local months the demo's nights (and today) fall in."""
    today = datetime.now(UTC).astimezone(ZoneInfo(TIMEZONE)).date()
    days = [today - timedelta(days=ago) for ago in range(NIGHTS + 1)]
    return sorted({day.replace(day=1) for day in days})


async def _findings(url: str, size: DemoSize) -> Counter[str]:
    engine = make_engine(DatabaseSettings(url=url))
    try:
        await load_demo(engine, size)
        counts: Counter[str] = Counter()
        async with make_session_factory(engine)() as session:
            contractor = await session.scalar(
                select(col(Contractor.id)).where(col(Contractor.code) == SECURITY_CONTRACTOR)
            )
            assert contractor is not None
            for month in _months():
                report = await reports.contractor_report(
                    session, operator(), contractor, month, Thresholds()
                )
                counts.update(report.counts)
        return counts
    finally:
        await engine.dispose()


@pytest.mark.parametrize("size", [DemoSize.SMALL, DemoSize.HOSPITAL])
def test_the_demo_report_holds_only_the_planted_anomalies(
    empty_database_url: str, size: DemoSize
) -> None:
    assert asyncio.run(_findings(empty_database_url, size)) == PLANTED


def test_rounds_patrol_verify_prints_the_month(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(_findings(empty_database_url, DemoSize.SMALL))
    monkeypatch.setenv("ROUNDS_DATABASE_URL", empty_database_url)
    printed = ""
    for month in _months():
        assert (
            main(
                [
                    "patrol",
                    "verify",
                    "--contractor",
                    SECURITY_CONTRACTOR,
                    "--month",
                    month.strftime("%Y-%m"),
                ]
            )
            == 0
        )
        printed += capsys.readouterr().out
    assert "Verification report: Sentinel Security Services" in printed
    assert printed.count("  backdated_clock_in: Clock-in claimed 100 min before") == 1
    assert printed.count("manual_entry: Typed in, not scanned: QR label torn off") == 1
    assert "G0001 " in printed
    assert "G0002 " in printed

    assert main(["patrol", "verify", "--contractor", "NOBODY", "--month", "2026-01"]) == 2
    assert "No contractor with the code NOBODY" in capsys.readouterr().err
    assert main(["patrol", "verify", "--contractor", "SENTINEL", "--month", "May"]) == 2
    assert "YYYY-MM" in capsys.readouterr().err
