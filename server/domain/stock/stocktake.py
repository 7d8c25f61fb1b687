"""Stocktakes: a blind count of some bins of a store, approved by someone who did not count.

A storekeeper (or their supervisor) opens a stocktake at the desk; phones hear of it through
the `stocktake` synced type, which carries no expected quantities. Each line a phone counts
arrives as the op `stock.count` and is stored as sent, even when the stocktake was approved
or cancelled meanwhile (then it is flagged late, shown, and applied to nothing). Approval
writes one `count` movement per line whose count differs from what the ledger held when
the line was counted (server/domain/stock/variance.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    Bin,
    StockException,
    Stocktake,
    StocktakeLine,
    StocktakeStatus,
    Store,
)
from server.db.types import utcnow
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import (
    Permission,
    require,
    scope_stocktakes,
    scope_stores,
)
from server.errors import InvalidInput, InvalidTransition, NotFound

LATE_COUNT = "late_count"
NOTE_MAX = 400
CLOSED = frozenset({StocktakeStatus.APPROVED, StocktakeStatus.CANCELLED})


@dataclass(frozen=True)
class CountLine:
    """One counted line as a phone (or the desk) recorded it."""

    line_id: uuid.UUID
    item_id: uuid.UUID
    counted: int
    bin_id: uuid.UUID | None
    lot_id: uuid.UUID | None
    counted_at: datetime
    op_id: uuid.UUID | None = None


async def load(
    session: AsyncSession, actor: Actor, stocktake_id: uuid.UUID, *, lock: bool = False
) -> Stocktake:
    """The stocktake, when it is of a store in the actor's sites."""
    stmt = scope_stocktakes(actor, select(Stocktake).where(col(Stocktake.id) == stocktake_id))
    if lock:
        stmt = stmt.with_for_update()
    found = await session.scalar(stmt)
    if found is None:
        raise NotFound("No such stocktake in your stores.")
    return found


async def list_stocktakes(
    session: AsyncSession, actor: Actor, *, status: StocktakeStatus | None = None
) -> Sequence[tuple[Stocktake, Store, int]]:
    """Stocktakes newest first, each with its store and its number of counted lines."""
    lines = (
        select(col(StocktakeLine.stocktake_id), func.count().label("n"))
        .group_by(col(StocktakeLine.stocktake_id))
        .subquery()
    )
    stmt: Select[*tuple[Any, ...]] = (
        select(Stocktake, Store, func.coalesce(lines.c.n, 0))
        .join(Store, col(Store.id) == col(Stocktake.store_id))
        .outerjoin(lines, lines.c.stocktake_id == col(Stocktake.id))
        .order_by(col(Stocktake.created_at).desc(), col(Stocktake.id))
    )
    if status is not None:
        stmt = stmt.where(col(Stocktake.status) == status)
    rows = (await session.execute(scope_stocktakes(actor, stmt))).all()
    return [(stocktake, store, int(count)) for stocktake, store, count in rows]


async def open_stocktake(
    session: AsyncSession,
    actor: Actor,
    store_id: uuid.UUID,
    bin_ids: Sequence[uuid.UUID] = (),
    note: str = "",
) -> Stocktake:
    """Open a count of the store's `bin_ids` (every bin when none is named)."""
    require(actor, Permission.MANAGE_STOCK)
    store = await session.scalar(
        scope_stores(actor, select(Store).where(col(Store.id) == store_id))
    )
    if store is None:
        raise NotFound("No such store in your sites.")
    if len(note) > NOTE_MAX:
        raise InvalidInput(f"The note is at most {NOTE_MAX} characters.")
    wanted = list(dict.fromkeys(bin_ids))
    if wanted:
        found = set(
            (
                await session.scalars(
                    select(col(Bin.id)).where(
                        col(Bin.store_id) == store.id, col(Bin.id).in_(wanted)
                    )
                )
            ).all()
        )
        missing = [str(bin_id) for bin_id in wanted if bin_id not in found]
        if missing:
            raise InvalidInput(f"Not bins of {store.code}: {', '.join(missing)}.")
    stocktake = Stocktake(
        store_id=store.id,
        site_id=store.site_id,
        bin_ids=[str(bin_id) for bin_id in wanted],
        note=note.strip(),
        opened_by_id=actor.user_id,
    )
    session.add(stocktake)
    await session.flush()
    return stocktake


