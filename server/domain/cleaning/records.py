"""What cleaners record: the start and the finish of a clean, each with a scan of the room.

The start needs the task's own room scanned (the phone checks it too, so a refusal is
rare): nothing has been cleaned yet. A finish is the record of work done and is kept
whatever it meets (sync-contract "cleaning logs are append-only events"): a task the desk
cancelled meanwhile, or one someone else finished, keeps the record `kept_late` and opens
a conflict for the desk; an end scan of another room is kept and flagged.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import CleaningRecord, CleaningRoom, CleaningTask, ScanMethod, TaskStatus
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import scope_cleaning_tasks
from server.domain.cleaning.op_args import ChecklistTick, RoomScan
from server.domain.patrol.records import Meta, check_manual, normalise_uid
from server.errors import InvalidInput, NotFound


class WrongRoom(InvalidInput):
    """The room scanned at the start is not the task's."""


@dataclass(frozen=True)
class Outcome:
    """The record, and why it could not count for its task (None: it did)."""

    record: CleaningRecord
    task: CleaningTask
    late_because: str | None = None


async def resolve_room(session: AsyncSession, scan: RoomScan) -> CleaningRoom | None:
    text = scan.payload.strip()
    found = await session.scalars(
        select(CleaningRoom)
        .where(
            or_(
                col(CleaningRoom.qr_payload) == text,
                col(CleaningRoom.nfc_uid) == normalise_uid(text),
            )
        )
        .limit(1)
    )
    return found.first()


async def visible_task(session: AsyncSession, actor: Actor, task_id: uuid.UUID) -> CleaningTask:
    task = await session.scalar(
        scope_cleaning_tasks(actor, select(CleaningTask).where(col(CleaningTask.id) == task_id))
    )
    if task is None:
        raise NotFound("No such cleaning task among yours.", task_id=str(task_id))
    return task


def _taken(task: CleaningTask, record_id: uuid.UUID) -> str | None:
    """Why this record cannot count for the task: cancelled, or done by another record."""
    if task.status == TaskStatus.CANCELLED:
        return "cancelled"
    if task.status == TaskStatus.DONE and task.record_id != record_id:
        return "done_by_another"
    return None


def _new_record(task: CleaningTask, actor: Actor, record_id: uuid.UUID) -> CleaningRecord:
    return CleaningRecord(
        id=record_id,
        task_id=task.id,
        room_id=task.room_id,
        site_id=task.site_id,
        contractor_id=task.contractor_id,
        cleaner_id=actor.user_id,
    )


async def start(
    session: AsyncSession,
    actor: Actor,
    meta: Meta,
    *,
    record_id: uuid.UUID,
    task_id: uuid.UUID,
    scan: RoomScan,
) -> Outcome:
    check_manual(scan.method, scan.manual_reason)
    task = await visible_task(session, actor, task_id)
    existing = await session.get(CleaningRecord, record_id)
    if existing is not None:
        return Outcome(existing, task)
    room = await resolve_room(session, scan)
    if room is None or room.id != task.room_id:
        raise WrongRoom("Scan the tag of the task's own room to start.", field="scan")
    record = _new_record(task, actor, record_id)
    record.start_payload, record.start_method = scan.payload[:128], scan.method
    record.start_reason = scan.manual_reason[:200]
    record.started_at, record.start_received_at = meta.when, meta.received_at
    record.start_op_id, record.start_op_hash = meta.op_id, meta.op_hash
    record.clock_flag, record.device_id = meta.clock_flag, meta.device_id
    late_because = _taken(task, record_id)
    record.kept_late = late_because is not None
    session.add(record)
    if late_because is None and task.status == TaskStatus.OPEN:
        task.status = TaskStatus.IN_PROGRESS
        task.record_id, task.cleaner_id, task.started_at = record_id, actor.user_id, meta.when
    await session.flush()
    return Outcome(record, task, late_because)


def _ticks(checklist: list[ChecklistTick]) -> list[dict[str, Any]]:
    return [{"item": tick.item, "done": tick.done} for tick in checklist]


async def finish(
    session: AsyncSession,
    actor: Actor,
    meta: Meta,
    *,
    record_id: uuid.UUID,
    task_id: uuid.UUID,
    scan: RoomScan,
    product: str,
    concentration_ppm: int | None,
    quantity_ml: int | None,
    checklist: list[ChecklistTick],
    photos: list[str],
) -> Outcome:
    """Finish the clean. A record finished already keeps its first finish (the later op is
    in the op log all the same); one whose start never reached the server is made here."""
    if scan.method == ScanMethod.MANUAL:
        check_manual(scan.method, scan.manual_reason)
    task = await visible_task(session, actor, task_id)
    record = await session.get(CleaningRecord, record_id)
    if record is not None and record.finished_at is not None:
        return Outcome(record, task)
    if record is None:
        record = _new_record(task, actor, record_id)
        record.clock_flag, record.device_id = meta.clock_flag, meta.device_id
        session.add(record)
    room = await resolve_room(session, scan)
    record.end_payload, record.end_method = scan.payload[:128], scan.method
    record.end_reason = scan.manual_reason[:200]
    record.end_room_mismatch = room is None or room.id != task.room_id
    record.finished_at, record.finish_received_at = meta.when, meta.received_at
    record.finish_op_id, record.finish_op_hash = meta.op_id, meta.op_hash
    if record.started_at is not None:
        record.duration_seconds = max(0, int((meta.when - record.started_at).total_seconds()))
    record.product, record.concentration_ppm = product.strip()[:80], concentration_ppm
    record.quantity_ml, record.checklist = quantity_ml, _ticks(checklist)
    record.photos = list(photos)
    late_because = _taken(task, record_id)
    record.kept_late = late_because is not None
    if late_because is None:
        task.status = TaskStatus.DONE
        task.record_id, task.cleaner_id, task.finished_at = record_id, actor.user_id, meta.when
        task.started_at = task.started_at or record.started_at
    await session.flush()
    return Outcome(record, task, late_because)
