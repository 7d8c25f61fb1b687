"""The one service that changes work orders. The console's buttons, the API and the ops
pushed by phones all call these functions, so every path obeys the same rules and every
node of the loop leaves an event with who, which device, the claimed and received time.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    Asset,
    Attachment,
    Callback,
    Item,
    LabourLine,
    Location,
    Note,
    PartLine,
    Role,
    Team,
    User,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderKind,
    WorkOrderStatus,
)
from server.db.types import utcnow
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import scope_work_orders
from server.domain.work.audience import tell, users_with_role
from server.domain.work.states import MOVES, WORKING
from server.errors import (
    Forbidden,
    InvalidConfirmation,
    InvalidInput,
    InvalidTransition,
    NotAssignee,
    NotFound,
    NotRequestingDepartment,
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


def _event(
    session: AsyncSession,
    order: WorkOrder,
    actor: Actor,
    action: str,
    meta: Meta,
    before: str | None,
    detail: str = "",
) -> None:
    session.add(
        WorkOrderEvent(
            work_order_id=order.id,
            action=action,
            from_status=before,
            to_status=order.status if before is not None else None,
            actor_id=actor.user_id,
            device_id=meta.device_id,
            op_id=meta.op_id,
            claimed_at=meta.claimed_at,
            received_at=meta.received_at,
            detail=detail[:2000],
            late=meta.late,
        )
    )


def _move(
    session: AsyncSession, order: WorkOrder, actor: Actor, action: str, meta: Meta, detail: str = ""
) -> None:
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
    _event(session, order, actor, action, meta, before, detail)


def _require(actor: Actor, roles: frozenset[Role], what: str) -> None:
    if not actor.has(*roles):
        raise Forbidden(f"Your role may not {what}.")


def _require_assignee(order: WorkOrder, actor: Actor) -> None:
    if order.assignee_id != actor.user_id and not actor.has(*DESK):
        raise NotAssignee("This work order is assigned to someone else.")


async def _next_number(session: AsyncSession, now: datetime) -> str:
    count = await session.scalar(select(func.count()).select_from(WorkOrder)) or 0
    return f"WO-{now.year}-{count + 1:06d}-{uuid.uuid4().hex[:4].upper()}"


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
) -> WorkOrder:
    """A fault reported from an asset (its scanned tag) or a room."""
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
        department_id=location.department_id or (asset.department_id if asset else None),
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
    _move(session, order, actor, "dispatch", meta, f"to {team.name}")
    order.team_id, order.dispatched_at = team_id, meta.when
    if reassigning:
        order.assignee_id = None
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
    _move(session, order, actor, "assign", meta, f"to {technician.name}")
    order.assignee_id = technician.id
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


async def log_labour(
    session: AsyncSession, actor: Actor, meta: Meta, order: WorkOrder, minutes: int, grade: str
) -> LabourLine:
    """Priced from the rate card in force for the technician's trade and grade."""
    from server.domain.work.pricing import hourly_rate

    if not meta.late:
        _require_assignee(order, actor)
        _move(session, order, actor, "log_labour", meta, f"{minutes} min")
    user = await session.get(User, actor.user_id)
    team = await session.get(Team, user.team_id) if user and user.team_id else None
    trade = team.trade if team else "general"
    rate = await hourly_rate(session, trade, grade, meta.when.date())
    line = LabourLine(
        work_order_id=order.id,
        technician_id=actor.user_id,
        minutes=minutes,
        trade=trade,
        grade=grade,
        hourly_rate_cents=rate,
        cost_cents=round(rate * minutes / 60),
        op_id=meta.op_id,
        late=meta.late,
    )
    session.add(line)
    return line


async def add_part(
    session: AsyncSession,
    actor: Actor,
    meta: Meta,
    order: WorkOrder,
    item_id: uuid.UUID,
    quantity: int,
) -> PartLine:
    if not meta.late:
        _require_assignee(order, actor)
        _move(session, order, actor, "add_part", meta, f"{quantity} x item")
    item = await session.get(Item, item_id)
    if item is None:
        raise InvalidInput("No such stock item.", field="item_id")
    line = PartLine(
        work_order_id=order.id,
        item_id=item.id,
        quantity=quantity,
        unit_cost_cents=item.unit_cost_cents,
        cost_cents=item.unit_cost_cents * quantity,
        op_id=meta.op_id,
        late=meta.late,
    )
    session.add(line)
    return line


