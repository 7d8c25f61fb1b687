"""The dispatch board, the callback queue and an asset's work history, as the desk reads them.

Every query goes through `scope_work_orders`, so the board never shows more than the
actor's work order list would.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    OPEN_STATUSES,
    Asset,
    Blob,
    Callback,
    Department,
    Role,
    Team,
    User,
    UserRole,
    WorkOrder,
    WorkOrderKind,
    WorkOrderStatus,
)
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import scope_work_orders
from server.domain.sites.service import location_paths

# Board groups, in the order the desk works through them.
GROUPS = ("breaching", "new", "unassigned", "in_hand")
REPEAT_FAULT_WINDOW = timedelta(days=30)
UNASSIGNED = frozenset({WorkOrderStatus.DISPATCHED, WorkOrderStatus.ACCEPTED_BY_TEAM})


@dataclass(frozen=True)
class Card:
    order: WorkOrder
    group: str
    where: str
    asset: str
    department: str
    team: str
    assignee: str
    age: timedelta
    due_at: datetime | None  # the due time that counts now: response, else resolution
    left: timedelta | None  # negative once overdue


@dataclass(frozen=True)
class CallbackRow:
    callback: Callback
    order: WorkOrder
    department: str


def due_time(order: WorkOrder) -> datetime | None:
    """Until someone arrives the response time counts, afterwards the resolution time."""
    if order.response_due_at is not None and order.arrived_at is None:
        return order.response_due_at
    return order.resolution_due_at


def is_breaching(order: WorkOrder, now: datetime) -> bool:
    if order.response_breached or order.resolution_breached:
        return True
    waiting = order.response_due_at is not None and order.arrived_at is None
    if waiting and order.response_due_at is not None and order.response_due_at <= now:
        return True
    return order.resolution_due_at is not None and order.resolution_due_at <= now


def group_of(order: WorkOrder, now: datetime) -> str:
    if is_breaching(order, now):
        return "breaching"
    if order.status == WorkOrderStatus.REPORTED:
        return "new"
    if order.status in UNASSIGNED and order.assignee_id is None:
        return "unassigned"
    return "in_hand"


def _sort_key(card: Card) -> tuple[int, float, int, float]:
    # Within a group: most overdue / closest to due first, then priority, then newest.
    left = card.left.total_seconds() if card.left is not None else float("inf")
    if card.group == "new":
        return (GROUPS.index(card.group), -card.order.reported_at.timestamp(), 0, 0.0)
    return (GROUPS.index(card.group), left, card.order.priority, -card.age.total_seconds())


async def _names(session: AsyncSession, model: type, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    rows = await session.execute(
        select(col(model.id), col(model.name)).where(col(model.id).in_(ids))  # type: ignore[attr-defined]
    )
    return {row_id: name for row_id, name in rows.all()}  # noqa: C416


async def board_cards(session: AsyncSession, actor: Actor, now: datetime) -> list[Card]:
    """Open orders in scope: breaching first, then new, then unassigned, then the rest."""
    stmt = scope_work_orders(
        actor, select(WorkOrder).where(col(WorkOrder.status).in_(OPEN_STATUSES))
    )
    orders = list(await session.scalars(stmt.limit(500)))
    assets = await _names(session, Asset, {o.asset_id for o in orders if o.asset_id})
    departments = await _names(
        session, Department, {o.department_id for o in orders if o.department_id}
    )
    teams = await _names(session, Team, {o.team_id for o in orders if o.team_id})
    people = await _names(session, User, {o.assignee_id for o in orders if o.assignee_id})
    paths = {
        location_id: " › ".join(names[1:])
        for location_id, names in (
            await location_paths(session, {o.location_id for o in orders})
        ).items()
    }
    cards = []
    for order in orders:
        due = due_time(order)
        cards.append(
            Card(
                order=order,
                group=group_of(order, now),
                where=paths.get(order.location_id, ""),
                asset=assets.get(order.asset_id, "") if order.asset_id else "",
                department=departments.get(order.department_id, "") if order.department_id else "",
                team=teams.get(order.team_id, "") if order.team_id else "",
                assignee=people.get(order.assignee_id, "") if order.assignee_id else "",
                age=now - order.reported_at,
                due_at=due,
                left=due - now if due is not None else None,
            )
        )
    return sorted(cards, key=_sort_key)


async def technicians_by_team(session: AsyncSession) -> dict[uuid.UUID, list[User]]:
    """Active technicians and team leads, by team, for the reassign select."""
    rows = await session.scalars(
        select(User)
        .join(UserRole, col(UserRole.user_id) == col(User.id))
        .where(
            col(User.active),
            col(User.team_id).is_not(None),
            col(UserRole.role).in_([Role.TECHNICIAN, Role.TEAM_LEAD]),
        )
        .order_by(col(User.name))
    )
    found: dict[uuid.UUID, list[User]] = {}
    for user in rows.unique():
        if user.team_id is not None and user not in found.setdefault(user.team_id, []):
            found[user.team_id].append(user)
    return found


async def open_callbacks(session: AsyncSession, actor: Actor) -> list[CallbackRow]:
    """Callbacks the desk still owes, oldest first, on orders in the actor's scope."""
    visible = scope_work_orders(actor, select(col(WorkOrder.id)))
    stmt = (
        select(Callback, WorkOrder)
        .join(WorkOrder, col(WorkOrder.id) == col(Callback.work_order_id))
        .where(col(Callback.status) == "open", col(WorkOrder.id).in_(visible))
        .order_by(col(Callback.created_at))
    )
    rows = (await session.execute(stmt)).all()
    departments = await _names(
        session, Department, {order.department_id for _, order in rows if order.department_id}
    )
    return [
        CallbackRow(
            cb, order, departments.get(order.department_id, "") if order.department_id else ""
        )
        for cb, order in rows
    ]


async def asset_history(
    session: AsyncSession, actor: Actor, asset_id: uuid.UUID
) -> tuple[Sequence[WorkOrder], set[uuid.UUID]]:
    """All the asset's orders in scope, newest first, and the ids of repeat faults: a
    corrective order reported within 30 days of another corrective order on the asset."""
    stmt = scope_work_orders(actor, select(WorkOrder).where(col(WorkOrder.asset_id) == asset_id))
    orders = (await session.scalars(stmt.order_by(col(WorkOrder.reported_at).desc()))).all()
    corrective = [o for o in orders if o.kind == WorkOrderKind.CORRECTIVE]
    repeats: set[uuid.UUID] = set()
    for newer, older in itertools.pairwise(corrective):
        if newer.reported_at - older.reported_at <= REPEAT_FAULT_WINDOW:
            repeats.update({newer.id, older.id})
    return orders, repeats


async def existing_blobs(session: AsyncSession, hashes: set[str]) -> set[str]:
    """Which of these blobs were uploaded completely (and so have a thumbnail)."""
    if not hashes:
        return set()
    rows = await session.scalars(
        select(col(Blob.sha256)).where(col(Blob.sha256).in_(hashes), col(Blob.complete))
    )
    return set(rows)
