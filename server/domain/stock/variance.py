"""A stocktake's variance list: what was counted against what the ledger held.

Expected is the ledger's balance of the bin, item and lot at the moment the line was
counted (the sum of its movements up to then), so stock issued after the count is no
variance. When a bin, item and lot was counted more than once, the latest count wins and
the earlier ones are listed as recounted. A balance in a counted bin that nobody counted
is listed as not counted, counted 0. Lines that came after approval or cancellation are
listed as late and count for nothing. Once approved, the figures are those approval
stored on the lines.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    StockBalance,
    StockMovement,
    Stocktake,
    StocktakeLine,
    StocktakeStatus,
)

Key = tuple[uuid.UUID | None, uuid.UUID, uuid.UUID | None]  # bin, item, lot
RowStatus = Literal["counted", "not_counted", "recounted", "late"]


@dataclass(frozen=True)
class VarianceRow:
    status: RowStatus
    line_id: uuid.UUID | None  # None: a balance nobody counted (before approval)
    bin_id: uuid.UUID | None
    item_id: uuid.UUID
    lot_id: uuid.UUID | None
    counted: int
    expected: int
    counted_at: datetime
    counted_by_id: uuid.UUID | None
    adjustment_id: uuid.UUID | None = None

    @property
    def key(self) -> Key:
        return (self.bin_id, self.item_id, self.lot_id)

    @property
    def difference(self) -> int:
        return self.counted - self.expected


@dataclass(frozen=True)
class Variance:
    rows: list[VarianceRow]  # what approval applies: the latest counts and the uncounted
    recounted: list[VarianceRow]
    late: list[VarianceRow]

    @property
    def differing(self) -> list[VarianceRow]:
        return [row for row in self.rows if row.difference]


def _key(line: StocktakeLine) -> Key:
    return (line.bin_id, line.item_id, line.lot_id)


def latest_counts(
    lines: Iterable[StocktakeLine],
) -> tuple[dict[Key, StocktakeLine], list[StocktakeLine]]:
    """The latest line per bin, item and lot, and the earlier ones it replaced."""
    ordered = sorted(lines, key=lambda line: (line.counted_at, line.created_at, str(line.id)))
    latest: dict[Key, StocktakeLine] = {}
    earlier: list[StocktakeLine] = []
    for line in ordered:
        previous = latest.get(_key(line))
        if previous is not None:
            earlier.append(previous)
        latest[_key(line)] = line
    return latest, earlier


def balance_at(movements: Iterable[tuple[Key, datetime, int]], key: Key, when: datetime) -> int:
    """The sum of a place's movements up to and including `when`."""
    return sum(quantity for at_key, at, quantity in movements if at_key == key and at <= when)


async def _movements(
    session: AsyncSession, store_id: uuid.UUID, items: set[uuid.UUID], until: datetime
) -> list[tuple[Key, datetime, int]]:
    if not items:
        return []
    rows = await session.execute(
        select(
            col(StockMovement.bin_id),
            col(StockMovement.item_id),
            col(StockMovement.lot_id),
            col(StockMovement.occurred_at),
            col(StockMovement.quantity),
        ).where(
            col(StockMovement.store_id) == store_id,
            col(StockMovement.item_id).in_(items),
            col(StockMovement.occurred_at) <= until,
        )
    )
    return [((bin_id, item, lot), at, quantity) for bin_id, item, lot, at, quantity in rows]


def _row(status: RowStatus, line: StocktakeLine, expected: int) -> VarianceRow:
    return VarianceRow(
        status=status,
        line_id=line.id,
        bin_id=line.bin_id,
        item_id=line.item_id,
        lot_id=line.lot_id,
        counted=line.counted,
        expected=expected,
        counted_at=line.counted_at,
        counted_by_id=line.counted_by_id,
        adjustment_id=line.adjustment_id,
    )


async def _uncounted(
    session: AsyncSession, stocktake: Stocktake, latest: dict[Key, StocktakeLine]
) -> dict[Key, datetime | None]:
    """Balances in a counted bin with no line, each with the time its bin was last counted
    (None: a bin the stocktake names that nobody counted)."""
    last_in_bin: dict[uuid.UUID | None, datetime | None] = {
        uuid.UUID(text): None for text in stocktake.bin_ids
    }
    for (bin_id, _, _), line in latest.items():
        seen = last_in_bin.get(bin_id)
        last_in_bin[bin_id] = line.counted_at if seen is None else max(seen, line.counted_at)
    if not last_in_bin:
        return {}
    balances = await session.execute(
        select(col(StockBalance.bin_id), col(StockBalance.item_id), col(StockBalance.lot_id)).where(
            col(StockBalance.store_id) == stocktake.store_id
        )
    )
    return {
        (bin_id, item, lot): last_in_bin[bin_id]
        for bin_id, item, lot in balances
        if bin_id in last_in_bin and (bin_id, item, lot) not in latest
    }


async def variance(session: AsyncSession, stocktake: Stocktake, now: datetime) -> Variance:
    """The variance list as it stands at `now` (the approval's time, when approving)."""
    lines = (
        await session.scalars(
            select(StocktakeLine).where(col(StocktakeLine.stocktake_id) == stocktake.id)
        )
    ).all()
    on_time = [line for line in lines if not line.late]
    latest, earlier = latest_counts(on_time)
    approved = stocktake.status is StocktakeStatus.APPROVED
    uncounted = {} if approved else await _uncounted(session, stocktake, latest)
    items = {line.item_id for line in lines} | {item for _, item, _ in uncounted}
    movements = await _movements(session, stocktake.store_id, items, now)

    def expected(line: StocktakeLine) -> int:
        if approved and line.expected is not None:
            return line.expected
        return balance_at(movements, _key(line), line.counted_at)

    rows = [
        _row("not_counted" if line.counted_by_id is None else "counted", line, expected(line))
        for line in latest.values()
    ]
    for key, when in uncounted.items():
        at = when or now
        held = balance_at(movements, key, at)
        if held:
            bin_id, item, lot = key
            rows.append(
                VarianceRow("not_counted", None, bin_id, item, lot, 0, held, at, None, None)
            )
    late = [
        _row("late", line, balance_at(movements, _key(line), line.counted_at))
        for line in lines
        if line.late
    ]
    recounted = [_row("recounted", line, expected(line)) for line in earlier]
    return Variance(
        sorted(rows, key=_order), sorted(recounted, key=_order), sorted(late, key=_order)
    )


def _order(row: VarianceRow) -> tuple[str, str, str, datetime]:
    return (str(row.bin_id or ""), str(row.item_id), str(row.lot_id or ""), row.counted_at)
