"""Wire types for blobs."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec


class BlobOut(msgspec.Struct):
    """What the server holds of one blob; `received` equals `size` once `complete`."""

    sha256: str
    size: int
    received: int
    complete: bool
    content_type: str
    width: int | None = None
    height: int | None = None


class BlobReference(msgspec.Struct):
    """One op that names the blob, with its outcome."""

    op_id: uuid.UUID
    name: str
    status: str
    user_id: uuid.UUID
    device_id: uuid.UUID
    received_at: datetime
    entity_type: str
    entity_id: uuid.UUID | None


class BlobReferences(msgspec.Struct):
    """Which ops reference a blob and whether the blob is here: resolved needs both."""

    sha256: str
    known: bool  # an upload has at least started
    complete: bool
    size: int | None
    received: int  # as last recorded; the partial file on disk is the exact figure
    ops: list[BlobReference]
    resolved: bool
