"""When rounds are due: route schedules and daily windows expanded into UTC windows.

Times of a schedule are wall-clock times of the route's site (`Site.timezone`, IANA).
A series belongs to the local day it starts on, and its weekdays are judged on that day:
20:00 to 06:00 every 2 h on a Saturday gives 20:00, 22:00 Saturday and 00:00 ... 06:00
Sunday. Each start is a wall-clock time, so a series keeps to the clock on the nights
the clocks change:

- a start that does not exist (the spring-forward gap) moves forward to the first valid
  instant, the end of the gap (01:30 in London on 29 March 2026 becomes 02:00 BST);
- a start that happens twice (the fall-back hour) takes the first occurrence (01:30 in
  London on 25 October 2026 is 01:30 BST, 00:30 UTC).

A window runs from its start to start + `tolerance_minutes` (elapsed time); a daily
`RouteWindow` runs from `starts_at` to `ends_at` (the next day when that is earlier).

>>> from datetime import date, time
>>> night = Series(time(20), time(6), 120, "1234567", 15)
>>> [w.start.strftime("%d %H:%M") for w in expand(night, "Europe/London", date(2026, 3, 28))]
['28 20:00', '28 22:00', '29 00:00', '29 01:00', '29 03:00', '29 05:00']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class Series:
    """A schedule's times (`RouteSchedule`); a daily window is a series of one start."""

    first_start: time
    last_start: time
    every_minutes: int
    weekdays: str = "1234567"
    tolerance_minutes: int = 15
    valid_from: date | None = None
    valid_until: date | None = None
    # A daily window's fixed end (wall clock); None: start + tolerance.
    ends_at: time | None = None


@dataclass(frozen=True)
class Window:
    """One window a round must start in (UTC), and the local day its series began."""

    day: date
    start: datetime
    end: datetime


def _minutes(at: time) -> int:
    return at.hour * 60 + at.minute


def local_instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant of a naive wall-clock time: a time in a gap moves to the gap's end,
    an ambiguous one is its first occurrence.

    >>> london = ZoneInfo("Europe/London")
    >>> local_instant(datetime(2026, 3, 29, 1, 30), london).isoformat()
    '2026-03-29T01:00:00+00:00'
    >>> local_instant(datetime(2026, 10, 25, 1, 30), london).isoformat()
    '2026-10-25T00:30:00+00:00'
    >>> local_instant(datetime(2026, 10, 25, 1, 30), ZoneInfo("UTC")).isoformat()
    '2026-10-25T01:30:00+00:00'
    """
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == wall:
        return first
    # In a gap: fold=0 read the wall time with the offset before the gap, fold=1 with the
    # one after, so the transition lies between the two readings.
    low = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = first
    after = high.astimezone(zone).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == after:
            high = middle
        else:
            low = middle
    return high if high.microsecond == 0 else _ceil_second(high)


def _ceil_second(at: datetime) -> datetime:
    return at.replace(microsecond=0) + timedelta(seconds=1)


def _offsets(series: Series) -> list[int]:
    """Minutes after the start day's midnight (wall clock) of each start."""
    first = _minutes(series.first_start)
    last = _minutes(series.last_start)
    if last < first:
        last += DAY_MINUTES  # the series runs past midnight
    step = max(1, series.every_minutes)
    return list(range(first, last + 1, step))


def _applies(series: Series, day: date) -> bool:
    if str(day.isoweekday()) not in series.weekdays:
        return False
    if series.valid_from is not None and day < series.valid_from:
        return False
    return series.valid_until is None or day <= series.valid_until


def expand(series: Series, timezone: str, day: date) -> list[Window]:
    """The windows of the series that starts on local `day` (none on a day it skips)."""
    if not _applies(series, day):
        return []
    zone = ZoneInfo(timezone)
    midnight = datetime.combine(day, time())
    windows: list[Window] = []
    for offset in _offsets(series):
        wall = midnight + timedelta(minutes=offset)
        start = local_instant(wall, zone)
        if series.ends_at is not None:
            end_wall = datetime.combine(wall.date(), series.ends_at)
            if end_wall <= wall:
                end_wall += timedelta(days=1)
            end = local_instant(end_wall, zone)
        else:
            end = start + timedelta(minutes=series.tolerance_minutes)
        windows.append(Window(day, start, end))
    return windows


def expand_days(series: Series, timezone: str, days: Iterable[date]) -> Iterator[Window]:
    for day in days:
        yield from expand(series, timezone, day)


def local_days(timezone: str, start: datetime, end: datetime) -> list[date]:
    """The local days whose series may have a window in [start, end): from the day before
    `start` (a series started yesterday evening runs into today) to the day of `end`.

    >>> at = datetime(2026, 3, 29, 6, tzinfo=UTC)
    >>> [d.isoformat() for d in local_days("Europe/London", at, at + timedelta(hours=20))]
    ['2026-03-28', '2026-03-29', '2026-03-30']
    """
    zone = ZoneInfo(timezone)
    first = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
