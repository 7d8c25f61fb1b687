"""Clock bounds: the examples in sync/clocks.py hold, and the edges of each bound."""

from __future__ import annotations

import doctest
from datetime import UTC, datetime, timedelta

import sync.clocks
from sync.clocks import MAX_AHEAD, bound_claim

RECEIVED = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def test_doctests_pass() -> None:
    assert doctest.testmod(sync.clocks).failed == 0


def test_a_claim_just_within_five_minutes_ahead_stands() -> None:
    within = (RECEIVED + MAX_AHEAD).isoformat()
    beyond = (RECEIVED + MAX_AHEAD + timedelta(milliseconds=1)).isoformat()
    assert bound_claim(within, RECEIVED, None).flag is None
    assert bound_claim(beyond, RECEIVED, None).claimed_at == RECEIVED


def test_a_naive_time_names_no_instant_and_the_receipt_time_stands() -> None:
    bounded = bound_claim("2026-12-03T09:00:00", RECEIVED, None)
    assert (bounded.claimed_at, bounded.flag) == (None, None)


def test_an_equal_claim_is_not_running_backwards() -> None:
    claim = RECEIVED - timedelta(hours=1)
    assert bound_claim(claim.isoformat(), RECEIVED, claim).accepted == claim
