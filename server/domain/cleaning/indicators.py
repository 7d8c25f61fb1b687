"""The cleaning contractor's month, measured for its scorecard (server/domain/scorecards/
measures.py, a `Provider`): tasks done on time, audit scores, re-cleans asked for, and
complaints. Each measure quotes the records behind it, with the hash of the op that
carried each field record, so either side can trace a line of a statement.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import CleaningAudit, CleaningRecord, CleaningRoom, CleaningTask, Site
from server.db.models import TaskStatus as Status
from server.db.types import utcnow
from server.domain.patrol.month_records import month_window
from server.domain.scorecards.complaints import complaint_count
from server.domain.scorecards.measures import Evidence, Measure, Unit

ON_TIME = "cleaning.on_time_rate"
AUDIT_SCORE = "cleaning.audit_score"
RECLEAN_COUNT = "cleaning.reclean_count"
# Complaints the desk took naming the contractor (server/domain/scorecards/complaints.py).
COMPLAINT_COUNT = "cleaning.complaint_count"


async def contractor_zone(session: AsyncSession, contractor_id: uuid.UUID) -> ZoneInfo:
    """The time zone of the campus of the contractor's first room (UTC without one)."""
    name = await session.scalar(
        select(col(Site.timezone))
        .join(CleaningRoom, col(CleaningRoom.site_id) == col(Site.id))
        .where(col(CleaningRoom.contractor_id) == contractor_id)
        .order_by(col(CleaningRoom.qr_payload))
        .limit(1)
    )
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _local(at: datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M")


async def on_time(
    session: AsyncSession, contractor_id: uuid.UUID, start: datetime, end: datetime, zone: ZoneInfo
) -> Measure:
    """Tasks due in the month (and due by now), not cancelled: the share finished by their
    deadline. A task never done counts as late."""
    rows = (
        await session.execute(
            select(CleaningTask, col(CleaningRoom.name), col(CleaningRecord.finish_op_hash))
            .join(CleaningRoom, col(CleaningRoom.id) == col(CleaningTask.room_id))
            .outerjoin(CleaningRecord, col(CleaningRecord.id) == col(CleaningTask.record_id))
            .where(
                col(CleaningTask.contractor_id) == contractor_id,
                col(CleaningTask.due_at) >= start,
                col(CleaningTask.due_at) < min(end, utcnow()),
                col(CleaningTask.status) != Status.CANCELLED,
            )
            .order_by(col(CleaningTask.due_at), col(CleaningTask.id))
        )
    ).all()
    evidence: list[Evidence] = []
    done_on_time = 0
    for task, room, op_hash in rows:
        finished = task.finished_at
        in_time = task.status == Status.DONE and finished is not None and finished <= task.due_at
        done_on_time += in_time
        outcome = (
            f"done {_local(finished, zone)}"
            if finished is not None and task.status == Status.DONE
            else "not done"
        )
        verdict = "on time" if in_time else "late"
        label = f"{task.kind.value} {room}, due {_local(task.due_at, zone)}: {outcome} ({verdict})"
        evidence.append(Evidence("cleaning_task", task.id, label, op_hash or None))
    value = done_on_time / len(rows) if rows else None
    return Measure(value, Unit.RATIO, tuple(evidence), len(rows))


async def _audits(
    session: AsyncSession, contractor_id: uuid.UUID, start: datetime, end: datetime
) -> list[tuple[CleaningAudit, str]]:
    rows = await session.execute(
        select(CleaningAudit, col(CleaningRoom.name))
        .join(CleaningRoom, col(CleaningRoom.id) == col(CleaningAudit.room_id))
        .where(
            col(CleaningAudit.contractor_id) == contractor_id,
            col(CleaningAudit.audited_at) >= start,
            col(CleaningAudit.audited_at) < end,
        )
        .order_by(col(CleaningAudit.audited_at), col(CleaningAudit.id))
    )
    return [(audit, room) for audit, room in rows.all()]


def audit_score(audits: list[tuple[CleaningAudit, str]], zone: ZoneInfo) -> Measure:
    evidence = tuple(
        Evidence(
            "cleaning_audit",
            audit.id,
            f"{audit.kind.value} audit {room}, {_local(audit.audited_at, zone)}: {audit.score}",
            audit.op_hash or None,
        )
        for audit, room in audits
    )
    value = sum(audit.score for audit, _ in audits) / len(audits) if audits else None
    return Measure(value, Unit.SCORE, evidence, len(audits))


def reclean_count(audits: list[tuple[CleaningAudit, str]], zone: ZoneInfo) -> Measure:
    """Re-cleans audits asked for, out of the audits of the month (the basis)."""
    evidence = tuple(
        Evidence(
            "cleaning_audit",
            audit.id,
            f"re-clean of {room} asked {_local(audit.audited_at, zone)} (score {audit.score})",
            audit.op_hash or None,
        )
        for audit, room in audits
        if audit.reclean_task_id is not None
    )
    return Measure(float(len(evidence)), Unit.COUNT, evidence, len(audits))


async def cleaning_measures(
    session: AsyncSession, contractor_id: uuid.UUID, month_first_day: date
) -> dict[str, Measure]:
    """The contractor's cleaning indicators for the month starting on `month_first_day`
    (local time of its campus)."""
    zone = await contractor_zone(session, contractor_id)
    start, end = month_window(month_first_day, zone)
    audits = await _audits(session, contractor_id, start, end)
    return {
        ON_TIME: await on_time(session, contractor_id, start, end, zone),
        AUDIT_SCORE: audit_score(audits, zone),
        RECLEAN_COUNT: reclean_count(audits, zone),
        COMPLAINT_COUNT: await complaint_count(session, contractor_id, (start, end)),
    }
