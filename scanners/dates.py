"""Dates on labels: two-digit years, GS1's day 00, Julian days (HIBC's YYJJJ).

A two-digit year lies within 49 years back and 50 ahead of today (GS1 General
Specifications 7.12); HIBC uses the same window here so one rule holds for every label.

>>> today = date(2026, 11, 23)
>>> full_year(76, today), full_year(77, today)
(2076, 1977)
>>> yymmdd("261200", today, day_zero=True)
datetime.date(2026, 12, 31)
>>> yymmdd("280229", today)
datetime.date(2028, 2, 29)
>>> julian("26001", today), julian("28366", today)
(datetime.date(2026, 1, 1), datetime.date(2028, 12, 31))
>>> yymmdd("261200", today)
Traceback (most recent call last):
...
scanners.errors.ScanError: day 00 is not allowed in 261200
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from scanners.errors import ScanError


def full_year(two_digits: int, today: date) -> int:
    century = today.year - today.year % 100
    difference = two_digits - today.year % 100
    if difference >= 51:
        century -= 100
    elif difference <= -50:
        century += 100
    return century + two_digits


def calendar_date(year: int, month: int, day: int, raw: str, *, day_zero: bool = False) -> date:
    """The date, where day 0 is the month's last day when `day_zero` allows it."""
    if not 1 <= month <= 12:
        raise ScanError("invalid_date", f"no month {month:02d} in {raw}", value=raw)
    last = calendar.monthrange(year, month)[1]
    if day == 0 and not day_zero:
        raise ScanError("invalid_date", f"day 00 is not allowed in {raw}", value=raw)
    if day > last:
        raise ScanError(
            "invalid_date", f"no day {day:02d} in month {month:02d} of {raw}", value=raw
        )
    return date(year, month, day or last)


def yymmdd(raw: str, today: date, *, day_zero: bool = False) -> date:
    if len(raw) != 6 or not raw.isascii() or not raw.isdigit():
        raise ScanError("invalid_date", f"{raw!r} is not YYMMDD", value=raw)
    year = full_year(int(raw[:2]), today)
    return calendar_date(year, int(raw[2:4]), int(raw[4:6]), raw, day_zero=day_zero)


def yyyymmdd(raw: str) -> date:
    if len(raw) != 8 or not raw.isascii() or not raw.isdigit():
        raise ScanError("invalid_date", f"{raw!r} is not YYYYMMDD", value=raw)
    return calendar_date(int(raw[:4]), int(raw[4:6]), int(raw[6:8]), raw)


def julian(raw: str, today: date) -> date:
    """YYJJJ: the year and the day of that year (001 is 1 January)."""
    if len(raw) != 5 or not raw.isascii() or not raw.isdigit():
        raise ScanError("invalid_date", f"{raw!r} is not YYJJJ", value=raw)
    year = full_year(int(raw[:2]), today)
    day = int(raw[2:])
    if not 1 <= day <= (366 if calendar.isleap(year) else 365):
        raise ScanError("invalid_date", f"no day {day:03d} in {year}", value=raw)
    return date(year, 1, 1) + timedelta(days=day - 1)
