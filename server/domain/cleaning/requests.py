"""Cleans asked for outside the routine: a terminal disinfection a ward requests after a
discharge or an isolation, a spill anyone reports, a re-clean an audit asks for; and the
desk cancelling a task."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import CleaningKind, CleaningRoom, CleaningTask, TaskStatus
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import (
    Permission,
    require,
    scope_cleaning_rooms,
    scope_cleaning_tasks,
    scope_spill_rooms,
)
from server.domain.cleaning.terms import RECLEAN_MINUTES, SPILL_MINUTES, TERMINAL_MINUTES
from server.domain.patrol.records import Meta
from server.errors import InvalidTransition, NotFound


async def _room(
    session: AsyncSession, actor: Actor, location_id: uuid.UUID, *, spill: bool = False
) -> CleaningRoom:
    stmt = select(CleaningRoom).where(col(CleaningRoom.location_id) == location_id)
    room = await session.scalar(
        scope_spill_rooms(actor, stmt) if spill else scope_cleaning_rooms(actor, stmt)
    )
    if room is None:
        raise NotFound("No room to clean there among yours.", location_id=str(location_id))
    return room


def _task(
    room: CleaningRoom, task_id: uuid.UUID, kind: CleaningKind, at: datetime, minutes: int
) -> CleaningTask:
    return CleaningTask(
        id=task_id,
        room_id=room.id,
        location_id=room.location_id,
        site_id=room.site_id,
        contractor_id=room.contractor_id,
        department_id=room.department_id,
        kind=kind,
        window_start=at,
        due_at=at + timedelta(minutes=minutes),
    )


async def request_terminal(
    session: AsyncSession,
    actor: Actor,
    meta: Meta,
    *,
    task_id: uuid.UUID,
    location_id: uuid.UUID,
    reason: str,
    note: str = "",
    due_within_minutes: int | None = None,
) -> CleaningTask:
    existing = await session.get(CleaningTask, task_id)
    if existing is not None:  # the same request sent again by another op
        return existing
    room = await _room(session, actor, location_id)
    task = _task(
        room,
        task_id,
        CleaningKind.TERMINAL,
        meta.when,
        due_within_minutes or TERMINAL_MINUTES[reason],
    )
    task.requested_by_id, task.reason, task.note = actor.user_id, reason, note[:400]
    task.request_op_hash = meta.op_hash
    session.add(task)
    await session.flush()
    return task


async def report_spill(
    session: AsyncSession,
    actor: Actor,
    meta: Meta,
    *,
    task_id: uuid.UUID,
    location_id: uuid.UUID,
    note: str = "",
    photos: list[str] | None = None,
) -> CleaningTask:
    existing = await session.get(CleaningTask, task_id)
    if existing is not None:
        return existing
    room = await _room(session, actor, location_id, spill=True)
    task = _task(room, task_id, CleaningKind.SPILL, meta.when, SPILL_MINUTES)
    task.requested_by_id, task.reason, task.note = actor.user_id, "spill", note[:400]
    task.photos = list(photos or [])
    task.request_op_hash = meta.op_hash
    session.add(task)
    await session.flush()
    return task


def reclean(
    audited: CleaningTask, task_id: uuid.UUID, audit_id: uuid.UUID, at: datetime
) -> CleaningTask:
    """The task an audit's re-clean request opens: the same room and kind, due within the hour."""
    return CleaningTask(
        id=task_id,
        room_id=audited.room_id,
        location_id=audited.location_id,
        site_id=audited.site_id,
        contractor_id=audited.contractor_id,
        department_id=audited.department_id,
        kind=audited.kind,
        window_start=at,
        due_at=at + timedelta(minutes=RECLEAN_MINUTES),
        reason="reclean",
        reclean_of_audit_id=audit_id,
    )


async def cancel_task(
    session: AsyncSession, actor: Actor, task_id: uuid.UUID, reason: str, at: datetime
) -> CleaningTask:
    """The desk calls a task off (the patient stayed, a duplicate request). A cleaner's
    record of it that arrives later is kept all the same, with a conflict for the desk."""
    require(actor, Permission.MANAGE_CLEANING)
    task = await session.scalar(
        scope_cleaning_tasks(actor, select(CleaningTask).where(col(CleaningTask.id) == task_id))
    )
    if task is None:
        raise NotFound("No such cleaning task.", task_id=str(task_id))
    if task.status in (TaskStatus.DONE, TaskStatus.CANCELLED):
        raise InvalidTransition(f"The task is {task.status.value} already.")
    task.status = TaskStatus.CANCELLED
    task.cancelled_by_id, task.cancelled_at, task.cancel_reason = actor.user_id, at, reason[:200]
    await session.flush()
    return task
