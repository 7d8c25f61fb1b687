"""Shifts from clock events and a hand-computed month of a night guard (19:45-06:15)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from server.domain.patrol import attendance as att

POINT = uuid.uuid4()


def at(day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, 11, 1, tzinfo=UTC) + timedelta(days=day - 1, hours=hour, minutes=minute)


def clock(kind: str, when: datetime, point: uuid.UUID | None = POINT) -> att.ClockRow:
    return att.ClockRow(uuid.uuid4(), kind, when, point)


def night(day: int) -> att.Planned:
    return att.Planned(f"2026-11-{day:02d}", at(day, 19, 45), at(day + 1, 6, 15))


def test_a_hand_computed_month() -> None:
    events = [
        clock("in", at(1, 19, 40)),
        clock("out", at(2, 6, 20)),  # on time: 10 h 40
        clock("in", at(2, 20, 5)),
        clock("out", at(3, 6, 15)),  # 20 min late: 10 h 10
        clock("in", at(3, 19, 45)),
        clock("out", at(4, 5, 0)),  # 75 min early: 9 h 15
        clock("in", at(4, 19, 44)),  # never clocked out
        # night 5: absent
    ]
    planned = [night(day) for day in range(1, 6)]
    lines = att.sheet_lines(att.pair_shifts(events), planned, {})
    sums = att.totals(lines)
    assert [line.flags for line in lines] == [
        [],
        ["late_start"],
        ["early_leave"],
        ["missing_clock_out"],
        ["absent"],
    ]
    assert [line.late_minutes for line in lines] == [0, 20, 0, 0, 0]
    assert [line.early_minutes for line in lines] == [0, 0, 75, 0, 0]
    assert sums.hours == round(10 + 40 / 60 + 10 + 10 / 60 + 9.25, 2)
    assert (sums.planned, sums.worked, sums.late_starts, sums.early_leaves) == (5, 4, 1, 1)
    assert (sums.missing_clock_outs, sums.absences) == (1, 1)


def test_unpaired_and_misplaced_clock_events_are_flagged() -> None:
    shifts = att.pair_shifts(
        [
            clock("out", at(1, 6, 0)),
            clock("in", at(1, 19, 45)),
            clock("in", at(1, 20, 0), point=None),
            clock("out", at(2, 6, 15)),
        ]
    )
    assert [shift.flags for shift in shifts] == [
        ["out_without_in"],
        ["missing_clock_out", "second_clock_in"],
        ["not_at_clock_point"],
    ]
    assert shifts[0].hours == 0
    assert shifts[1].hours == 0
    assert shifts[2].hours == 10.25
