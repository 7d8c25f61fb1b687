"""Nearest-rank percentiles and month boundaries of the monthly report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from server.domain.reports.monthly import month_bounds, parse_month
from server.domain.reports.stats import nearest_rank


def test_nearest_rank_percentiles() -> None:
    assert nearest_rank([], 50) is None
    assert nearest_rank([7], 90) == 7
    assert nearest_rank([120, 20, 50, 35, 45], 50) == 45
    assert nearest_rank([1, 2, 3, 4], 50) == 2  # the lower middle, never an average
    assert nearest_rank(list(range(1, 11)), 90) == 9


def test_the_month_boundaries_are_utc() -> None:
    start, end = month_bounds(parse_month("2031-12"))
    assert (start, end - start) == (datetime(2031, 12, 1, tzinfo=UTC), timedelta(days=31))
