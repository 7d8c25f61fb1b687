"""The rules every action shares: where it came from, the scoped and locked order, the
state machine check and the event that records the node.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    Role,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderStatus,
)
from server.db.types import utcnow
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import (
    may_bill_work,
    scope_tied_work_orders,
    scope_work_orders,
)
from server.domain.work.states import MOVES
from server.errors import (
    Forbidden,
    InvalidTransition,
    NotAssignee,
    NotFound,
)

DESK = frozenset({Role.DESK, Role.SUPERVISOR, Role.ADMIN})
# Minutes to arrive after dispatch, and to complete after the report, by priority 1-5.
SLA_MINUTES: dict[int, tuple[int, int]] = {
    1: (30, 4 * 60),
    2: (60, 8 * 60),
    3: (4 * 60, 24 * 60),
    4: (8 * 60, 72 * 60),
    5: (24 * 60, 7 * 24 * 60),
}
POOR_RATING = 2


@dataclass(frozen=True)
class Meta:
    """Where an action came from. `claimed_at` is the phone's clock; `received_at` ours."""

    received_at: datetime = field(default_factory=utcnow)
    claimed_at: datetime | None = None
    device_id: uuid.UUID | None = None
    op_id: uuid.UUID | None = None
    late: bool = False
    clock_flag: str | None = None  # the phone's claim was out of bounds: see sync/clocks.py

    @property
    def when(self) -> datetime:
        return self.claimed_at or self.received_at


async def load(
    session: AsyncSession, actor: Actor, order_id: uuid.UUID, *, lock: bool = True
) -> WorkOrder:
    """An order in the actor's scope, row-locked so concurrent actions serialise."""
    stmt = scope_work_orders(actor, select(WorkOrder).where(col(WorkOrder.id) == order_id))
    order = await session.scalar(stmt.with_for_update() if lock else stmt)
    if order is None:
        raise NotFound("No such work order in your scope.", work_order_id=str(order_id))
    return order


async def load_tied(session: AsyncSession, actor: Actor, order_id: uuid.UUID) -> WorkOrder | None:
    """An order the actor was tied to but may no longer see (`scope_tied_work_orders`),
    row-locked; None when they never were."""
    stmt = scope_tied_work_orders(actor, select(WorkOrder).where(col(WorkOrder.id) == order_id))
    return await session.scalar(stmt.with_for_update())


def _event(
    session: AsyncSession,
    order: WorkOrder,
    actor: Actor,
    action: str,
    meta: Meta,
    before: str | None,
    detail: str = "",
) -> WorkOrderEvent:
    """Record a node. It keeps the order's team and assignee as they are now: a caller that
    changes them afterwards updates the event (`tie`)."""
    event = WorkOrderEvent(
        work_order_id=order.id,
        action=action,
        from_status=before,
        to_status=order.status if before is not None else None,
        actor_id=actor.user_id,
        device_id=meta.device_id,
        op_id=meta.op_id,
        claimed_at=meta.claimed_at,
        received_at=meta.received_at,
        clock_flag=meta.clock_flag,
        detail=detail[:2000],
        late=meta.late,
    )
    tie(event, order)
    session.add(event)
    return event


def tie(event: WorkOrderEvent, order: WorkOrder) -> None:
    event.team_id, event.assignee_id = order.team_id, order.assignee_id


def _move(
    session: AsyncSession, order: WorkOrder, actor: Actor, action: str, meta: Meta, detail: str = ""
) -> WorkOrderEvent:
    move = MOVES[action]
    status = WorkOrderStatus(order.status)
    if status not in move.allowed_from:
        state = status.value.replace("_", " ")
        raise InvalidTransition(
            f"Cannot {action.replace('_', ' ')} a work order that is {state}.",
            status=status.value,
            action=action,
        )
    before = status.value
    if move.to is not None:
        order.status = move.to
    return _event(session, order, actor, action, meta, before, detail)


def _require(actor: Actor, roles: frozenset[Role], what: str) -> None:
    if not actor.has(*roles):
        raise Forbidden(f"Your role may not {what}.")


def _require_assignee(order: WorkOrder, actor: Actor) -> None:
    if order.assignee_id != actor.user_id and not actor.has(*DESK):
        raise NotAssignee("This work order is assigned to someone else.")


def _require_biller(order: WorkOrder, actor: Actor) -> None:
    if not may_bill_work(actor, order):
        raise NotAssignee(
            "Only the assignee or the lead of the order's team may record labour and parts."
        )


async def _next_number(session: AsyncSession, now: datetime) -> str:
    count = await session.scalar(select(func.count()).select_from(WorkOrder)) or 0
    return f"WO-{now.year}-{count + 1:06d}-{uuid.uuid4().hex[:4].upper()}"
