"""The sync engine's tables: op streams, the op log, conflicts, the change log, blobs."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, Text
from sqlmodel import Field, SQLModel

from server.db.models.base import new_id
from server.db.types import UTCDateTime, utcnow

# SQLite only autoincrements an INTEGER PRIMARY KEY; PostgreSQL wants a bigint.
BigSerial = BigInteger().with_variant(Integer(), "sqlite")


class OpStream(SQLModel, table=True):
    """The ops of one local database on one phone, applied in seq order."""

    __tablename__ = "sync_stream"

    device_id: uuid.UUID = Field(foreign_key="device.id", primary_key=True)
    incarnation: uuid.UUID = Field(primary_key=True)
    last_seq: int = 0
    last_hash: str = Field(default="", max_length=64)
    # The last claimed time of this stream taken as is: a later op claiming an earlier
    # time has a clock that ran backwards (sync/clocks.py).
    last_claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SyncOp(SQLModel, table=True):
    """Every op ever received, verbatim, with its outcome. Never deleted."""

    __tablename__ = "sync_op"
    __table_args__ = (
        Index("ix_sync_op_stream", "device_id", "incarnation", "seq"),
        # A printed statement's hashes are looked up here (server/domain/patrol/statement.py).
        Index("ix_sync_op_hash", "op_hash"),
    )

    op_id: uuid.UUID = Field(primary_key=True)
    device_id: uuid.UUID = Field(foreign_key="device.id")
    incarnation: uuid.UUID
    seq: int
    user_id: uuid.UUID = Field(foreign_key="app_user.id", index=True)
    name: str = Field(max_length=64)
    v: int
    raw: str = Field(sa_column=Column(Text, nullable=False))
    op_hash: str = Field(max_length=64)
    chain_ok: bool = True
    client_time: str = Field(default="", max_length=64)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The time of the act as recorded: the claim, or the receipt time when the claim was
    # out of bounds (`clock_flag`: ahead, backwards).
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    clock_flag: str | None = Field(default=None, max_length=16)
    status: str = Field(max_length=16, index=True)
    code: str | None = Field(default=None, max_length=40)
    message: str | None = None
    conflict_id: uuid.UUID | None = None
    entity_versions: dict[str, int] | None = Field(default=None, sa_column=Column(JSON))
    # Where this op's effects sit in the change log, for acks: (txid, last change id).
    txid: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    last_change_id: int = Field(
        default=0, sa_column=Column(BigInteger, nullable=False, server_default="0")
    )
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resubmitted_as: uuid.UUID | None = None
    # What the op is about, read from its args (`asset_id` of an `asset.*` op): the desk's
    # queue is scoped by the site of that entity (server/domain/sync/subject.py).
    entity_type: str | None = Field(default=None, max_length=32)
    entity_id: uuid.UUID | None = None


class Conflict(SQLModel, table=True):
    """An op that met a state it could not apply to, with both sides, until a human decides."""

    __tablename__ = "sync_conflict"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    op_id: uuid.UUID = Field(foreign_key="sync_op.op_id", index=True)
    entity_type: str = Field(max_length=32)
    entity_id: uuid.UUID
    message: str
    server_side: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    device_side: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(default="open", max_length=16, index=True)
    resolution: str | None = Field(default=None, max_length=24)
    resolution_note: str = ""
    resolved_by_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Change(SQLModel, table=True):
    """One row per write to a synced entity and audience, in the writing transaction.

    `txid` is PostgreSQL's transaction id (0 on SQLite, where writers are serialised), so
    pull can tell committed history from transactions still in flight. The audience
    columns (site, team, department, contractor) are the values that decide who sees the
    entity; a write that changes them logs one row with the values before and one with
    the values after, so a phone hears of an entity entering its scope and of it leaving,
    and no phone hears of entities it never could see.
    """

    __tablename__ = "sync_change"
    # AUTOINCREMENT on SQLite: ids of purged changes are never handed out again.
    __table_args__ = (
        Index("ix_sync_change_position", "txid", "id"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(
        default=None, sa_column=Column(BigSerial, primary_key=True, autoincrement=True)
    )
    txid: int = Field(sa_column=Column(BigInteger, nullable=False))
    entity_type: str = Field(max_length=32)
    entity_id: uuid.UUID
    version: int
    deleted: bool = False
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    site_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None
    contractor_id: uuid.UUID | None = None


class SyncSetting(SQLModel, table=True):
    """Engine-wide values: the database epoch, the oldest change still kept."""

    __tablename__ = "sync_setting"

    key: str = Field(primary_key=True, max_length=40)
    value: str = Field(max_length=200)


class Blob(SQLModel, table=True):
    """A content-addressed photo or signature; `received` grows until it equals `size`."""

    __tablename__ = "blob"
    # The daily upload quota sums a person's blobs started since midnight.
    __table_args__ = (Index("ix_blob_uploader_day", "uploaded_by_id", "created_at"),)

    sha256: str = Field(primary_key=True, max_length=64)
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    received: int = Field(
        default=0, sa_column=Column(BigInteger, nullable=False, server_default="0")
    )
    complete: bool = False
    content_type: str = Field(default="application/octet-stream", max_length=80)
    width: int | None = None
    height: int | None = None
    uploaded_by_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class BlobRef(SQLModel, table=True):
    """An op's reference to a blob; resolved once both the op and the blob are here."""

    __tablename__ = "blob_ref"

    sha256: str = Field(primary_key=True, max_length=64)
    op_id: uuid.UUID = Field(primary_key=True, foreign_key="sync_op.op_id")
    entity_type: str = Field(default="", max_length=32)
    entity_id: uuid.UUID | None = None
