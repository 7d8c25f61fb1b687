"""What the desk reads of the stock ledger: on hand, movements, exceptions, expiring lots
and the reorder list, each scoped to the reader's sites."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    Bin,
    ExceptionStatus,
    Item,
    MovementKind,
    StockBalance,
    StockException,
    StockLot,
    StockMovement,
    Store,
    User,
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
from server.domain.paging import PageRequest
from server.errors import AlreadyResolved, InvalidInput, NotFound

RESOLUTION_MAX = 400


@dataclass(frozen=True)
class OnHandLine:
    store_code: str
    bin_code: str
    item_id: uuid.UUID
    item_code: str
    item_name: str
    unit: str
    lot_id: uuid.UUID | None
    lot: str
    expiry: date | None
    recalled: bool
    on_hand: int
    value_cents: int


@dataclass(frozen=True)
class MovementLine:
    id: uuid.UUID
    occurred_at: datetime
    kind: MovementKind
    store_code: str
    bin_code: str
    item_code: str
    item_name: str
    lot_id: uuid.UUID | None
    lot: str
    quantity: int
    value_cents: int
    work_order_id: uuid.UUID | None
    work_order_number: str
    actor: str
    reason: str


@dataclass(frozen=True)
class ExceptionLine:
    id: uuid.UUID
    created_at: datetime
    kind: str
    status: ExceptionStatus
    store_code: str
    bin_code: str
    item_code: str
    item_name: str
    lot: str
    on_hand: int
    detail: str
    resolution: str
    resolved_by: str


@dataclass(frozen=True)
class ReorderLine:
    store_code: str
    store_name: str
    item_code: str
    item_name: str
    unit: str
    on_hand: int
    safety_stock: int
    reorder_point: int
    below_safety: bool
    suggested: int


def suggested_quantity(on_hand: int, reorder_point: int, safety_stock: int) -> int:
    """Enough to bring the store back to its reorder point plus its safety stock (no
    maximum level is kept per item), at least one unit.

    >>> suggested_quantity(3, 10, 4)
    11
    """
    return max(1, reorder_point + safety_stock - on_hand)


def _balances(actor: Actor) -> Select[*tuple[Any, ...]]:
    stmt: Select[*tuple[Any, ...]] = (
        select(StockBalance, Store, Bin, Item, StockLot)
        .join(Store, col(Store.id) == col(StockBalance.store_id))
        .join(Item, col(Item.id) == col(StockBalance.item_id))
        .outerjoin(Bin, col(Bin.id) == col(StockBalance.bin_id))
        .outerjoin(StockLot, col(StockLot.id) == col(StockBalance.lot_id))
    )
    return scope_stock_balances(actor, stmt)


def _on_hand_line(
    balance: StockBalance, store: Store, bin_row: Bin | None, item: Item, lot: StockLot | None
) -> OnHandLine:
    return OnHandLine(
        store_code=store.code,
        bin_code=bin_row.code if bin_row else "",
        item_id=item.id,
        item_code=item.code,
        item_name=item.name,
        unit=item.unit,
        lot_id=lot.id if lot else None,
        lot=lot.lot if lot else "",
        expiry=lot.expiry if lot else None,
        recalled=bool(lot and lot.recalled_at),
        on_hand=balance.on_hand,
        value_cents=balance.on_hand * item.unit_cost_cents,
    )


async def on_hand(
    session: AsyncSession,
    actor: Actor,
    *,
    store_id: uuid.UUID | None = None,
    text: str = "",
    bin_code: str = "",
) -> list[OnHandLine]:
    """Every non-zero balance, per store, bin and lot (below zero included: an exception)."""
    stmt = _balances(actor).where(col(StockBalance.on_hand) != 0)
    if store_id is not None:
        stmt = stmt.where(col(StockBalance.store_id) == store_id)
    if text.strip():
        like = f"%{text.strip()}%"
        stmt = stmt.where(or_(col(Item.code).ilike(like), col(Item.name).ilike(like)))
    if bin_code.strip():
        stmt = stmt.where(col(Bin.code).ilike(f"{bin_code.strip()}%"))
    stmt = stmt.order_by(col(Store.code), col(Bin.code), col(Item.code), col(StockLot.lot))
    return [_on_hand_line(*row) for row in (await session.execute(stmt)).all()]


async def expiring(
    session: AsyncSession, actor: Actor, within_days: int, today: date | None = None
) -> list[OnHandLine]:
    """Lots with stock on hand that expire within `within_days`: expired ones first."""
    horizon = (today or utcnow().date()) + timedelta(days=within_days)
    stmt = (
        _balances(actor)
        .where(
            col(StockBalance.on_hand) > 0,
            col(StockLot.expiry).is_not(None),
            col(StockLot.expiry) <= horizon,
        )
        .order_by(col(StockLot.expiry), col(Store.code), col(Item.code))
    )
    return [_on_hand_line(*row) for row in (await session.execute(stmt)).all()]


@dataclass(frozen=True)
class MovementFilter:
    kind: MovementKind | None = None
    item_text: str = ""
    store_id: uuid.UUID | None = None
    since: date | None = None
    until: date | None = None  # inclusive


async def movements(
    session: AsyncSession, actor: Actor, chosen: MovementFilter, page: PageRequest | None
) -> tuple[list[MovementLine], int]:
    """The ledger, newest first (`page` None: every matching line, for a download)."""
    stmt: Select[*tuple[Any, ...]] = (
        select(StockMovement, Store, Bin, Item, StockLot, WorkOrder, User)
        .join(Store, col(Store.id) == col(StockMovement.store_id))
        .join(Item, col(Item.id) == col(StockMovement.item_id))
        .outerjoin(Bin, col(Bin.id) == col(StockMovement.bin_id))
        .outerjoin(StockLot, col(StockLot.id) == col(StockMovement.lot_id))
        .outerjoin(WorkOrder, col(WorkOrder.id) == col(StockMovement.work_order_id))
        .outerjoin(User, col(User.id) == col(StockMovement.actor_id))
    )
    stmt = scope_by_store(actor, StockMovement.store_id, stmt)
    if chosen.kind is not None:
        stmt = stmt.where(col(StockMovement.kind) == chosen.kind)
    if chosen.store_id is not None:
        stmt = stmt.where(col(StockMovement.store_id) == chosen.store_id)
    if chosen.item_text.strip():
        like = f"%{chosen.item_text.strip()}%"
        stmt = stmt.where(or_(col(Item.code).ilike(like), col(Item.name).ilike(like)))
    if chosen.since is not None:
        stmt = stmt.where(col(StockMovement.occurred_at) >= _midnight(chosen.since))
    if chosen.until is not None:
        stmt = stmt.where(
            col(StockMovement.occurred_at) < _midnight(chosen.until + timedelta(days=1))
        )
    total = await session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    stmt = stmt.order_by(col(StockMovement.occurred_at).desc(), col(StockMovement.id))
    if page is not None:
        stmt = stmt.limit(page.limit).offset(page.offset)
    lines = [
        MovementLine(
            id=movement.id,
            occurred_at=movement.occurred_at,
            kind=movement.kind,
            store_code=store.code,
            bin_code=bin_row.code if bin_row else "",
            item_code=item.code,
            item_name=item.name,
            lot_id=lot.id if lot else None,
            lot=lot.lot if lot else "",
            quantity=movement.quantity,
            value_cents=movement.value_cents,
            work_order_id=movement.work_order_id,
            work_order_number=order.number if order else "",
            actor=user.name if user else "",
            reason=movement.reason,
        )
        for movement, store, bin_row, item, lot, order, user in (await session.execute(stmt)).all()
    ]
    return lines, total


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


async def exceptions(
    session: AsyncSession, actor: Actor, status: ExceptionStatus
) -> list[ExceptionLine]:
    resolver = User
    stmt: Select[*tuple[Any, ...]] = (
        select(StockException, Store, Bin, Item, StockLot, resolver)
        .join(Store, col(Store.id) == col(StockException.store_id))
        .join(Item, col(Item.id) == col(StockException.item_id))
        .outerjoin(Bin, col(Bin.id) == col(StockException.bin_id))
        .outerjoin(StockLot, col(StockLot.id) == col(StockException.lot_id))
        .outerjoin(resolver, col(resolver.id) == col(StockException.resolved_by_id))
        .where(col(StockException.status) == status)
        .order_by(col(StockException.created_at).desc(), col(StockException.id))
    )
    rows = await session.execute(scope_by_store(actor, StockException.store_id, stmt))
    return [
        ExceptionLine(
            id=row.id,
            created_at=row.created_at,
            kind=row.kind,
            status=row.status,
            store_code=store.code,
            bin_code=bin_row.code if bin_row else "",
            item_code=item.code,
            item_name=item.name,
            lot=lot.lot if lot else "",
            on_hand=row.on_hand,
            detail=row.detail,
            resolution=row.resolution,
            resolved_by=user.name if user else "",
        )
        for row, store, bin_row, item, lot, user in rows.all()
    ]


async def resolve_exception(
    session: AsyncSession, actor: Actor, exception_id: uuid.UUID, note: str
) -> StockException:
    require(actor, Permission.MANAGE_STOCK)
    note = note.strip()
    if not note:
        raise InvalidInput("Say what was done (counted again, found, written off...).")
    if len(note) > RESOLUTION_MAX:
        raise InvalidInput(f"The note is at most {RESOLUTION_MAX} characters.")
    stmt = scope_by_store(
        actor,
        StockException.store_id,
        select(StockException).where(col(StockException.id) == exception_id).with_for_update(),
    )
    found = await session.scalar(stmt)
    if found is None:
        raise NotFound("No such stock exception in your stores.")
    if found.status is ExceptionStatus.RESOLVED:
        raise AlreadyResolved("This exception was resolved already.")
    found.status = ExceptionStatus.RESOLVED
    found.resolution, found.resolved_by_id, found.resolved_at = note, actor.user_id, utcnow()
    await session.flush()
    return found


async def reorder_list(session: AsyncSession, actor: Actor) -> list[ReorderLine]:
    """Items at or below their reorder point in a store that stocks them (has held them)."""
    per_store: Select[*tuple[Any, ...]] = select(
        col(StockBalance.store_id),
        col(StockBalance.item_id),
        func.sum(col(StockBalance.on_hand)).label("held"),
    ).group_by(col(StockBalance.store_id), col(StockBalance.item_id))
    held = scope_stock_balances(actor, per_store).subquery()
    stmt = (
        select(Store, Item, held.c.held)
        .join(Store, col(Store.id) == held.c.store_id)
        .join(Item, col(Item.id) == held.c.item_id)
        .where(col(Item.reorder_point) > 0, held.c.held <= col(Item.reorder_point))
        .order_by(col(Store.code), col(Item.code))
    )
    rows = (await session.execute(stmt)).all()
    return [
        ReorderLine(
            store_code=store.code,
            store_name=store.name,
            item_code=item.code,
            item_name=item.name,
            unit=item.unit,
            on_hand=int(total or 0),
            safety_stock=item.safety_stock,
            reorder_point=item.reorder_point,
            below_safety=int(total or 0) < item.safety_stock,
            suggested=suggested_quantity(int(total or 0), item.reorder_point, item.safety_stock),
        )
        for store, item, total in rows
    ]
