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
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    ExceptionStatus,
    Item,
    MovementKind,
    StockBalance,
    StockException,
    StockLot,
    StockMovement,
    Store,
)
from server.domain.stock import alerts
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
    units = on_hand_before + quantity
    return (total + units // 2) // units  # to the nearest cent, in integers


async def item_on_hand(session: AsyncSession, item_id: uuid.UUID) -> int:
    """Units of the item across every store (the base the moving average is taken over)."""
    rows = await session.scalars(
        select(col(StockBalance.on_hand)).where(col(StockBalance.item_id) == item_id)
    )
    return sum(rows.all())


async def store_on_hand(session: AsyncSession, store_id: uuid.UUID, item_id: uuid.UUID) -> int:
    """Units of the item in one store, every bin and lot (what reorder alerts watch)."""
    total = await session.scalar(
        select(func.coalesce(func.sum(col(StockBalance.on_hand)), 0)).where(
            col(StockBalance.item_id) == item_id, col(StockBalance.store_id) == store_id
        )
    )
    return int(total or 0)


async def _already_open(session: AsyncSession, balance: StockBalance) -> bool:
    """Whether the storekeeper already has this balance's shortfall to look at."""
    found = await session.scalar(
        select(col(StockException.id))
        .where(
            col(StockException.kind) == NEGATIVE_BALANCE,
            col(StockException.status) == ExceptionStatus.OPEN,
            col(StockException.store_id) == balance.store_id,
            col(StockException.item_id) == balance.item_id,
            _same(StockException.bin_id, balance.bin_id),
            _same(StockException.lot_id, balance.lot_id),
        )
        .limit(1)
    )
    return found is not None


def _same(column: Any, value: uuid.UUID | None) -> ColumnElement[bool]:
    return col(column).is_(None) if value is None else col(column) == value


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
    in_store_before = await store_on_hand(session, store.id, item.id)
    balance = await _locked_balance(
        session, store, movement.bin_id, movement.item_id, movement.lot_id
    )
    before = balance.on_hand
    balance.on_hand += movement.quantity
    went_below = movement.quantity < 0 and balance.on_hand < 0
    if went_below and before < 0:  # one exception per shortfall, until it is resolved
        went_below = not await _already_open(session, balance)
    session.add(movement)
    await session.flush()
    await alerts.after_movement(
        session, item, store, in_store_before, in_store_before + movement.quantity
    )
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
