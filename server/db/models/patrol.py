"""Patrol and attendance: checkpoints, the routes that order them, their schedules, the
rounds expected of them, and what guards recorded (rounds, scans, incidents, clock events).

Field records keep the op that carried them (`op_id`, `op_hash`): the op's place in its
device's hash chain (sync/chain.py) is what lets the hospital and the contractor check a
printed statement against the server."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from server.db.models.base import Entity
from server.db.types import UTCDateTime, string_enum


class Checkpoint(Entity, table=True):
    code: str = Field(unique=True, max_length=24)
    name: str = Field(max_length=120)
    qr_payload: str = Field(unique=True, max_length=64)
    nfc_uid: str | None = Field(default=None, unique=True, max_length=32)
    site_id: uuid.UUID = Field(foreign_key="site.id", index=True)
    location_id: uuid.UUID = Field(foreign_key="location.id", index=True)
    latitude: float | None = None
    longitude: float | None = None
    # Where guards clock in and out (a scan there is required).
    clock_point: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})


class Route(Entity, table=True):
    """A patrol route walked by one contractor's guards."""

    code: str = Field(unique=True, max_length=24)
    name: str = Field(max_length=120)
    site_id: uuid.UUID = Field(foreign_key="site.id", index=True)
    contractor_id: uuid.UUID = Field(foreign_key="contractor.id", index=True)
    # Stops may be walked in any order (still all of them).
    free_order: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})


class RouteCheckpoint(SQLModel, table=True):
    """A stop on a route, in order, due within `due_within_minutes` of the round's start."""

    __tablename__ = "route_checkpoint"

    route_id: uuid.UUID = Field(foreign_key="route.id", primary_key=True, ondelete="CASCADE")
    position: int = Field(primary_key=True)
    checkpoint_id: uuid.UUID = Field(foreign_key="checkpoint.id", index=True)
    due_within_minutes: int


class RouteWindow(Entity, table=True):
    """A time window in which a round of the route must start, every day."""

    __tablename__ = "route_window"

    route_id: uuid.UUID = Field(foreign_key="route.id", index=True, ondelete="CASCADE")
    starts_at: time
    ends_at: time


class RouteSchedule(Entity, table=True):
    """When rounds of a route are due: a round starts every `every_minutes` from
    `first_start` to `last_start` (local time of the route's site; past midnight when
    `last_start` is earlier than `first_start`), on the ISO weekdays in `weekdays` ("1"
    Monday ... "7" Sunday) of the day the series starts, each within `tolerance_minutes`."""

    __tablename__ = "route_schedule"

    route_id: uuid.UUID = Field(foreign_key="route.id", index=True, ondelete="CASCADE")
    first_start: time
    last_start: time
    every_minutes: int = 120
    weekdays: str = Field(default="1234567", max_length=7)
    tolerance_minutes: int = 15
    valid_from: date
    valid_until: date | None = None


class ExpectedStatus(StrEnum):
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"  # every stop scanned, each on time
    PARTIAL = "partial"  # walked, but stops missed or late
    MISSED = "missed"  # never started in its window


class ExpectedRound(Entity, table=True):
    """A round the schedule asks for, computed by the server whether or not a phone ever
    syncs. The id is derived from the route and the window's start (generation is
    idempotent). Evaluated again whenever a late record of it arrives."""

    __tablename__ = "expected_round"
    __table_args__ = (Index("ix_expected_round_window", "site_id", "window_start"),)

    route_id: uuid.UUID = Field(foreign_key="route.id", index=True)
    schedule_id: uuid.UUID | None = Field(default=None, foreign_key="route_schedule.id")
    site_id: uuid.UUID = Field(foreign_key="site.id")
    contractor_id: uuid.UUID = Field(foreign_key="contractor.id", index=True)
    window_start: datetime = Field(sa_type=UTCDateTime)
    window_end: datetime = Field(sa_type=UTCDateTime)  # start + tolerance
    status: ExpectedStatus = Field(
        default=ExpectedStatus.SCHEDULED, sa_type=string_enum(ExpectedStatus, 16), index=True
    )
    round_id: uuid.UUID | None = Field(default=None, foreign_key="patrol_round.id")
    stops_due: int = 0
    stops_on_time: int = 0
    stops_late: int = 0
    stops_missed: int = 0
    stops_out_of_order: int = 0
    evaluated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RoundStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    ENDED = "ended"


class PatrolRound(Entity, table=True):
    """One walk of a route by a guard (id chosen by the phone)."""

    __tablename__ = "patrol_round"

    route_id: uuid.UUID = Field(foreign_key="route.id", index=True)
    expected_round_id: uuid.UUID | None = Field(default=None, index=True)
    guard_id: uuid.UUID = Field(foreign_key="app_user.id", index=True)
    site_id: uuid.UUID = Field(foreign_key="site.id")
    contractor_id: uuid.UUID = Field(foreign_key="contractor.id", index=True)
    status: RoundStatus = Field(
        default=RoundStatus.IN_PROGRESS, sa_type=string_enum(RoundStatus, 16)
    )
    started_at: datetime = Field(sa_type=UTCDateTime)  # claimed, bounded by push
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    note: str = Field(default="", max_length=400)
    device_id: uuid.UUID | None = None
    start_op_id: uuid.UUID | None = None
    start_op_hash: str = Field(default="", max_length=64)
    end_op_hash: str = Field(default="", max_length=64)


