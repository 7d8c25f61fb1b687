"""What each cleaning op carries (the op catalogue's `args`). Ids of new records are chosen
by the phone, so a retried op names the same row; when it happened is the op's own claimed
time (bounded by push), never an argument."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

import msgspec

from server.db.models import AuditKind, ScanMethod

Payload = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
Reason = Annotated[str, msgspec.Meta(max_length=200)]
Note = Annotated[str, msgspec.Meta(max_length=400)]
Sha = Annotated[str, msgspec.Meta(pattern="^[0-9a-f]{64}$")]
Item = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]


class RoomScan(msgspec.Struct, forbid_unknown_fields=True):
    """The room's tag as read: its QR payload or NFC UID; `manual` (typed) needs a reason."""

    payload: Payload
    method: ScanMethod
    manual_reason: Reason = ""


class StartClean(msgspec.Struct, forbid_unknown_fields=True):
    record_id: uuid.UUID
    task_id: uuid.UUID
    scan: RoomScan


class ChecklistTick(msgspec.Struct, forbid_unknown_fields=True):
    item: Item
    done: bool


class FinishClean(msgspec.Struct, forbid_unknown_fields=True):
    record_id: uuid.UUID
    task_id: uuid.UUID
    scan: RoomScan
    product: Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
    concentration_ppm: Annotated[int, msgspec.Meta(ge=0, le=100_000)] | None = None
    quantity_ml: Annotated[int, msgspec.Meta(ge=0, le=100_000)] | None = None
    checklist: list[ChecklistTick] = msgspec.field(default_factory=list)
    photos: list[Sha] = msgspec.field(default_factory=list)


class AuditItem(msgspec.Struct, forbid_unknown_fields=True):
    """One surface checked: a fluorescent `marker` removed (passed) or not, an `atp` swab's
    RLU (passed at or under the threshold, decided by the server), or a `visual` check."""

    item: Item
    method: Literal["marker", "atp", "visual"]
    passed: bool | None = None
    rlu: Annotated[int, msgspec.Meta(ge=0, le=1_000_000)] | None = None


class AuditClean(msgspec.Struct, forbid_unknown_fields=True):
    audit_id: uuid.UUID
    task_id: uuid.UUID
    kind: AuditKind
    items: Annotated[list[AuditItem], msgspec.Meta(min_length=1, max_length=40)]
    note: Note = ""
    # Ask for the room to be cleaned again: a new task opens (its id chosen by the phone).
    reclean_task_id: uuid.UUID | None = None


class RequestTerminal(msgspec.Struct, forbid_unknown_fields=True):
    task_id: uuid.UUID
    location_id: uuid.UUID
    reason: Literal["discharge", "isolation"]
    note: Note = ""
    # A deadline sooner (or later) than the reason's default, in minutes from the request.
    due_within_minutes: Annotated[int, msgspec.Meta(ge=15, le=1440)] | None = None


class ReportSpill(msgspec.Struct, forbid_unknown_fields=True):
    task_id: uuid.UUID
    location_id: uuid.UUID
    note: Note = ""
    photos: list[Sha] = msgspec.field(default_factory=list)
