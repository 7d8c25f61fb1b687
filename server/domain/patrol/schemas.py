"""Wire types for patrol master data."""

from __future__ import annotations

import uuid
from datetime import datetime, time

import msgspec


class CheckpointOut(msgspec.Struct):
    id: uuid.UUID
    code: str
    name: str
    qr_payload: str
    nfc_uid: str | None
    site_id: uuid.UUID
    location_id: uuid.UUID


class RouteStop(msgspec.Struct):
    position: int
    checkpoint_id: uuid.UUID
    due_within_minutes: int


class RouteWindowOut(msgspec.Struct):
    starts_at: time
    ends_at: time


class RouteOut(msgspec.Struct):
    id: uuid.UUID
    code: str
    name: str
    site_id: uuid.UUID
    contractor_id: uuid.UUID
    stops: list[RouteStop]
    windows: list[RouteWindowOut]


class ExpectedRoundOut(msgspec.Struct):
    """A round the schedule asks for, with how it was judged (docs/patrol.md)."""

    id: uuid.UUID
    route_id: uuid.UUID
    route_code: str
    route_name: str
    site_id: uuid.UUID
    contractor_id: uuid.UUID
    window_start: datetime
    window_end: datetime
    status: str
    round_id: uuid.UUID | None
    stops_due: int
    stops_on_time: int
    stops_late: int
    stops_missed: int
    stops_out_of_order: int
    evaluated_at: datetime | None


class ScanOut(msgspec.Struct):
    """A checkpoint scan as the phone recorded it, its outcome, and its op."""

    id: uuid.UUID
    checkpoint_id: uuid.UUID | None
    checkpoint_code: str | None
    payload: str
    method: str
    manual_reason: str
    claimed_at: datetime
    received_at: datetime
    clock_flag: str | None
    outcome: str
    op_id: uuid.UUID | None
    op_hash: str


class PatrolRoundOut(msgspec.Struct):
    id: uuid.UUID
    route_id: uuid.UUID
    expected_round_id: uuid.UUID | None
    guard_id: uuid.UUID
    guard_name: str
    site_id: uuid.UUID
    contractor_id: uuid.UUID
    status: str
    started_at: datetime
    ended_at: datetime | None
    note: str
    start_op_id: uuid.UUID | None
    start_op_hash: str
    end_op_hash: str
    scans: list[ScanOut]
