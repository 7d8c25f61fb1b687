"""Hybrid logical clocks order events across phones with wrong clocks."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sync.hlc
from sync.hlc import HybridClock, Timestamp


def test_doctests_pass() -> None:
    assert doctest.testmod(sync.hlc).failed == 0


def test_string_form_sorts_like_the_clock() -> None:
    early = Timestamp(1_700_000_000_000, 3, "a")
    late = Timestamp(1_700_000_000_001, 0, "a")
    assert str(early) < str(late)
    assert Timestamp.parse(str(late)) == late


def test_garbage_is_refused() -> None:
    with pytest.raises(ValueError, match="not a hybrid"):
        Timestamp.parse("12:3:x")


@given(
    st.lists(st.tuples(st.booleans(), st.integers(0, 10**6), st.integers(0, 10**6)), max_size=60)
)
def test_timestamps_only_move_forward(events: list[tuple[bool, int, int]]) -> None:
    """Whatever the local clock says, and whatever arrives, each stamp is after the last."""
    clock = HybridClock("phone")
    previous = clock.last
    for is_remote, now, remote_wall in events:
        if is_remote:
            remote = Timestamp(remote_wall, 0, "server")
            stamp = clock.receive(remote, now)
            assert (stamp.wall_ms, stamp.counter) > (remote.wall_ms, remote.counter)
        else:
            stamp = clock.tick(now)
        assert (stamp.wall_ms, stamp.counter) > (previous.wall_ms, previous.counter)
        previous = stamp
