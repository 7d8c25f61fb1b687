"""Movements as field work writes them, and a work order's parts through the ledger.

Every part line on a work order is a ledger line: `take_part` posts the issue (or, for
a negative quantity, the return) that the line names, from the store the phone said or,
for the first version of `work_order.add_part` that names none, from the sender's van,
else the first store of the order's site. The line is priced at the movement's value,
so what the order costs is what left the store at the moving average cost.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    Item,
    MovementKind,
    StockException,
    StockLot,
    StockMovement,
    Store,
    StoreKind,
    WorkOrder,
)
from server.domain.accounts.actor import Actor
from server.domain.stock import ledger
from server.domain.stock.ids import derived_id
from sync.registry import LockKey

EXPIRED_LOT = "expired_lot"
RECALLED_LOT = "recalled_lot"
EXPIRY_MISMATCH = "expiry_mismatch"


@dataclass(frozen=True)
class Stamp:
    """Who recorded a movement, from where and when (the op's bounded claim: sync/clocks)."""

    actor_id: uuid.UUID
    occurred_at: datetime
    recorded_at: datetime
    device_id: uuid.UUID | None = None
    op_id: uuid.UUID | None = None
    clock_flag: str | None = None


@dataclass(frozen=True)
class PartSource:
    """Where a part line's stock comes from (or goes back to), as the op named it."""

    movement_id: uuid.UUID
    store_id: uuid.UUID
    bin_id: uuid.UUID | None = None
    lot_id: uuid.UUID | None = None
    scan: str = ""
    reason: str = ""


def movement(stamp: Stamp, **fields: Any) -> StockMovement:
    return StockMovement(
        actor_id=stamp.actor_id,
        occurred_at=stamp.occurred_at,
        recorded_at=stamp.recorded_at,
        device_id=stamp.device_id,
        op_id=stamp.op_id,
        clock_flag=stamp.clock_flag,
        **fields,
    )


def exception(kind: str, moved: StockMovement, on_hand: int, detail: str) -> StockException:
    return StockException(
        kind=kind,
        store_id=moved.store_id,
        item_id=moved.item_id,
        bin_id=moved.bin_id,
        lot_id=moved.lot_id,
        movement_id=moved.id,
        on_hand=on_hand,
        detail=detail[:400],
    )


def lot_warning(lot: StockLot, on: date) -> tuple[str, str] | None:
    """Why issuing this lot needs the storekeeper's eye: (kind, detail), or None.

    >>> recalled = StockLot(item_id=uuid.uuid4(), lot="L1", recalled_at=datetime(2026, 1, 1))
    >>> lot_warning(recalled, date(2026, 2, 1))[0]
    'recalled_lot'
    >>> lot_warning(StockLot(item_id=uuid.uuid4(), lot="L2", expiry=date(2026, 1, 31)),
    ...             date(2026, 2, 1))[0]
    'expired_lot'
    """
    if lot.recalled_at is not None:
        return RECALLED_LOT, f"Lot {lot.lot} is recalled: {lot.recall_reason}".rstrip(": ")
    if lot.expiry is not None and lot.expiry < on:
        return EXPIRED_LOT, f"Lot {lot.lot} expired on {lot.expiry.isoformat()}"
    return None


async def post_issue(
    session: AsyncSession, moved: StockMovement, lot: StockLot | None
) -> ledger.Posted:
    """Post an issue; a recalled or expired lot is issued all the same and flagged."""
    posted = await ledger.post(session, moved)
    warning = lot_warning(lot, moved.occurred_at.date()) if lot is not None else None
    if warning is not None:
        session.add(exception(warning[0], posted.movement, posted.balance.on_hand, warning[1]))
    return posted


async def default_store(session: AsyncSession, actor: Actor, order: WorkOrder) -> Store | None:
    """Where a part named without a store came from: the sender's van (one on the order's
    site first), else the first store of the order's site."""
    vans = await session.scalars(
        select(Store)
        .where(col(Store.kind) == StoreKind.VAN, col(Store.holder_id) == actor.user_id)
        .order_by(col(Store.code))
    )
    held = list(vans.all())
    for van in held:
        if van.site_id == order.site_id:
            return van
    if held:
        return held[0]
    return await session.scalar(
        select(Store)
        .where(col(Store.kind) == StoreKind.STORE, col(Store.site_id) == order.site_id)
        .order_by(col(Store.code))
        .limit(1)
    )


async def take_part(
    session: AsyncSession,
    actor: Actor,
    stamp: Stamp,
    order: WorkOrder,
    item: Item,
    quantity: int,
    source: PartSource | None,
) -> StockMovement | None:
    """The movement of a part line: `quantity` used (positive, an issue) or brought back
    (negative, a return). A movement already posted under the source's id is the line's
    (the desk re-submitting the op); None when no store could be named at all."""
    if source is None:
        store = await default_store(session, actor, order)
        if store is None:
            return None
        key = f"part_line:{stamp.op_id}" if stamp.op_id else f"part_line:{uuid.uuid4()}"
        source = PartSource(derived_id(key), store.id)
    existing = await session.get(StockMovement, source.movement_id)
    if existing is not None:
        return existing
    lot = await session.get(StockLot, source.lot_id) if source.lot_id else None
    moved = movement(
        stamp,
        id=source.movement_id,
        kind=MovementKind.ISSUE if quantity > 0 else MovementKind.RETURN,
        item_id=item.id,
        store_id=source.store_id,
        bin_id=source.bin_id,
        lot_id=source.lot_id,
        quantity=-quantity,
        work_order_id=order.id,
        reason=source.reason,
        scan_text=source.scan,
    )
    if quantity > 0:
        return (await post_issue(session, moved, lot)).movement
    return (await ledger.post(session, moved)).movement


def item_locked(args: Any) -> list[LockKey]:
    """The stock item an op posts against (`OpSpec.locks`): the ledger locks it to read its
    moving average, so the push locks it first, in order with the batch's other items."""
    return [("item", args.item_id)]
