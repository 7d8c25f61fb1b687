"""A caller's request taken by the desk: checked field by field, offered the open orders
it may duplicate, then created through the same workflow as the phone's report op
(`workflow.report`), or recorded as one more call on an existing order."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    OPEN_STATUSES,
    Asset,
    Department,
    Location,
    WorkOrder,
    WorkOrderCall,
)
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import scope_assets, scope_locations, scope_work_orders
from server.domain.work import workflow
from server.domain.work.workflow import Meta
from server.errors import InvalidTransition

PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{2,30}$")
MAX_TEXT = 4000


@dataclass(frozen=True)
class CallerRequest:
    """What the desk typed, as text; `check` turns it into a `CheckedRequest` or errors."""

    department_id: str = ""
    asset_id: str = ""
    location_id: str = ""
    description: str = ""
    priority: str = "3"
    caller_name: str = ""
    caller_phone: str = ""


@dataclass(frozen=True)
class CheckedRequest:
    department: Department
    asset: Asset | None
    location: Location
    description: str
    priority: int
    caller_name: str
    caller_phone: str


class RequestErrors(Exception):
    """Every field in error at once, so the form shows all of them in one answer (the
    console answers 422 with them beside their fields). Each message is named by its key
    in the console catalogue (`messages_intake`), which holds it in English and Chinese."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("Some fields need correcting.")
        self.errors = errors


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text.strip()) if text.strip() else None
    except ValueError:
        return None


async def _asset(session: AsyncSession, actor: Actor, text: str) -> Asset | None:
    asset_id = _uuid(text)
    if asset_id is None:
        return None
    return await session.scalar(scope_assets(actor, select(Asset).where(col(Asset.id) == asset_id)))


async def _location(session: AsyncSession, actor: Actor, text: str) -> Location | None:
    location_id = _uuid(text)
    if location_id is None:
        return None
    stmt = select(Location).where(col(Location.id) == location_id)
    return await session.scalar(scope_locations(actor, stmt))


def _caller_errors(form: CallerRequest) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not form.caller_name.strip():
        errors["caller_name"] = "intake.err.caller_name"
    elif len(form.caller_name.strip()) > 120:
        errors["caller_name"] = "intake.err.caller_name_long"
    if not PHONE.match(form.caller_phone.strip()):
        errors["caller_phone"] = "intake.err.caller_phone"
    return errors


async def check(session: AsyncSession, actor: Actor, form: CallerRequest) -> CheckedRequest:
    """The request as the workflow needs it; `RequestErrors` names every field in error."""
    errors: dict[str, str] = {}
    department_id = _uuid(form.department_id)
    department = await session.get(Department, department_id) if department_id else None
    if department is None:
        errors["department_id"] = "intake.err.department"
    asset = await _asset(session, actor, form.asset_id)
    if form.asset_id.strip() and asset is None:
        errors["asset_id"] = "intake.err.asset"
    location = await _location(session, actor, form.location_id)
    if form.location_id.strip() and location is None:
        errors["location_id"] = "intake.err.location"
    if asset is not None:
        location = await session.get(Location, asset.location_id)
    elif location is None and "asset_id" not in errors and "location_id" not in errors:
        errors["where"] = "intake.err.where"
    description = form.description.strip()
    if not description:
        errors["description"] = "intake.err.description"
    elif len(description) > MAX_TEXT:
        errors["description"] = "intake.err.description_long"
    priority = int(form.priority) if form.priority.strip().isdigit() else 0
    if not 1 <= priority <= 5:
        errors["priority"] = "intake.err.priority"
    errors |= _caller_errors(form)
    if errors:
        raise RequestErrors(errors)
    # No errors, so both were found.
    assert department is not None
    assert location is not None
    return CheckedRequest(
        department,
        asset,
        location,
        description,
        priority,
        form.caller_name.strip(),
        form.caller_phone.strip(),
    )


async def open_duplicates(
    session: AsyncSession, actor: Actor, request: CheckedRequest
) -> Sequence[WorkOrder]:
    """Open orders the caller may be reporting again: on the same asset, or, when the call
    names no asset, in the same room. Newest first."""
    stmt = select(WorkOrder).where(col(WorkOrder.status).in_(OPEN_STATUSES))
    if request.asset is not None:
        stmt = stmt.where(col(WorkOrder.asset_id) == request.asset.id)
    else:
        stmt = stmt.where(col(WorkOrder.location_id) == request.location.id)
    rows = await session.scalars(
        scope_work_orders(actor, stmt).order_by(col(WorkOrder.reported_at).desc()).limit(10)
    )
    return rows.all()


def _call(
    actor: Actor, meta: Meta, order: WorkOrder, request: CheckedRequest, *, opened: bool
) -> WorkOrderCall:
    return WorkOrderCall(
        work_order_id=order.id,
        caller_name=request.caller_name,
        caller_phone=request.caller_phone,
        department_id=request.department.id,
        text=request.description,
        opened_order=opened,
        taken_by_id=actor.user_id,
        taken_at=meta.received_at,
    )


async def create_order(
    session: AsyncSession, actor: Actor, meta: Meta, request: CheckedRequest
) -> WorkOrder:
    """A new order, reported by the desk user on behalf of the caller's department; the
    caller is kept on the order as its opening call."""
    order = await workflow.report(
        session,
        actor,
        meta,
        order_id=None,
        description=request.description,
        priority=request.priority,
        asset_id=request.asset.id if request.asset else None,
        location_id=request.location.id,
        department_id=request.department.id,
    )
    session.add(_call(actor, meta, order, request, opened=True))
    await session.flush()
    return order


async def add_call(
    session: AsyncSession,
    actor: Actor,
    meta: Meta,
    order_id: uuid.UUID,
    request: CheckedRequest,
) -> WorkOrder:
    """One more caller for an open order: kept as a call and a "call" node on the order."""
    order = await workflow.load(session, actor, order_id)
    if order.status not in OPEN_STATUSES:
        raise InvalidTransition(
            "This order is no longer open: create a new one.", order_status=order.status.value
        )
    session.add(_call(actor, meta, order, request, opened=False))
    detail = f"{request.caller_name} ({request.caller_phone}): {request.description}"
    workflow._event(session, order, actor, "call", meta, order.status.value, detail)
    await session.flush()
    return order


async def calls_on(session: AsyncSession, order_id: uuid.UUID) -> Sequence[WorkOrderCall]:
    rows = await session.scalars(
        select(WorkOrderCall)
        .where(col(WorkOrderCall.work_order_id) == order_id)
        .order_by(col(WorkOrderCall.taken_at))
    )
    return rows.all()
