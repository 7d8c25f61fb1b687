"""Bounds on a phone's clock: the time an op claims is trusted only within limits.

A phone's clock may be wrong (set by hand, never synced, reset to 1970 after a flat
battery). Service levels, reports and the contractor's pay read the claimed times, so a
claim more than `MAX_AHEAD` after the server received the op, or earlier than the last
claim of the same stream that was accepted as is, is clamped to the receipt time and
flagged; the op itself is always kept.

>>> from datetime import UTC, datetime, timedelta
>>> received = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
>>> bound_claim("2026-12-03T17:55:00+08:00", received, None).flag is None
True
>>> bound_claim("2026-12-03T18:10:00+08:00", received, None).flag
'ahead'
>>> earlier = bound_claim("2026-12-03T09:00:00Z", received, received - timedelta(minutes=30))
>>> earlier.flag, earlier.claimed_at == received
('backwards', True)
>>> bound_claim("yesterday", received, None).claimed_at is None
True
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sync.hlc import Timestamp

MAX_AHEAD = timedelta(minutes=5)
# A field edit's clock may run ahead of the server's by this much at most: a stamp further
# ahead would win every later merge of that field until the world caught up with it.
MAX_HLC_AHEAD = timedelta(days=1)

ClockFlag = Literal["ahead", "backwards"]


@dataclass(frozen=True)
class BoundedClaim:
    """`claimed_at` is what the server records as the time of the act (None: the phone
    gave no readable, zoned time, so the receipt time stands); `flag` says why it was
    clamped; `accepted` is the claim as is, the reference for the stream's next op."""

    claimed_at: datetime | None
    flag: ClockFlag | None
    accepted: datetime | None


def parse_claim(client_time: str) -> datetime | None:
    """An ISO 8601 time with a zone, else None (a naive time names no instant)."""
    try:
        claimed = datetime.fromisoformat(client_time)
    except ValueError:
        return None
    return claimed if claimed.tzinfo is not None else None


def bound_claim(client_time: str, received_at: datetime, previous: datetime | None) -> BoundedClaim:
    """Bound one op's claimed time; `previous` is the stream's last accepted claim."""
    claimed = parse_claim(client_time)
    if claimed is None:
        return BoundedClaim(None, None, None)
    if claimed > received_at + MAX_AHEAD:
        return BoundedClaim(received_at, "ahead", None)
    if previous is not None and claimed < previous:
        return BoundedClaim(received_at, "backwards", None)
    return BoundedClaim(claimed, None, claimed)


def hlc_too_far_ahead(stamp: Timestamp, now: datetime) -> bool:
    """True when a field edit's clock stamp is more than `MAX_HLC_AHEAD` after `now`.

    >>> from datetime import UTC, datetime
    >>> now = datetime(2026, 12, 3, tzinfo=UTC)
    >>> ms = int(now.timestamp() * 1000)
    >>> hlc_too_far_ahead(Timestamp(ms + 3_600_000, 0, "phone"), now)
    False
    >>> hlc_too_far_ahead(Timestamp(ms + 2 * 86_400_000, 0, "phone"), now)
    True
    """
    limit_ms = int((now + MAX_HLC_AHEAD).timestamp() * 1000)
    return stamp.wall_ms > limit_ms
