"""Recalls: marking a lot recalled, and tracing everything that happened to it.

A lot is a manufacturer's batch, so a recall is of the lot everywhere; the storekeepers of
each site where it sits or went through hear of it (in the app, and by Web Push from the
notification queue). The trace lists every movement of the lot the reader's sites hold,
with the work orders and departments its issues went to, and where stock of it sits now.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    Bin,
    Department,
    Item,
    MovementKind,
    Role,
    StockBalance,
    StockLot,
    StockMovement,
    Store,
    User,
    UserRole,
    UserSite,
    WorkOrder,
)
from server.db.types import utcnow
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import (
    Permission,
    require,
    scope_by_store,
    scope_stock_balances,
)
from server.domain.notify.service import NotificationKind, notify
from server.errors import InvalidInput, NotFound

REASON_MAX = 200


@dataclass(frozen=True)
class TraceLine:
    movement_id: uuid.UUID
    kind: MovementKind
    occurred_at: datetime
    store_code: str
    bin_code: str
    quantity: int
    work_order_id: uuid.UUID | None
    work_order_number: str
    department: str
    cost_centre: str
    reference: str


@dataclass(frozen=True)
class StillHeld:
    store_code: str
    store_name: str
    bin_code: str
    on_hand: int


@dataclass(frozen=True)
class Trace:
    lot: StockLot
    item: Item
    movements: list[TraceLine]
    held: list[StillHeld]


async def get_lot(session: AsyncSession, lot_id: uuid.UUID) -> tuple[StockLot, Item]:
    row = (
        await session.execute(
            select(StockLot, Item)
            .join(Item, col(Item.id) == col(StockLot.item_id))
            .where(col(StockLot.id) == lot_id)
        )
    ).first()
    if row is None:
        raise NotFound("No such lot.")
    return row[0], row[1]


async def _sites_of_lot(session: AsyncSession, lot_id: uuid.UUID) -> set[uuid.UUID]:
    moved = select(col(StockMovement.store_id)).where(col(StockMovement.lot_id) == lot_id)
    rows = await session.scalars(select(col(Store.site_id)).where(col(Store.id).in_(moved)))
    return set(rows.all())


async def storekeepers_of(session: AsyncSession, site_ids: set[uuid.UUID]) -> list[uuid.UUID]:
    """Active storekeepers of those sites, and those whose stores are every site's."""
    limited = select(col(UserSite.user_id))
    here = select(col(UserSite.user_id)).where(col(UserSite.site_id).in_(site_ids))
    rows = await session.scalars(
        select(col(User.id))
        .join(UserRole, col(UserRole.user_id) == col(User.id))
        .where(
            col(UserRole.role) == Role.STOREKEEPER,
            col(User.active).is_(True),
            or_(col(User.id).in_(here), col(User.id).not_in(limited)),
        )
        .order_by(col(User.employee_no))
    )
    return list(rows.all())


async def recall_lot(
    session: AsyncSession, actor: Actor, lot_id: uuid.UUID, reason: str
) -> StockLot:
    """Mark the lot recalled and tell the storekeepers where it is. A lot recalled already
    keeps its first recall: nobody is told twice."""
    require(actor, Permission.MANAGE_STOCK)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("Say why the lot is recalled (the supplier's notice, say).")
    if len(reason) > REASON_MAX:
        raise InvalidInput(f"The reason is at most {REASON_MAX} characters.")
    lot, item = await get_lot(session, lot_id)
    if lot.recalled_at is not None:
        return lot
    sites = await _sites_of_lot(session, lot.id)
    if actor.site_limited and sites and not sites & actor.site_ids:
        raise NotFound("No such lot in your stores.")
    lot.recalled_at, lot.recall_reason = utcnow(), reason
    recipients = await storekeepers_of(session, sites)
    await notify(
        session,
        recipients,
        NotificationKind.RECALL,
        f"Recall: {item.code} lot {lot.lot}",
        f"{item.name}. {reason}",
        url=f"/desk/stock/lots/{lot.id}",
    )
    await session.flush()
    return lot


async def trace(session: AsyncSession, actor: Actor, lot_id: uuid.UUID) -> Trace:
    """Every movement of the lot in the actor's stores, oldest first, and what is left."""
    lot, item = await get_lot(session, lot_id)
    stmt: Select[*tuple[Any, ...]] = (
        select(StockMovement, Store, Bin, WorkOrder, Department)
        .join(Store, col(Store.id) == col(StockMovement.store_id))
        .outerjoin(Bin, col(Bin.id) == col(StockMovement.bin_id))
        .outerjoin(WorkOrder, col(WorkOrder.id) == col(StockMovement.work_order_id))
        .outerjoin(
            Department,
            col(Department.id)
            == func.coalesce(col(StockMovement.department_id), col(WorkOrder.department_id)),
        )
        .where(col(StockMovement.lot_id) == lot.id)
        .order_by(col(StockMovement.occurred_at), col(StockMovement.recorded_at))
    )
    rows = (await session.execute(scope_by_store(actor, StockMovement.store_id, stmt))).all()
    movements = [
        TraceLine(
            movement_id=movement.id,
            kind=movement.kind,
            occurred_at=movement.occurred_at,
            store_code=store.code,
            bin_code=bin_row.code if bin_row else "",
            quantity=movement.quantity,
            work_order_id=movement.work_order_id,
            work_order_number=order.number if order else "",
            department=department.name if department else "",
            cost_centre=movement.cost_centre,
            reference=movement.reference,
        )
        for movement, store, bin_row, order, department in rows
    ]
    still: Select[*tuple[Any, ...]] = (
        select(StockBalance, Store, Bin)
        .join(Store, col(Store.id) == col(StockBalance.store_id))
        .outerjoin(Bin, col(Bin.id) == col(StockBalance.bin_id))
        .where(col(StockBalance.lot_id) == lot.id, col(StockBalance.on_hand) != 0)
        .order_by(col(Store.code), col(Bin.code))
    )
    held_rows = await session.execute(scope_stock_balances(actor, still))
    held = [
        StillHeld(store.code, store.name, bin_row.code if bin_row else "", balance.on_hand)
        for balance, store, bin_row in held_rows.all()
    ]
    return Trace(lot, item, movements, held)
