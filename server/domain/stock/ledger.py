"""The ledger's one write: append a movement and move its balance in the same transaction.

Field records are never refused for want of stock: two phones may each issue the last unit
offline, and both issues happened. A balance that goes below zero is posted as it is and
raises a `StockException` for the storekeeper instead. Receipts with a price move the
item's moving average cost; every other movement is valued at the average it met.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    Item,
    MovementKind,
    StockBalance,
    StockException,
    StockLot,
    StockMovement,
    Store,
)
from server.domain.stock.ids import balance_id, lot_id

NEGATIVE_BALANCE = "negative_balance"


@dataclass(frozen=True)
class Posted:
    movement: StockMovement
    balance: StockBalance
    exception: StockException | None


async def find_or_create_lot(
    session: AsyncSession, item_id: uuid.UUID, lot: str, expiry: date | None
) -> StockLot:
    """The lot named by its printed code; created on first sight (by whichever writer
    gets there first: the id is derived, so a racing writer finds the same row)."""
    row_id = lot_id(item_id, lot)
    found = await session.get(StockLot, row_id)
    if found is None:
        try:
            async with session.begin_nested():
                session.add(StockLot(id=row_id, item_id=item_id, lot=lot, expiry=expiry))
                await session.flush()
        except IntegrityError:
            pass
        found = await session.get(StockLot, row_id, populate_existing=True)
        assert found is not None
    elif found.expiry is None and expiry is not None:
        found.expiry = expiry
    return found


async def _locked_balance(
    session: AsyncSession,
    store: Store,
    bin_id: uuid.UUID | None,
    item_id: uuid.UUID,
    lot: uuid.UUID | None,
) -> StockBalance:
    row_id = balance_id(store.id, bin_id, item_id, lot)
    stmt = select(StockBalance).where(col(StockBalance.id) == row_id).with_for_update()
    found = await session.scalar(stmt)
    if found is None:
        try:
            async with session.begin_nested():
                session.add(
                    StockBalance(
                        id=row_id,
                        store_id=store.id,
                        site_id=store.site_id,
                        bin_id=bin_id,
                        item_id=item_id,
                        lot_id=lot,
                    )
                )
                await session.flush()
        except IntegrityError:
            pass
        found = await session.scalar(stmt.execution_options(populate_existing=True))
        assert found is not None
    return found


def _moved_average(item: Item, on_hand_before: int, quantity: int, unit_cost: int) -> int:
    """The item's average cost after `quantity` units at `unit_cost` arrive. Stock below
    zero has no value to average with: the receipt's price is the new average then."""
    if on_hand_before <= 0:
        return unit_cost
    total = on_hand_before * item.unit_cost_cents + quantity * unit_cost
    return round(total / (on_hand_before + quantity))


async def item_on_hand(session: AsyncSession, item_id: uuid.UUID) -> int:
    """Units of the item across every store (the base the moving average is taken over)."""
    rows = await session.scalars(
        select(col(StockBalance.on_hand)).where(col(StockBalance.item_id) == item_id)
    )
    return sum(rows.all())


async def post(
    session: AsyncSession, movement: StockMovement, *, receipt_cost_cents: int | None = None
) -> Posted:
    """Append `movement` (quantity signed, ids and times set by the caller) and move its
    balance. `receipt_cost_cents` is a receipt's price per unit, when it has one."""
    item = await session.scalar(
        select(Item).where(col(Item.id) == movement.item_id).with_for_update()
    )
    if item is None:
        raise ValueError(f"no item {movement.item_id}")
    if movement.kind is MovementKind.RECEIVE and receipt_cost_cents is not None:
        before = await item_on_hand(session, item.id)
        item.unit_cost_cents = _moved_average(item, before, movement.quantity, receipt_cost_cents)
        movement.unit_cost_cents = receipt_cost_cents
    else:
        movement.unit_cost_cents = item.unit_cost_cents
    movement.value_cents = movement.quantity * movement.unit_cost_cents
    store = await session.get(Store, movement.store_id)
    if store is None:
        raise ValueError(f"no store {movement.store_id}")
    balance = await _locked_balance(
        session, store, movement.bin_id, movement.item_id, movement.lot_id
    )
    went_below = balance.on_hand + movement.quantity < 0 and movement.quantity < 0
    balance.on_hand += movement.quantity
    session.add(movement)
    await session.flush()
    exception = None
    if went_below:
        exception = StockException(
            kind=NEGATIVE_BALANCE,
            store_id=movement.store_id,
            item_id=movement.item_id,
            bin_id=movement.bin_id,
            lot_id=movement.lot_id,
            movement_id=movement.id,
            on_hand=balance.on_hand,
            detail=f"{movement.kind.value} of {-movement.quantity} left {balance.on_hand}",
        )
        session.add(exception)
        await session.flush()
    return Posted(movement, balance, exception)