async def record_count(
    session: AsyncSession, actor: Actor, stocktake: Stocktake, line: CountLine
) -> StocktakeLine:
    """Store a counted line. A line for a closed stocktake is kept, flagged late, and
    raises an exception for the storekeeper: the count happened, it is only too late to
    apply."""
    late = stocktake.status in CLOSED
    row = StocktakeLine(
        id=line.line_id,
        stocktake_id=stocktake.id,
        bin_id=line.bin_id,
        item_id=line.item_id,
        lot_id=line.lot_id,
        counted=line.counted,
        counted_by_id=actor.user_id,
        counted_at=line.counted_at,
        op_id=line.op_id,
        late=late,
    )
    session.add(row)
    if late:
        session.add(
            StockException(
                kind=LATE_COUNT,
                store_id=stocktake.store_id,
                item_id=line.item_id,
                bin_id=line.bin_id,
                lot_id=line.lot_id,
                on_hand=line.counted,
                detail=f"counted {line.counted} after the stocktake was {stocktake.status.value}",
            )
        )
    await session.flush()
    return row


async def submit(session: AsyncSession, actor: Actor, stocktake_id: uuid.UUID) -> Stocktake:
    """Counting is done: the stocktake waits for approval."""
    require(actor, Permission.MANAGE_STOCK)
    stocktake = await load(session, actor, stocktake_id, lock=True)
    if stocktake.status is not StocktakeStatus.COUNTING:
        raise InvalidTransition(f"This stocktake is {stocktake.status.value}, not counting.")
    stocktake.status = StocktakeStatus.SUBMITTED
    stocktake.submitted_by_id, stocktake.submitted_at = actor.user_id, utcnow()
    await session.flush()
    return stocktake


async def cancel(session: AsyncSession, actor: Actor, stocktake_id: uuid.UUID) -> Stocktake:
    require(actor, Permission.MANAGE_STOCK)
    stocktake = await load(session, actor, stocktake_id, lock=True)
    if stocktake.status in CLOSED:
        raise InvalidTransition(f"This stocktake is already {stocktake.status.value}.")
    stocktake.status = StocktakeStatus.CANCELLED
    await session.flush()
    return stocktake


async def counters(session: AsyncSession, stocktake_id: uuid.UUID) -> set[uuid.UUID]:
    rows = await session.scalars(
        select(col(StocktakeLine.counted_by_id)).where(
            col(StocktakeLine.stocktake_id) == stocktake_id,
            col(StocktakeLine.counted_by_id).is_not(None),
        )
    )
    return {user_id for user_id in rows.all() if user_id is not None}


async def bin_ids_for(
    session: AsyncSession, store_id: uuid.UUID, codes: Sequence[str]
) -> list[uuid.UUID]:
    """The bins of a store named by their codes, as the desk types them."""
    if not codes:
        return []
    rows = await session.execute(
        select(col(Bin.code), col(Bin.id)).where(
            col(Bin.store_id) == store_id, col(Bin.code).in_(codes)
        )
    )
    found: dict[str, uuid.UUID] = dict(rows.all())
    missing = [code for code in codes if code not in found]
    if missing:
        raise InvalidInput(f"No such bins in this store: {', '.join(missing)}.")
    return [found[code] for code in codes]


async def bin_codes(session: AsyncSession, stocktake: Stocktake) -> list[str]:
    """The codes of the bins the stocktake names (none: every bin of its store)."""
    if not stocktake.bin_ids:
        return []
    ids = [uuid.UUID(text) for text in stocktake.bin_ids]
    rows = await session.scalars(
        select(col(Bin.code)).where(col(Bin.id).in_(ids)).order_by(col(Bin.code))
    )
    return list(rows.all())
