"""The desk's cleaning board: what needs watching now, read afresh on every poll.

Open terminal cleans with the time left to their deadline, open spills, routine cleans
past their deadline and not done, and the latest audits with their scores."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    CleaningAudit,
    CleaningKind,
    CleaningRoom,
    CleaningTask,
    Contractor,
    Site,
    TaskStatus,
)
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import scope_cleaning_audits, scope_cleaning_tasks

OPEN = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)
ROUTINE_LOOKBACK = timedelta(days=2)
AUDITS_SHOWN = 20
TASKS_SHOWN = 100


@dataclass(frozen=True)
class TaskLine:
    id: uuid.UUID
    kind: str
    status: str
    room: str
    site: str
    contractor: str
    due_at: datetime
    minutes_left: int  # negative: overdue
    reason: str
    note: str


@dataclass(frozen=True)
class AuditLine:
    id: uuid.UUID
    room: str
    kind: str
    score: int
    reclean: bool
    audited_at: datetime


@dataclass(frozen=True)
class Board:
    terminal: list[TaskLine]
    spills: list[TaskLine]
    overdue_routine: list[TaskLine]
    audits: list[AuditLine]


async def _lines(
    session: AsyncSession, actor: Actor, now: datetime, *where: ColumnElement[bool]
) -> list[TaskLine]:
    # Several columns: the policy's scope functions are typed for a Select of any row.
    rows: Any = (
        select(CleaningTask, col(CleaningRoom.name), col(Site.code), col(Contractor.name))
        .join(CleaningRoom, col(CleaningRoom.id) == col(CleaningTask.room_id))
        .join(Site, col(Site.id) == col(CleaningTask.site_id))
        .join(Contractor, col(Contractor.id) == col(CleaningTask.contractor_id))
        .where(col(CleaningTask.status).in_(OPEN), *where)
        .order_by(col(CleaningTask.due_at))
        .limit(TASKS_SHOWN)
    )
    stmt = scope_cleaning_tasks(actor, rows)
    return [
        TaskLine(
            task.id,
            task.kind.value,
            task.status.value,
            room,
            site,
            contractor,
            task.due_at,
            int((task.due_at - now).total_seconds() // 60),
            task.reason,
            task.note,
        )
        for task, room, site, contractor in (await session.execute(stmt)).all()
    ]


async def board(session: AsyncSession, actor: Actor, now: datetime) -> Board:
    kind = col(CleaningTask.kind)
    latest: Any = (
        select(CleaningAudit, col(CleaningRoom.name))
        .join(CleaningRoom, col(CleaningRoom.id) == col(CleaningAudit.room_id))
        .order_by(col(CleaningAudit.audited_at).desc())
        .limit(AUDITS_SHOWN)
    )
    audits = await session.execute(scope_cleaning_audits(actor, latest))
    return Board(
        terminal=await _lines(session, actor, now, kind == CleaningKind.TERMINAL),
        spills=await _lines(session, actor, now, kind == CleaningKind.SPILL),
        overdue_routine=await _lines(
            session,
            actor,
            now,
            kind == CleaningKind.ROUTINE,
            col(CleaningTask.due_at) < now,
            col(CleaningTask.due_at) >= now - ROUTINE_LOOKBACK,
        ),
        audits=[
            AuditLine(
                a.id, room, a.kind.value, a.score, a.reclean_task_id is not None, a.audited_at
            )
            for a, room in audits.all()
        ],
    )
