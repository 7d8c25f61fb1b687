"""What a job consumed and recorded: labour, parts, photos, notes, callbacks.

`late` marks content that reached the server after the order had moved on (cancelled,
reassigned, moved to another team, finished): it is kept as a late report, never dropped.
`billing` says whether a labour or part line is charged: a line from the assignee or the
lead of the order's team, on time, is `accepted`; a late line, or one from anyone else,
is `pending` until the desk decides (accepted, or `declined`). Costs count accepted lines.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, text
from sqlmodel import Field

from server.db.models.base import Entity
from server.db.types import UTCDateTime, string_enum


class LineBilling(StrEnum):
    ACCEPTED = "accepted"
    PENDING = "pending"
    DECLINED = "declined"


def _billing_field() -> LineBilling:
    return Field(  # type: ignore[no-any-return]
        default=LineBilling.ACCEPTED,
        sa_type=string_enum(LineBilling, 16),
        sa_column_kwargs={"server_default": LineBilling.ACCEPTED.value},
    )


class LabourLine(Entity, table=True):
    __tablename__ = "labour_line"

    work_order_id: uuid.UUID = Field(foreign_key="work_order.id", index=True)
    technician_id: uuid.UUID = Field(foreign_key="app_user.id")
    minutes: int
    trade: str = Field(max_length=40)
    grade: str = Field(max_length=40)
    hourly_rate_cents: int
    cost_cents: int
    op_id: uuid.UUID | None = Field(default=None, index=True)
    late: bool = False
    billing: LineBilling = _billing_field()


class PartLine(Entity, table=True):
    __tablename__ = "part_line"

    work_order_id: uuid.UUID = Field(foreign_key="work_order.id", index=True)
    item_id: uuid.UUID = Field(foreign_key="item.id")
    quantity: int
    unit_cost_cents: int
    cost_cents: int
    op_id: uuid.UUID | None = Field(default=None, index=True)
    late: bool = False
    billing: LineBilling = _billing_field()
    # The ledger line that took the part out of a store (or, negative, brought it back).
    movement_id: uuid.UUID | None = Field(default=None, foreign_key="stock_movement.id", index=True)


class Attachment(Entity, table=True):
    """A photo or signature (a blob) on a work order."""

    __tablename__ = "work_order_attachment"

    work_order_id: uuid.UUID = Field(foreign_key="work_order.id", index=True)
    sha256: str = Field(max_length=64, index=True)
    kind: str = Field(default="photo", max_length=16)
    caption: str = Field(default="", max_length=200)
    op_id: uuid.UUID | None = None
    late: bool = False


class Note(Entity, table=True):
    __tablename__ = "work_order_note"

    work_order_id: uuid.UUID = Field(foreign_key="work_order.id", index=True)
    author_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    text: str
    op_id: uuid.UUID | None = None
    late: bool = False


class Callback(Entity, table=True):
    """A call the desk owes a department after a poor rating or "not fixed"."""

    __tablename__ = "callback"

    work_order_id: uuid.UUID = Field(foreign_key="work_order.id", index=True)
    reason: str = Field(max_length=200)
    status: str = Field(default="open", max_length=16, index=True)
    called_by_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    called_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    outcome: str | None = Field(default=None, max_length=16)
    note: str = ""


class Notification(Entity, table=True):
    """The in-app list, and the queue Web Push delivers from."""

    __tablename__ = "notification"
    __table_args__ = (
        # Web Push delivery reads the few not yet pushed, oldest first, beside years of
        # delivered ones.
        Index(
            "ix_notification_pending",
            "created_at",
            "id",
            postgresql_where=text("pushed_at IS NULL"),
            sqlite_where=text("pushed_at IS NULL"),
        ),
        # The SLA check asks which orders were warned already.
        Index("ix_notification_order_kind", "work_order_id", "kind"),
    )

    user_id: uuid.UUID = Field(foreign_key="app_user.id", index=True)
    kind: str = Field(max_length=32)
    title: str = Field(max_length=200)
    body: str = ""
    url: str = Field(default="", max_length=300)
    work_order_id: uuid.UUID | None = Field(default=None, foreign_key="work_order.id")
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    pushed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    push_attempts: int = 0
