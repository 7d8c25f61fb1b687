"""Cleaning: the rooms a contractor cleans (each with its QR/NFC tag), the routine schedule
of each room, the tasks (routine, terminal disinfection, spill), what cleaners recorded on
them, and audits.

Field records keep the op that carried them (`*_op_id`, `*_op_hash`), like patrol records:
the op's place in its device's hash chain is what the contractor's settlement quotes."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index
from sqlmodel import Field

from server.db.models.base import Entity
from server.db.models.patrol import ScanMethod
from server.db.types import UTCDateTime, string_enum


class CleaningRoom(Entity, table=True):
    """A location a contractor cleans, and the tag on its door that a cleaner scans at the
    start and at the end of each clean. `department_id` is the ward the room belongs to
    (who may ask for a terminal clean of it)."""

    __tablename__ = "cleaning_room"

    location_id: uuid.UUID = Field(foreign_key="location.id", unique=True)
    site_id: uuid.UUID = Field(foreign_key="site.id", index=True)
    contractor_id: uuid.UUID = Field(foreign_key="contractor.id", index=True)
    department_id: uuid.UUID | None = Field(default=None, foreign_key="department.id", index=True)
    name: str = Field(max_length=120)
    qr_payload: str = Field(unique=True, max_length=64)
    nfc_uid: str | None = Field(default=None, unique=True, max_length=32)
    # Infection-control risk of the room: "very_high" (theatres, isolation), "high", "normal".
    risk: str = Field(default="normal", max_length=16)


class CleaningSchedule(Entity, table=True):
    """Routine cleans of a room: one every `every_minutes` from `first_start` to
    `last_start` (local time of the room's site) on the ISO weekdays in `weekdays`, each
    due within `due_within_minutes` of its start (patrol's Series, server/domain/patrol/
    schedule.py). A daily clean is first_start == last_start."""

    __tablename__ = "cleaning_schedule"

    room_id: uuid.UUID = Field(foreign_key="cleaning_room.id", index=True, ondelete="CASCADE")
    first_start: time
    last_start: time
    every_minutes: int = 1440
    weekdays: str = Field(default="1234567", max_length=7)
    due_within_minutes: int = 120
    valid_from: date
    valid_until: date | None = None


class CleaningKind(StrEnum):
    SPILL = "spill"  # urgent
    TERMINAL = "terminal"  # terminal disinfection after discharge or isolation
    ROUTINE = "routine"


class TaskStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class CleaningTask(Entity, table=True):
    """One clean a room needs by `due_at`. A routine task's id is derived from its schedule
    and start (generation is idempotent); a requested one's is chosen by the phone."""

    __tablename__ = "cleaning_task"
    __table_args__ = (Index("ix_cleaning_task_contractor_due", "contractor_id", "due_at"),)

    room_id: uuid.UUID = Field(foreign_key="cleaning_room.id", index=True)
    location_id: uuid.UUID = Field(foreign_key="location.id")
    site_id: uuid.UUID = Field(foreign_key="site.id", index=True)
    contractor_id: uuid.UUID = Field(foreign_key="contractor.id")
    department_id: uuid.UUID | None = Field(default=None, foreign_key="department.id", index=True)
    kind: CleaningKind = Field(sa_type=string_enum(CleaningKind, 16))
    status: TaskStatus = Field(
        default=TaskStatus.OPEN, sa_type=string_enum(TaskStatus, 16), index=True
    )
    schedule_id: uuid.UUID | None = Field(default=None, foreign_key="cleaning_schedule.id")
    window_start: datetime = Field(sa_type=UTCDateTime)  # not to be cleaned before
    due_at: datetime = Field(sa_type=UTCDateTime)
    # Who asked (terminal, spill), why ("discharge", "isolation", "spill"), and what with.
    requested_by_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    reason: str = Field(default="", max_length=24)
    note: str = Field(default="", max_length=400)
    photos: list[str] = Field(default_factory=list, sa_type=JSON)
    # The audit whose re-clean request opened this task.
    reclean_of_audit_id: uuid.UUID | None = Field(default=None)
    request_op_hash: str = Field(default="", max_length=64)
    # What the field recorded, kept on the task so phones see it done with no extra table.
    record_id: uuid.UUID | None = Field(default=None)
    cleaner_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancelled_by_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancel_reason: str = Field(default="", max_length=200)


class CleaningRecord(Entity, table=True):
    """One clean as the cleaner recorded it (id chosen by the phone): the room scanned at
    the start and at the end, the product used, the checklist and the photos. Kept whatever
    state its task was in when it arrived (`kept_late`: the task had been cancelled or done
    by someone else; a conflict holds both sides for the desk)."""

    __tablename__ = "cleaning_record"

    task_id: uuid.UUID = Field(foreign_key="cleaning_task.id", index=True)
    room_id: uuid.UUID = Field(foreign_key="cleaning_room.id")
    site_id: uuid.UUID = Field(foreign_key="site.id")
    contractor_id: uuid.UUID = Field(foreign_key="contractor.id", index=True)
    cleaner_id: uuid.UUID = Field(foreign_key="app_user.id", index=True)
    start_payload: str = Field(default="", max_length=128)
    start_method: ScanMethod | None = Field(default=None, sa_type=string_enum(ScanMethod, 8))
    start_reason: str = Field(default="", max_length=200)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    start_received_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    start_op_id: uuid.UUID | None = None
    start_op_hash: str = Field(default="", max_length=64)
    end_payload: str = Field(default="", max_length=128)
    end_method: ScanMethod | None = Field(default=None, sa_type=string_enum(ScanMethod, 8))
    end_reason: str = Field(default="", max_length=200)
    # The end scan named another room (or none): kept, flagged for the desk and the audit.
    end_room_mismatch: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finish_received_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finish_op_id: uuid.UUID | None = Field(default=None, index=True)
    finish_op_hash: str = Field(default="", max_length=64)
    duration_seconds: int | None = None
    product: str = Field(default="", max_length=80)
    concentration_ppm: int | None = None
    quantity_ml: int | None = None
    checklist: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    photos: list[str] = Field(default_factory=list, sa_type=JSON)
    clock_flag: str | None = Field(default=None, max_length=24)
    device_id: uuid.UUID | None = None
    kept_late: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})


class AuditKind(StrEnum):
    SUPERVISOR = "supervisor"
    INFECTION_CONTROL = "infection_control"


class CleaningAudit(Entity, table=True):
    """A check of a clean: per item a fluorescent marker removed or not, an ATP swab's RLU
    (passed at or under the threshold), or a visual pass/fail; the overall score is the share
    of items passed (0..100). A re-clean request opens a new task on the room."""

    __tablename__ = "cleaning_audit"

    task_id: uuid.UUID = Field(foreign_key="cleaning_task.id", index=True)
    room_id: uuid.UUID = Field(foreign_key="cleaning_room.id")
    site_id: uuid.UUID = Field(foreign_key="site.id")
    contractor_id: uuid.UUID = Field(foreign_key="contractor.id", index=True)
    auditor_id: uuid.UUID = Field(foreign_key="app_user.id")
    kind: AuditKind = Field(sa_type=string_enum(AuditKind, 24))
    items: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    score: int
    note: str = Field(default="", max_length=400)
    reclean_task_id: uuid.UUID | None = Field(default=None)
    audited_at: datetime = Field(sa_type=UTCDateTime, index=True)
    received_at: datetime = Field(sa_type=UTCDateTime)
    op_id: uuid.UUID | None = None
    op_hash: str = Field(default="", max_length=64)
