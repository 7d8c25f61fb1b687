"""The attendance sheet in the site's local time, on both databases: a night shift across
the night the clocks go forward (London, 29 March 2026: 01:00 GMT becomes 02:00 BST) shows
the wall-clock times and counts the hours that really passed, on the page, in the CSV and
in the XLSX read back with openpyxl."""

from __future__ import annotations

import io
import re
import uuid
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from server.db import models as db
from server.db.demo import DEMO_PASSWORD
from server.domain.accounts.passwords import hash_password
from server.settings import Settings
from tests.integration.console_client import Client, page_text
from tests.integration.patrol.desk_rows import user, write
from tests.integration.stock.builders import csv_sections, desk

pytestmark = pytest.mark.db
PAGE = "/desk/patrol/verification/attendance"
LONDON = ZoneInfo("Europe/London")
ZONE = "Europe/London"  # the demo hospital's sites
MONTH = "2026-03"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON).astimezone(UTC)


def _guard_with_two_nights(settings: Settings) -> db.User:
    """A guard of M0001's contractor rostered 22:00-06:00 on 27 and 28 March 2026. The first
    night is 8 h long; the second loses an hour to the clock change, so it is 7 h."""
    manager = user(settings, "M0001")
    tag = uuid.uuid4().hex[:6].upper()
    guard = db.User(
        employee_no=f"GT{tag}",
        name=f"Night Guard {tag}",
        password_hash=hash_password(DEMO_PASSWORD),
        contractor_id=manager.contractor_id,
    )
    write(settings, guard)
    nights = (date(2026, 3, 27), date(2026, 3, 28))
    plans = [
        db.PlannedShift(
            user_id=guard.id,
            contractor_id=guard.contractor_id,
            day=night,
            starts_at=_at(night, 22),
            ends_at=_at(date(2026, 3, night.day + 1), 6),
        )
        for night in nights
    ]
    clock = [
        (db.ClockKind.IN, _at(nights[0], 21, 55)),
        (db.ClockKind.OUT, _at(date(2026, 3, 28), 6)),
        (db.ClockKind.IN, _at(nights[1], 21, 58)),  # 21:58 GMT
        (db.ClockKind.OUT, _at(date(2026, 3, 29), 6, 3)),  # 06:03 BST, 7 h 05 min later
    ]
    events = [
        db.ClockEvent(
            user_id=guard.id,
            contractor_id=guard.contractor_id,
            kind=kind,
            payload="CP-CLOCK",
            method=db.ScanMethod.QR,
            claimed_at=at,
            received_at=at,
        )
        for kind, at in clock
    ]
    write(settings, db.UserRole(user_id=guard.id, role=db.Role.GUARD), *plans, *events)
    return guard


def _cells(row: str) -> dict[str, str]:
    return {
        name: page_text(text).strip()
        for name, text in re.findall(r'data-col="(\w+)"[^>]*>(.*?)</td>', row, re.S)
    }


def test_a_night_across_spring_forward_reads_in_local_time_with_the_hours_passed(
    client: Client, demo_settings: Settings
) -> None:
    guard = _guard_with_two_nights(demo_settings)
    desk(client, "D0001")
    params = {"guard_id": str(guard.id), "month": MONTH}

    page = client.get(PAGE, params=params)
    assert page.status_code == 200, page.text
    assert f'data-time-zone="{ZONE}"' in page.text
    shifts = re.findall(r"<tr data-shift=.*?</tr>", page.text, re.S)
    assert len(shifts) == 2
    before, across = _cells(shifts[0]), _cells(shifts[1])
    assert (before["clock_in"], before["clock_out"]) == (
        "2026-03-27 21:55 GMT",
        "2026-03-28 06:00 GMT",
    )
    assert before["hours"] == "8.08"
    assert across["day"] == "2026-03-28"
    assert across["planned_start"] == "2026-03-28 22:00 GMT"
    assert across["planned_end"] == "2026-03-29 06:00 BST"
    assert (across["clock_in"], across["clock_out"]) == (
        "2026-03-28 21:58 GMT",
        "2026-03-29 06:03 BST",
    )
    assert across["hours"] == "7.08"  # not 8.08, as the wall clocks would say
    assert across["late_minutes"] == across["early_minutes"] == "0"
    summary = re.search(rf'data-guard="{guard.employee_no}".*?</tr>', page.text, re.S)
    assert summary
    assert 'data-col="hours">15.17<' in summary.group(0)

    csv = client.get(PAGE, params={**params, "format": "csv"})
    assert csv.status_code == 200
    lines = csv_sections(csv.text)["shifts"]
    assert [line[f"clock_in ({ZONE})"] for line in lines] == [
        "2026-03-27T21:55+00:00",
        "2026-03-28T21:58+00:00",
    ]
    assert [line[f"clock_out ({ZONE})"] for line in lines] == [
        "2026-03-28T06:00+00:00",
        "2026-03-29T06:03+01:00",
    ]
    assert lines[1][f"planned_end ({ZONE})"] == "2026-03-29T06:00+01:00"
    assert [line["hours"] for line in lines] == ["8.08", "7.08"]
    assert csv_sections(csv.text)["attendance"][0]["hours"] == "15.17"

    xlsx = client.get(PAGE, params={**params, "format": "xlsx"})
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    rows = list(book["shifts"].iter_rows(values_only=True))
    header = rows[0]
    assert f"clock_in ({ZONE})" in header
    assert f"clock_out ({ZONE})" in header
    mine = [dict(zip(header, r, strict=True)) for r in rows[1:] if r[0] == guard.employee_no]
    assert [r[f"clock_out ({ZONE})"] for r in mine] == [
        "2026-03-28T06:00+00:00",
        "2026-03-29T06:03+01:00",
    ]
    assert [r["hours"] for r in mine] == [8.08, 7.08]
    totals = {r[0]: r for r in book["attendance"].iter_rows(values_only=True)}
    assert totals[guard.employee_no][4] == 15.17
