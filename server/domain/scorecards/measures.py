"""What an indicator provider hands the scorecard: a measured value and the records behind it.

Each service (patrol, cleaning, maintenance, satisfaction) measures its own records and
returns `Measure`s keyed by indicator code ("security.round_completion", "cleaning.on_time_rate"
...). The scorecard weighs them and the settlement turns them into deductions; both quote the
evidence, so that either side of a contract can trace a line back to the records (and, for
field records, to the hash of the op that carried them).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession


class Unit(StrEnum):
    RATIO = "ratio"  # 0..1, shown as a percentage
    COUNT = "count"
    SCORE = "score"  # on the scale the indicator names (audit 0..100, satisfaction 1..5)
    MINUTES = "minutes"


@dataclass(frozen=True)
class Evidence:
    """One record an indicator counted: what it is, which row, and the op that recorded it."""

    kind: str  # the record's type: "checkpoint_scan", "expected_round", "cleaning_task", ...
    record_id: uuid.UUID
    label: str  # what a reader of the statement sees, e.g. "Round 02:00 Ward block, CP 3 missed"
    op_hash: str | None = None  # the field op's chain hash; None for records made at the desk


@dataclass(frozen=True)
class Measure:
    """A month's value of one indicator. `value` is None when there was nothing to measure
    (no rounds due, no ratings given): a scorecard never invents a default score."""

    value: float | None
    unit: Unit
    evidence: tuple[Evidence, ...] = field(default=())
    # The count the value stands on (rounds due, tasks due, ratings), so a 100 % of 1 reads so.
    basis: int = 0


# A provider measures one contractor's month (given by its first day) from the records.
Provider = Callable[[AsyncSession, uuid.UUID, date], Awaitable[dict[str, Measure]]]
