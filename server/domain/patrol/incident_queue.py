"""The desk's queue of incidents guards reported: open first, then acknowledged, then
closed. Acknowledging, answering and closing are recorded on the incident with who and
when; facilities work is reported as a work order through the work workflow, once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Checkpoint, Incident, IncidentStatus, User, WorkOrder
from server.db.types import utcnow
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission, require, scope_incidents
from server.domain.work import workflow
from server.domain.work.workflow.core import Meta
from server.errors import InvalidInput, InvalidTransition, NotFound

QUEUE_ORDER = case(
    (col(Incident.status) == IncidentStatus.OPEN, 0),
    (col(Incident.status) == IncidentStatus.ACKNOWLEDGED, 1),
    else_=2,
)


@dataclass(frozen=True)
class IncidentFilters:
    status: IncidentStatus | None = None
    site_id: uuid.UUID | None = None
    contractor_id: uuid.UUID | None = None
    category: str = ""


@dataclass(frozen=True)
class IncidentLine:
    id: uuid.UUID
    occurred_at: datetime
    status: str
    category: str
    text: str
    reporter: str
    photos: int
    work_order_id: uuid.UUID | None


async def queue(
    session: AsyncSession, actor: Actor, filters: IncidentFilters
) -> list[IncidentLine]:
    require(actor, Permission.WATCH_PATROL)
    base: Select[*tuple[Any, ...]] = (
        select(Incident, User)
        .join(User, col(User.id) == col(Incident.reported_by_id))
        .order_by(QUEUE_ORDER, col(Incident.occurred_at).desc())
    )
    stmt = scope_incidents(actor, base)
    if filters.status is not None:
        stmt = stmt.where(col(Incident.status) == filters.status)
    if filters.site_id is not None:
        stmt = stmt.where(col(Incident.site_id) == filters.site_id)
    if filters.contractor_id is not None:
        stmt = stmt.where(col(Incident.contractor_id) == filters.contractor_id)
    if filters.category.strip():
        stmt = stmt.where(col(Incident.category) == filters.category.strip())
    rows = (await session.execute(stmt.limit(500))).all()
    return [
        IncidentLine(
            i.id,
            i.occurred_at,
            i.status.value,
            i.category,
            i.text[:120],
            u.name,
            len(i.photos),
            i.work_order_id,
        )
        for i, u in rows
    ]


async def load(session: AsyncSession, actor: Actor, incident_id: uuid.UUID) -> Incident:
    require(actor, Permission.WATCH_PATROL)
    stmt = scope_incidents(actor, select(Incident).where(col(Incident.id) == incident_id))
    found = await session.scalar(stmt.with_for_update())
    if found is None:
        raise NotFound("No such incident in your scope.", incident_id=str(incident_id))
    return found


async def people(session: AsyncSession, incident: Incident) -> dict[uuid.UUID, str]:
    ids = {
        incident.reported_by_id,
        incident.acknowledged_by_id,
        incident.answered_by_id,
        incident.closed_by_id,
    } - {None}
    rows = await session.execute(select(col(User.id), col(User.name)).where(col(User.id).in_(ids)))
    return {key: str(name) for key, name in rows.all()}


async def acknowledge(session: AsyncSession, actor: Actor, incident_id: uuid.UUID) -> Incident:
    require(actor, Permission.HANDLE_INCIDENTS)
    incident = await load(session, actor, incident_id)
    if incident.status != IncidentStatus.OPEN:
        raise InvalidTransition(f"This incident is {incident.status.value}, not open.")
    incident.status = IncidentStatus.ACKNOWLEDGED
    incident.acknowledged_by_id, incident.acknowledged_at = actor.user_id, utcnow()
    await session.flush()
    return incident


async def answer(
    session: AsyncSession, actor: Actor, incident_id: uuid.UUID, text: str
) -> Incident:
    """An answer to the guard (what was done); it acknowledges an open incident."""
    require(actor, Permission.HANDLE_INCIDENTS)
    incident = await load(session, actor, incident_id)
    if incident.status == IncidentStatus.CLOSED:
        raise InvalidTransition("This incident is closed.")
    reply = text.strip()
    if not reply or len(reply) > 400:
        raise InvalidInput("Write an answer of 1 to 400 characters.", field="answer")
    now = utcnow()
    if incident.status == IncidentStatus.OPEN:
        incident.status = IncidentStatus.ACKNOWLEDGED
        incident.acknowledged_by_id, incident.acknowledged_at = actor.user_id, now
    incident.answer, incident.answered_by_id, incident.answered_at = reply, actor.user_id, now
    await session.flush()
    return incident


async def close(session: AsyncSession, actor: Actor, incident_id: uuid.UUID) -> Incident:
    require(actor, Permission.HANDLE_INCIDENTS)
    incident = await load(session, actor, incident_id)
    if incident.status == IncidentStatus.CLOSED:
        raise InvalidTransition("This incident is already closed.")
    if not incident.answer:
        raise InvalidInput("Answer the incident before closing it.", field="answer")
    now = utcnow()
    if incident.acknowledged_at is None:
        incident.acknowledged_by_id, incident.acknowledged_at = actor.user_id, now
    incident.status = IncidentStatus.CLOSED
    incident.closed_by_id, incident.closed_at = actor.user_id, now
    await session.flush()
    return incident


async def open_work_order(
    session: AsyncSession, actor: Actor, incident_id: uuid.UUID, priority: int
) -> WorkOrder:
    """Report the incident to facilities as a corrective work order, where it happened."""
    require(actor, Permission.DISPATCH)
    incident = await load(session, actor, incident_id)
    if incident.work_order_id is not None:
        raise InvalidTransition("This incident already has a work order.")
    location_id = incident.location_id
    if location_id is None and incident.checkpoint_id is not None:
        checkpoint = await session.get(Checkpoint, incident.checkpoint_id)
        location_id = checkpoint.location_id if checkpoint else None
    if location_id is None:
        raise InvalidInput(
            "The incident names no place; a work order needs one.", field="location_id"
        )
    description = f"Security incident ({incident.category}): {incident.text}".strip()
    order = await workflow.report(
        session,
        actor,
        Meta(),
        order_id=None,
        description=description[:2000],
        priority=priority,
        location_id=location_id,
        category=incident.category,
    )
    incident.work_order_id = order.id
    if incident.status == IncidentStatus.OPEN:
        incident.status = IncidentStatus.ACKNOWLEDGED
        incident.acknowledged_by_id, incident.acknowledged_at = actor.user_id, utcnow()
    await session.flush()
    return order
