"""Times on a site's wall clock in the console's sheets, and shift hours as elapsed time,
on the nights the clocks change (London: forward 29 March 2026, back 25 October 2026)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from server.console.sheets import LocalTime, local_time
from server.domain.patrol.attendance import ClockRow, pair_shifts

LONDON = ZoneInfo("Europe/London")


def _row(kind: str, at: datetime) -> ClockRow:
    return ClockRow(uuid.uuid4(), kind, at, uuid.uuid4())


def test_the_hour_that_happens_twice_reads_apart() -> None:
    first = LocalTime(datetime(2026, 10, 25, 0, 30, tzinfo=UTC), LONDON)
    second = LocalTime(datetime(2026, 10, 25, 1, 30, tzinfo=UTC), LONDON)
    assert (first.shown(), second.shown()) == ("2026-10-25 01:30 BST", "2026-10-25 01:30 GMT")
    assert (first.raw(), second.raw()) == ("2026-10-25T01:30+01:00", "2026-10-25T01:30+00:00")
    assert local_time(None, LONDON) is None


def test_night_shifts_count_the_hours_that_passed() -> None:
    forward = pair_shifts(
        [
            _row("in", datetime(2026, 3, 28, 22, tzinfo=UTC)),  # 22:00 GMT
            _row("out", datetime(2026, 3, 29, 5, tzinfo=UTC)),  # 06:00 BST
        ]
    )
    back = pair_shifts(
        [
            _row("in", datetime(2026, 10, 24, 21, tzinfo=UTC)),  # 22:00 BST
            _row("out", datetime(2026, 10, 25, 6, tzinfo=UTC)),  # 06:00 GMT
        ]
    )
    assert [s.hours for s in forward + back] == [7.0, 9.0]