async def attach(
    session: AsyncSession,
    actor: Actor,
    meta: Meta,
    order: WorkOrder,
    sha256: str,
    kind: str,
    caption: str = "",
) -> None:
    if not meta.late:
        _move(session, order, actor, "attach", meta, kind)
    session.add(
        Attachment(
            work_order_id=order.id,
            sha256=sha256,
            kind=kind,
            caption=caption[:200],
            op_id=meta.op_id,
            late=meta.late,
        )
    )


async def note(
    session: AsyncSession, actor: Actor, meta: Meta, order: WorkOrder, text: str
) -> None:
    """Notes are appended, never replaced, whatever the order's state."""
    if not meta.late:
        _move(session, order, actor, "note", meta, text)
    session.add(
        Note(
            work_order_id=order.id,
            author_id=actor.user_id,
            text=text.strip(),
            op_id=meta.op_id,
            late=meta.late,
        )
    )


async def confirm(
    session: AsyncSession,
    actor: Actor,
    meta: Meta,
    order: WorkOrder,
    employee_no: str,
    signature_sha256: str,
) -> None:
    """The requester confirms on the spot: their employee number and signature, checked
    here: the person exists and belongs to the requesting department."""
    person = await session.scalar(select(User).where(col(User.employee_no) == employee_no.strip()))
    if person is None or not person.active:
        raise InvalidConfirmation(f"No colleague has the employee number {employee_no!r}.")
    if order.department_id is None or person.department_id != order.department_id:
        raise InvalidConfirmation("The person confirming must belong to the requesting department.")
    _move(session, order, actor, "confirm", meta, f"by {person.name}")
    order.confirmed_at, order.confirmed_by_id = meta.when, person.id
    order.signature_sha256 = signature_sha256
    session.add(
        Attachment(
            work_order_id=order.id, sha256=signature_sha256, kind="signature", op_id=meta.op_id
        )
    )


async def rate(
    session: AsyncSession,
    actor: Actor,
    meta: Meta,
    order: WorkOrder,
    score: int,
    comment: str,
    fixed: bool,
) -> Callback | None:
    """Only the requesting department rates, with no default; a poor rating or "not
    fixed" opens a callback for the desk."""
    if order.department_id is None or actor.department_id != order.department_id:
        raise NotRequestingDepartment("Only the requesting department rates a repair.")
    if not 1 <= score <= 5:
        raise InvalidInput("A rating runs from 1 to 5.", field="score")
    _move(session, order, actor, "rate", meta, f"{score}/5")
    order.rating, order.rating_comment, order.fixed, order.closed_at = (
        score,
        comment.strip(),
        fixed,
        meta.when,
    )
    if score > POOR_RATING and fixed:
        return None
    reason = "not fixed" if not fixed else f"rated {score}/5"
    callback = Callback(work_order_id=order.id, reason=f"{reason}: {comment.strip()}"[:200])
    session.add(callback)
    desk = await users_with_role(session, Role.DESK)
    await tell(session, desk, "poor_rating", f"{reason}: call the department back", order, comment)
    return callback


async def record_callback(
    session: AsyncSession,
    actor: Actor,
    meta: Meta,
    callback_id: uuid.UUID,
    outcome: str,
    note_text: str,
) -> Callback:
    _require(actor, DESK, "record callbacks")
    callback = await session.get(Callback, callback_id, with_for_update=True)
    if callback is None:
        raise NotFound("No such callback.")
    if callback.status != "open":
        raise InvalidTransition("This callback was already made.")
    if outcome not in {"reopen", "explained", "escalated"}:
        raise InvalidInput("The outcome is reopen, explained or escalated.", field="outcome")
    callback.status, callback.outcome, callback.note = "done", outcome, note_text.strip()
    callback.called_by_id, callback.called_at = actor.user_id, meta.when
    order = await load(session, actor, callback.work_order_id)
    _event(session, order, actor, "callback", meta, None, f"{outcome}: {note_text}")
    if outcome == "reopen":
        await reopen(session, actor, meta, order, f"callback: {note_text}")
    return callback


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
