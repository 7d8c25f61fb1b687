"""First expired, first out: which lot to take, and what to warn of when a lot is scanned.

Pure: it orders and judges lots given as plain values, so the lookup API, the console and
anything else that suggests a lot share one rule.

>>> from datetime import date
>>> lots = [LotStock("L3", None, 4), LotStock("L1", date(2027, 3, 1), 2),
...         LotStock("L2", date(2027, 1, 1), 0), LotStock("L0", date(2026, 12, 1), 5)]
>>> [lot.lot for lot in fefo_order(lots)]
['L0', 'L2', 'L1', 'L3']
>>> suggest(lots, date(2026, 12, 15)).lot   # L0 expired, L2 has none on hand
'L1'
>>> warnings_for(lots[3], date(2026, 12, 15), 30)
['expired']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

EXPIRED = "expired"
RECALLED = "recalled"
EXPIRING = "expiring"


@dataclass(frozen=True)
class LotStock:
    lot: str
    expiry: date | None
    on_hand: int
    recalled: bool = False


T = TypeVar("T", bound=LotStock)


def fefo_key(expiry: date | None, lot: str) -> tuple[bool, date, str]:
    """Earliest expiry first; lots without an expiry last; ties by lot code."""
    return (expiry is None, expiry or date.max, lot)


def fefo_order(lots: Iterable[T]) -> list[T]:
    return sorted(lots, key=lambda lot: fefo_key(lot.expiry, lot.lot))


def warnings_for(lot: LotStock, today: date, within_days: int) -> list[str]:
    """What a scan of this lot should warn of: recalled, expired, expiring soon."""
    found = [RECALLED] if lot.recalled else []
    if lot.expiry is not None:
        if lot.expiry < today:
            found.append(EXPIRED)
        elif lot.expiry <= today + timedelta(days=within_days):
            found.append(EXPIRING)
    return found


def suggest(lots: Iterable[T], today: date) -> T | None:
    """The lot to issue: the first by FEFO that is on hand, not recalled and not expired."""
    for lot in fefo_order(lots):
        usable = not lot.recalled and (lot.expiry is None or lot.expiry >= today)
        if lot.on_hand > 0 and usable:
            return lot
    return None
