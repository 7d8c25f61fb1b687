"""Routine cleaning tasks, made from the room schedules ahead of time.

Like patrol's expected rounds (server/domain/patrol/expected.py) the server knows a
routine clean is due whether or not a phone ever syncs, so one nobody did shows as overdue
at its deadline. A task's id is derived from its schedule and its start, so generation is
idempotent on every server and every run.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    CleaningKind,
    CleaningRoom,
    CleaningSchedule,
    CleaningTask,
    Site,
)
from server.domain.patrol.schedule import Series, expand_days, local_days
from server.domain.stock.ids import derived_id

AHEAD = timedelta(hours=36)
BEHIND = timedelta(hours=12)


def routine_task_id(schedule_id: uuid.UUID, window_start: datetime) -> uuid.UUID:
    return derived_id(f"cleaning_task:{schedule_id}:{window_start.isoformat()}")


def series_of(schedule: CleaningSchedule) -> Series:
    return Series(
        schedule.first_start,
        schedule.last_start,
        schedule.every_minutes,
        schedule.weekdays,
        schedule.due_within_minutes,
        schedule.valid_from,
        schedule.valid_until,
    )


async def generate(
    session: AsyncSession,
    now: datetime,
    *,
    room_ids: Sequence[uuid.UUID] | None = None,
    behind: timedelta = BEHIND,
    ahead: timedelta = AHEAD,
) -> list[CleaningTask]:
    """Make the routine tasks whose window starts from `now - behind` to `now + ahead`;
    the ones already made are left as they are."""
    start, end = now - behind, now + ahead
    stmt = (
        select(CleaningSchedule, CleaningRoom, col(Site.timezone))
        .join(CleaningRoom, col(CleaningRoom.id) == col(CleaningSchedule.room_id))
        .join(Site, col(Site.id) == col(CleaningRoom.site_id))
    )
    if room_ids is not None:
        stmt = stmt.where(col(CleaningRoom.id).in_(room_ids))
    rows = (await session.execute(stmt)).all()
    existing = set(
        await session.scalars(
            select(col(CleaningTask.id)).where(
                col(CleaningTask.kind) == CleaningKind.ROUTINE,
                col(CleaningTask.window_start) >= start,
                col(CleaningTask.window_start) < end,
            )
        )
    )
    made: list[CleaningTask] = []
    for schedule, room, timezone in rows:
        for window in expand_days(series_of(schedule), timezone, local_days(timezone, start, end)):
            if not start <= window.start < end:
                continue
            task_id = routine_task_id(schedule.id, window.start)
            if task_id in existing:
                continue
            existing.add(task_id)
            task = CleaningTask(
                id=task_id,
                room_id=room.id,
                location_id=room.location_id,
                site_id=room.site_id,
                contractor_id=room.contractor_id,
                department_id=room.department_id,
                kind=CleaningKind.ROUTINE,
                schedule_id=schedule.id,
                window_start=window.start,
                due_at=window.end,
            )
            session.add(task)
            made.append(task)
    await session.flush()
    return made
