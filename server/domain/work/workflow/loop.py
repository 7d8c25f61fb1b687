"""Moving an order along the loop: report, schedule, dispatch, assign, the technician's
steps, completion, cancel and reopen.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import (
    Asset,
    Location,
    Role,
    Team,
    User,
    WorkOrder,
    WorkOrderKind,
    WorkOrderStatus,
)
from server.domain.accounts.actor import Actor
from server.domain.work.audience import tell, users_with_role
from server.domain.work.states import WORKING
from server.domain.work.workflow.core import (
    DESK,
    SLA_MINUTES,
    Meta,
    _event,
    _move,
    _next_number,
    _require,
    _require_assignee,
    tie,
)
from server.errors import (
    Forbidden,
    InvalidInput,
    InvalidTransition,
    NotFound,
)


async def report(
    session: AsyncSession,
    actor: Actor,
    meta: Meta,
    *,
    order_id: uuid.UUID | None,
    description: str,
    priority: int,
    asset_id: uuid.UUID | None = None,
    location_id: uuid.UUID | None = None,
    category: str = "",
    department_id: uuid.UUID | None = None,
) -> WorkOrder:
    """A fault reported from an asset (its scanned tag) or a room. `department_id` is the
    department the report is made for (the desk reporting on a caller's behalf); by
    default the room's, else the asset's."""
    if not 1 <= priority <= 5:
        raise InvalidInput("Priority runs from 1 (most urgent) to 5.", field="priority")
    asset = await session.get(Asset, asset_id) if asset_id else None
    if asset_id and asset is None:
        raise NotFound("No asset has this id.", asset_id=str(asset_id))
    location = await session.get(Location, asset.location_id if asset else location_id)
    if location is None:
        raise InvalidInput("Say where the fault is: an asset or a location.", field="location_id")
    order = WorkOrder(
        id=order_id or uuid.uuid4(),
        number=await _next_number(session, meta.received_at),
        kind=WorkOrderKind.CORRECTIVE,
        status=WorkOrderStatus.REPORTED,
        priority=priority,
        site_id=location.site_id,
        asset_id=asset.id if asset else None,
        location_id=location.id,
        department_id=department_id
        or location.department_id
        or (asset.department_id if asset else None),
        team_id=asset.team_id if asset else None,
        description=description.strip(),
        reported_by_id=actor.user_id,
        reported_at=meta.when,
        category=category or (asset.category if asset else ""),
    )
    order.resolution_due_at = order.reported_at + timedelta(minutes=SLA_MINUTES[priority][1])
    session.add(order)
    await session.flush()
    _event(session, order, actor, "report", meta, None, description)
    return order


async def create_planned(
    session: AsyncSession,
    actor: Actor,
    meta: Meta,
    *,
    asset: Asset,
    kind: WorkOrderKind,
    description: str,
    priority: int,
    team_id: uuid.UUID | None,
) -> WorkOrder:
    """A preventive or inspection order for `asset` from a maintenance plan: recorded as
    scheduled (not reported by anyone), then dispatched to the plan's team if it has one."""
    _require(actor, DESK, "schedule planned work")
    order = WorkOrder(
        number=await _next_number(session, meta.received_at),
        kind=kind,
        status=WorkOrderStatus.REPORTED,
        priority=priority,
        site_id=asset.site_id,
        asset_id=asset.id,
        location_id=asset.location_id,
        department_id=asset.department_id,
        team_id=None,
        description=description.strip(),
        reported_by_id=None,  # nobody reported it; the "schedule" event names the actor
        reported_at=meta.when,
        category=asset.category,
    )
    order.resolution_due_at = order.reported_at + timedelta(minutes=SLA_MINUTES[priority][1])
    session.add(order)
    await session.flush()
    _event(session, order, actor, "schedule", meta, None, description)
    team_id = team_id or asset.team_id
    if team_id is not None:
        await dispatch(session, actor, meta, order, team_id)
    return order


async def dispatch(
    session: AsyncSession, actor: Actor, meta: Meta, order: WorkOrder, team_id: uuid.UUID
) -> None:
    _require(actor, DESK, "dispatch work orders")
    team = await session.get(Team, team_id)
    if team is None:
        raise InvalidInput("No such team.", field="team_id")
    reassigning = order.team_id is not None and order.team_id != team_id
    event = _move(session, order, actor, "dispatch", meta, f"to {team.name}")
    order.team_id, order.dispatched_at = team_id, meta.when
    if reassigning:
        order.assignee_id = None
    tie(event, order)
    order.response_due_at = meta.when + timedelta(minutes=SLA_MINUTES[order.priority][0])
    leads = await users_with_role(session, Role.TEAM_LEAD, team_id)
    await tell(session, leads, "dispatched", f"new job for {team.name}", order)


async def assign(
    session: AsyncSession, actor: Actor, meta: Meta, order: WorkOrder, technician_id: uuid.UUID
) -> None:
    """The team accepts the order and names the technician (the team lead, or the desk)."""
    if not actor.has(*DESK) and not (actor.has(Role.TEAM_LEAD) and actor.team_id == order.team_id):
        raise Forbidden("Only the order's team lead or the desk may assign it.")
    technician = await session.get(User, technician_id)
    if technician is None or not technician.active:
        raise InvalidInput("No such technician.", field="technician_id")
    event = _move(session, order, actor, "assign", meta, f"to {technician.name}")
    order.assignee_id = technician.id
    tie(event, order)
    await tell(session, [technician.id], "assigned", "assigned to you", order)


async def technician_step(
    session: AsyncSession, actor: Actor, meta: Meta, order: WorkOrder, action: str, detail: str = ""
) -> None:
    """accept, start, hold, resume: the assignee's own moves."""
    _require_assignee(order, actor)
    _move(session, order, actor, action, meta, detail)
    if action == "start" and order.arrived_at is None:
        order.arrived_at = meta.when
    if action == "hold":
        order.hold_reason = detail[:200]


def record_inspection(
    session: AsyncSession, actor: Actor, meta: Meta, order: WorkOrder, detail: str
) -> None:
    """The assignee records checklist results on an order they are working on."""
    _require_assignee(order, actor)
    status = WorkOrderStatus(order.status)
    if status not in WORKING:
        state = status.value.replace("_", " ")
        raise InvalidTransition(
            f"Cannot record an inspection on a work order that is {state}.",
            status=status.value,
            action="inspect",
        )
    order.updated_at = meta.received_at
    _event(session, order, actor, "inspect", meta, None, detail)


async def complete(
    session: AsyncSession, actor: Actor, meta: Meta, order: WorkOrder, resolution: str
) -> None:
    _require_assignee(order, actor)
    _move(session, order, actor, "complete", meta, resolution)
    order.completed_at, order.resolution = meta.when, resolution.strip()
    if order.reported_by_id is not None:
        await tell(
            session,
            [order.reported_by_id],
            "confirm_request",
            "repair done: please confirm and rate",
            order,
            resolution,
        )


async def cancel(
    session: AsyncSession, actor: Actor, meta: Meta, order: WorkOrder, reason: str
) -> None:
    _require(actor, DESK, "cancel work orders")
    _move(session, order, actor, "cancel", meta, reason)


async def reopen(
    session: AsyncSession, actor: Actor, meta: Meta, order: WorkOrder, reason: str
) -> None:
    _require(actor, DESK, "reopen work orders")
    _move(session, order, actor, "reopen", meta, reason)
    order.completed_at = order.confirmed_at = order.closed_at = None
    order.rating, order.fixed = None, None
