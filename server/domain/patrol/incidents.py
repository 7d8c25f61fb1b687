"""Incidents guards report on a round: kept as sent; one that needs facilities opens a
work order through the work workflow, at the incident's location, linked to it."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Checkpoint, Incident, Location, PatrolRound
from server.domain.accounts.actor import Actor
from server.domain.patrol.records import Meta
from server.domain.work import workflow as wf
from server.errors import InvalidInput, RoundsError


def _work_meta(meta: Meta) -> wf.Meta:
    return wf.Meta(
        meta.received_at, meta.claimed_at, meta.device_id, meta.op_id, False, meta.clock_flag
    )


async def _where(
    session: AsyncSession,
    actor: Actor,
    round_id: uuid.UUID | None,
    checkpoint_id: uuid.UUID | None,
    location_id: uuid.UUID | None,
) -> tuple[PatrolRound | None, Checkpoint | None, Location | None, uuid.UUID]:
    walked = await session.get(PatrolRound, round_id) if round_id else None
    checkpoint = await session.get(Checkpoint, checkpoint_id) if checkpoint_id else None
    location_id = location_id or (checkpoint.location_id if checkpoint else None)
    location = await session.get(Location, location_id) if location_id else None
    for site_id in (
        location.site_id if location else None,
        checkpoint.site_id if checkpoint else None,
        walked.site_id if walked else None,
        *sorted(actor.site_ids),
    ):
        if site_id is not None:
            return walked, checkpoint, location, site_id
    raise InvalidInput(
        "Say where it happened: a round, a checkpoint or a location.", field="location_id"
    )


async def report_incident(
    session: AsyncSession,
    actor: Actor,
    meta: Meta,
    *,
    incident_id: uuid.UUID,
    category: str,
    text: str,
    photos: list[str],
    round_id: uuid.UUID | None = None,
    checkpoint_id: uuid.UUID | None = None,
    location_id: uuid.UUID | None = None,
    open_work_order: bool = False,
) -> Incident:
    existing = await session.get(Incident, incident_id)
    if existing is not None:
        return existing
    walked, checkpoint, location, site_id = await _where(
        session, actor, round_id, checkpoint_id, location_id
    )
    incident = Incident(
        id=incident_id,
        round_id=walked.id if walked else None,
        checkpoint_id=checkpoint.id if checkpoint else None,
        location_id=location.id if location else None,
        site_id=site_id,
        contractor_id=walked.contractor_id if walked else actor.contractor_id,
        reported_by_id=actor.user_id,
        category=category,
        text=text,
        photos=list(dict.fromkeys(photos)),
        occurred_at=meta.when,
        received_at=meta.received_at,
        op_id=meta.op_id,
        op_hash=meta.op_hash,
    )
    session.add(incident)
    await session.flush()
    if open_work_order and location is not None:
        incident.work_order_id = await _open_work_order(session, actor, meta, incident, location)
        await session.flush()
    return incident


async def _open_work_order(
    session: AsyncSession, actor: Actor, meta: Meta, incident: Incident, location: Location
) -> uuid.UUID | None:
    """The order facilities works from; the incident stands whether or not it opens."""
    description = f"{incident.category}: {incident.text}".strip().rstrip(":") or incident.category
    try:  # the workflow checks what it is given before it writes anything
        order = await wf.report(
            session,
            actor,
            _work_meta(meta),
            order_id=uuid.uuid5(incident.id, "work_order"),
            description=f"Patrol incident. {description}"[:4000],
            priority=2,
            location_id=location.id,
            category=incident.category[:60],
        )
        for sha in incident.photos:
            await wf.attach(session, actor, _work_meta(meta), order, sha, "photo")
        await session.flush()
    except RoundsError:
        return None
    return order.id
