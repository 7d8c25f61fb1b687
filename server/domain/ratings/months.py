"""Months as their first day, and which of them may be rated."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

# The furthest ahead of UTC a clock on Earth runs (Kiribati): a month has begun somewhere
# once it has begun there, so no rater's own "this month" is ever called the future.
AHEAD_OF_UTC = timedelta(hours=14)


def first_day(day: date) -> date:
    return day.replace(day=1)


def previous_month(month: date) -> date:
    return first_day(first_day(month) - timedelta(days=1))


def next_month(month: date) -> date:
    return first_day(first_day(month) + timedelta(days=32))


def latest_open_month(now: datetime) -> date:
    """The newest month a rating may name at `now`: the current month, wherever it is
    furthest on."""
    return first_day((now.astimezone(UTC) + AHEAD_OF_UTC).date())
