"""What each patrol and attendance op carries (the op catalogue's `args`). Ids of new
records are chosen by the phone, so a retried op names the same row. When it happened is
the op's own claimed time and HLC (bounded by push: sync/clocks.py), never an argument."""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec

from server.db.models import ScanMethod

Payload = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
Reason = Annotated[str, msgspec.Meta(max_length=200)]
Sha = Annotated[str, msgspec.Meta(pattern="^[0-9a-f]{64}$")]


class StartRound(msgspec.Struct, forbid_unknown_fields=True):
    round_id: uuid.UUID
    route_id: uuid.UUID
    # The expected round the guard chose on the phone; the server matches one when absent.
    expected_round_id: uuid.UUID | None = None


class ScanCheckpoint(msgspec.Struct, forbid_unknown_fields=True):
    """A QR payload or an NFC tag's UID (hex, upper case), as read. `manual` needs a
    reason; a payload naming no checkpoint is kept and reported, never dropped."""

    scan_id: uuid.UUID
    payload: Payload
    method: ScanMethod
    round_id: uuid.UUID | None = None
    manual_reason: Reason = ""


class EndRound(msgspec.Struct, forbid_unknown_fields=True):
    round_id: uuid.UUID
    note: Annotated[str, msgspec.Meta(max_length=400)] = ""


class ReportIncident(msgspec.Struct, forbid_unknown_fields=True):
    incident_id: uuid.UUID
    category: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    text: Annotated[str, msgspec.Meta(max_length=4000)] = ""
    photos: list[Sha] = msgspec.field(default_factory=list)
    round_id: uuid.UUID | None = None
    checkpoint_id: uuid.UUID | None = None
    location_id: uuid.UUID | None = None
    # Facilities must act (a broken door, a leak): a work order is reported with it.
    open_work_order: bool = False


class Clock(msgspec.Struct, forbid_unknown_fields=True):
    """attendance.clock_in / attendance.clock_out: a scan of a designated checkpoint."""

    event_id: uuid.UUID
    payload: Payload
    method: ScanMethod
    manual_reason: Reason = ""