class ScanMethod(StrEnum):
    QR = "qr"
    NFC = "nfc"
    MANUAL = "manual"  # typed, with a reason; flagged on every report


class CheckpointScan(Entity, table=True):
    """A checkpoint scan as the phone recorded it (id chosen by the phone). A payload that
    names no checkpoint is kept with `checkpoint_id` empty, never dropped."""

    __tablename__ = "checkpoint_scan"
    __table_args__ = (Index("ix_checkpoint_scan_guard_time", "guard_id", "claimed_at"),)

    round_id: uuid.UUID | None = Field(default=None, foreign_key="patrol_round.id", index=True)
    checkpoint_id: uuid.UUID | None = Field(default=None, foreign_key="checkpoint.id")
    payload: str = Field(max_length=128)
    method: ScanMethod = Field(sa_type=string_enum(ScanMethod, 8))
    manual_reason: str = Field(default="", max_length=200)
    guard_id: uuid.UUID = Field(foreign_key="app_user.id")
    site_id: uuid.UUID | None = Field(default=None, foreign_key="site.id")
    contractor_id: uuid.UUID | None = Field(default=None, foreign_key="contractor.id", index=True)
    claimed_at: datetime = Field(sa_type=UTCDateTime)
    received_at: datetime = Field(sa_type=UTCDateTime)
    hlc: str = Field(default="", max_length=80)
    clock_flag: str | None = Field(default=None, max_length=24)
    device_id: uuid.UUID | None = None
    op_id: uuid.UUID | None = Field(default=None, index=True)
    op_hash: str = Field(default="", max_length=64)
    # on_time | late | out_of_order | not_on_route | unknown_checkpoint (set by evaluation)
    outcome: str = Field(default="", max_length=24)


class IncidentStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    CLOSED = "closed"


class Incident(Entity, table=True):
    """Something a guard (or cleaner) reports on a round; may open a work order."""

    round_id: uuid.UUID | None = Field(default=None, foreign_key="patrol_round.id")
    checkpoint_id: uuid.UUID | None = Field(default=None, foreign_key="checkpoint.id")
    location_id: uuid.UUID | None = Field(default=None, foreign_key="location.id")
    site_id: uuid.UUID = Field(foreign_key="site.id", index=True)
    contractor_id: uuid.UUID | None = Field(default=None, foreign_key="contractor.id", index=True)
    reported_by_id: uuid.UUID = Field(foreign_key="app_user.id")
    category: str = Field(max_length=40)
    text: str = Field(default="")
    photos: list[str] = Field(default_factory=list, sa_type=JSON)
    work_order_id: uuid.UUID | None = Field(default=None, foreign_key="work_order.id")
    status: IncidentStatus = Field(
        default=IncidentStatus.OPEN, sa_type=string_enum(IncidentStatus, 16), index=True
    )
    acknowledged_by_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answered_by_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answer: str = Field(default="", max_length=400)
    closed_by_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    received_at: datetime = Field(sa_type=UTCDateTime)
    op_id: uuid.UUID | None = None
    op_hash: str = Field(default="", max_length=64)


class ClockKind(StrEnum):
    IN = "in"
    OUT = "out"


class ClockEvent(Entity, table=True):
    """A clock in or out, made by scanning a designated checkpoint (id chosen by the phone)."""

    __tablename__ = "clock_event"
    __table_args__ = (Index("ix_clock_event_user_time", "user_id", "claimed_at"),)

    user_id: uuid.UUID = Field(foreign_key="app_user.id")
    contractor_id: uuid.UUID | None = Field(default=None, foreign_key="contractor.id", index=True)
    site_id: uuid.UUID | None = Field(default=None, foreign_key="site.id")
    kind: ClockKind = Field(sa_type=string_enum(ClockKind, 8))
    checkpoint_id: uuid.UUID | None = Field(default=None, foreign_key="checkpoint.id")
    payload: str = Field(max_length=128)
    method: ScanMethod = Field(sa_type=string_enum(ScanMethod, 8))
    manual_reason: str = Field(default="", max_length=200)
    claimed_at: datetime = Field(sa_type=UTCDateTime)
    received_at: datetime = Field(sa_type=UTCDateTime)
    hlc: str = Field(default="", max_length=80)
    clock_flag: str | None = Field(default=None, max_length=24)
    device_id: uuid.UUID | None = None
    op_id: uuid.UUID | None = Field(default=None, index=True)
    op_hash: str = Field(default="", max_length=64)


class CheckpointWalk(SQLModel, table=True):
    """The least time a person needs to walk from one checkpoint to another (both ways):
    two scans closer together than this are impossible travel. Pairs with no row fall
    back to the distance between their coordinates at a brisk walk."""

    __tablename__ = "checkpoint_walk"

    from_checkpoint_id: uuid.UUID = Field(foreign_key="checkpoint.id", primary_key=True)
    to_checkpoint_id: uuid.UUID = Field(foreign_key="checkpoint.id", primary_key=True)
    min_seconds: int
