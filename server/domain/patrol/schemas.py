"""Wire types for patrol master data."""

from __future__ import annotations

import uuid
from datetime import time

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
