"""Attendance: shifts paired from clock events, judged against the planned shifts.

A clock-in opens a shift and the next clock-out closes it. What does not pair is kept and
flagged, never guessed: a clock-in followed by another clock-in leaves the first shift
with a missing clock-out (`second_clock_in`), a clock-out with no open shift is
`out_without_in`, and a clock event whose scan named no clock point is
`not_at_clock_point`. Manual entries are flagged with their reason. A worked shift counts
for the planned shift it overlaps most; starting later than the planned start plus the
grace is a late start, leaving earlier than the planned end minus the grace an early
leave. Hours are counted for shifts with both ends only.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

GRACE = timedelta(minutes=5)


@dataclass(frozen=True)
class ClockRow:
    id: uuid.UUID
    kind: str  # in | out
    at: datetime
    checkpoint_id: uuid.UUID | None
    method: str = "qr"
    manual_reason: str = ""
    op_hash: str = ""


@dataclass(frozen=True)
class Planned:
    day: str  # the local date the shift starts on, ISO
    start: datetime
    end: datetime


@dataclass
class Shift:
    clock_in: ClockRow | None
    clock_out: ClockRow | None
    flags: list[str] = field(default_factory=list)

    @property
    def start(self) -> datetime:
        edge = self.clock_in or self.clock_out
        assert edge is not None
        return edge.at

    @property
    def hours(self) -> float:
        if self.clock_in is None or self.clock_out is None:
            return 0.0
        return (self.clock_out.at - self.clock_in.at).total_seconds() / 3600


def _event_flags(event: ClockRow) -> list[str]:
    flags = [] if event.checkpoint_id is not None else ["not_at_clock_point"]
    return flags + (["manual"] if event.method == "manual" else [])


def pair_shifts(events: Sequence[ClockRow]) -> list[Shift]:
    """In -> out pairs in time order; what does not pair is a shift with one end, flagged."""
    shifts: list[Shift] = []
    open_shift: Shift | None = None
    for event in sorted(events, key=lambda e: (e.at, e.kind != "in")):
        if event.kind == "in":
            if open_shift is not None:
                open_shift.flags += ["missing_clock_out", "second_clock_in"]
            open_shift = Shift(event, None, _event_flags(event))
            shifts.append(open_shift)
        elif open_shift is not None:
            open_shift.clock_out = event
            open_shift.flags += _event_flags(event)
            open_shift = None
        else:
            shifts.append(Shift(None, event, ["out_without_in", *_event_flags(event)]))
    if open_shift is not None:
        open_shift.flags.append("missing_clock_out")
    return shifts


@dataclass
class SheetLine:
    """One planned shift (or one unplanned worked shift) of a guard."""

    day: str
    planned: Planned | None
    shift: Shift | None
    late_minutes: int = 0
    early_minutes: int = 0
    flags: list[str] = field(default_factory=list)

    @property
    def hours(self) -> float:
        return self.shift.hours if self.shift else 0.0


def _overlap(shift: Shift, planned: Planned) -> float:
    begin = shift.clock_in.at if shift.clock_in else planned.start
    end = shift.clock_out.at if shift.clock_out else planned.end
    if shift.clock_in is None and shift.clock_out is not None:
        begin = min(planned.start, shift.clock_out.at)
    latest_start, earliest_end = max(begin, planned.start), min(end, planned.end)
    return (earliest_end - latest_start).total_seconds()


def sheet_lines(
    shifts: Sequence[Shift], planned: Sequence[Planned], day_of: dict[uuid.UUID, str]
) -> list[SheetLine]:
    """Match each planned shift with the worked shift that overlaps it most; worked
    shifts that match none are listed as unplanned. `day_of` gives the local date of a
    clock event (for unplanned shifts)."""
    lines: list[SheetLine] = []
    unmatched = list(shifts)
    for plan in sorted(planned, key=lambda p: p.start):
        best = max(unmatched, key=lambda s: _overlap(s, plan), default=None)
        if best is None or _overlap(best, plan) <= 0:
            lines.append(SheetLine(plan.day, plan, None, flags=["absent"]))
            continue
        unmatched.remove(best)
        line = SheetLine(plan.day, plan, best, flags=list(best.flags))
        if best.clock_in is not None and best.clock_in.at > plan.start + GRACE:
            line.late_minutes = int((best.clock_in.at - plan.start).total_seconds() // 60)
            line.flags.append("late_start")
        if best.clock_out is not None and best.clock_out.at < plan.end - GRACE:
            line.early_minutes = int((plan.end - best.clock_out.at).total_seconds() // 60)
            line.flags.append("early_leave")
        lines.append(line)
    for shift in unmatched:
        edge = shift.clock_in or shift.clock_out
        assert edge is not None
        flags = [*shift.flags, "unplanned"]
        lines.append(SheetLine(day_of.get(edge.id, ""), None, shift, flags=flags))
    return sorted(lines, key=_line_key)


def _line_key(line: SheetLine) -> tuple[str, datetime]:
    if line.shift is not None:
        return line.day, line.shift.start
    assert line.planned is not None
    return line.day, line.planned.start


@dataclass(frozen=True)
class Totals:
    planned: int
    worked: int
    hours: float
    late_starts: int
    early_leaves: int
    missing_clock_outs: int
    absences: int
    flagged: int


def totals(lines: Sequence[SheetLine]) -> Totals:
    return Totals(
        planned=sum(1 for line in lines if line.planned is not None),
        worked=sum(1 for line in lines if line.shift is not None),
        hours=round(sum(line.hours for line in lines), 2),
        late_starts=sum("late_start" in line.flags for line in lines),
        early_leaves=sum("early_leave" in line.flags for line in lines),
        missing_clock_outs=sum("missing_clock_out" in line.flags for line in lines),
        absences=sum("absent" in line.flags for line in lines),
        flagged=sum(
            bool(set(line.flags) - {"late_start", "early_leave", "absent"}) for line in lines
        ),
    )
