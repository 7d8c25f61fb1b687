"""Hybrid logical clocks: timestamps that order events across phones whose clocks disagree.

A timestamp is wall-clock milliseconds, a counter and the node (device) id, written as a
fixed-width string so that comparing two strings compares the clocks. Reference-data
edits merge per field by the larger timestamp.

>>> clock = HybridClock("phone-a")
>>> first = clock.tick(now_ms=1_000)
>>> second = clock.tick(now_ms=1_000)   # same millisecond: the counter moves on
>>> first < second
True
>>> later = clock.receive(Timestamp.parse("0000000005000:0000:phone-b"), now_ms=1_001)
>>> later.wall_ms, later.counter        # a clock never runs behind what it has seen
(5000, 1)
"""

from __future__ import annotations

from dataclasses import dataclass

WALL_DIGITS = 13
COUNTER_DIGITS = 4
MAX_COUNTER = 10**COUNTER_DIGITS - 1


@dataclass(frozen=True, order=True)
class Timestamp:
    wall_ms: int
    counter: int
    node: str

    def __str__(self) -> str:
        return f"{self.wall_ms:0{WALL_DIGITS}d}:{self.counter:0{COUNTER_DIGITS}d}:{self.node}"

    @classmethod
    def parse(cls, text: str) -> Timestamp:
        """Read the string form; anything else is a ValueError naming the problem."""
        wall, counter, node = text.split(":", 2)
        if len(wall) != WALL_DIGITS or len(counter) != COUNTER_DIGITS or not node:
            raise ValueError(f"not a hybrid logical clock timestamp: {text!r}")
        return cls(int(wall), int(counter), node)


class HybridClock:
    """The clock of one node. Not thread-safe: one per device or per request."""

    def __init__(self, node: str, last: Timestamp | None = None) -> None:
        self.node = node
        self.last = last or Timestamp(0, 0, node)

    def tick(self, now_ms: int) -> Timestamp:
        """A timestamp for a local event."""
        return self._advance(self.last.wall_ms, now_ms)

    def receive(self, remote: Timestamp, now_ms: int) -> Timestamp:
        """A timestamp after a remote one: merging keeps causality even with a slow clock."""
        return self._advance(max(self.last.wall_ms, remote.wall_ms), now_ms, remote)

    def _advance(self, seen_ms: int, now_ms: int, remote: Timestamp | None = None) -> Timestamp:
        if now_ms > seen_ms:
            stamp = Timestamp(now_ms, 0, self.node)
        else:
            counters = [self.last.counter if self.last.wall_ms == seen_ms else -1]
            if remote is not None and remote.wall_ms == seen_ms:
                counters.append(remote.counter)
            counter = max(counters) + 1
            if counter > MAX_COUNTER:
                raise OverflowError("too many events in one millisecond for the clock")
            stamp = Timestamp(seen_ms, counter, self.node)
        self.last = stamp
        return stamp
