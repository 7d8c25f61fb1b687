"""What the service desk takes on the phone: the calls behind a work order, and the
complaints and enquiries that are not repairs at all."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlmodel import Field

from server.db.models.base import Entity
from server.db.types import UTCDateTime, string_enum


class WorkOrderCall(Entity, table=True):
    """One phone call about a work order: the call that opened it, or a later caller
    reporting the same fault (kept on the order instead of a duplicate order)."""

    __tablename__ = "work_order_call"

    work_order_id: uuid.UUID = Field(foreign_key="work_order.id", index=True)
    caller_name: str = Field(max_length=120)
    caller_phone: str = Field(max_length=32)
    department_id: uuid.UUID | None = Field(default=None, foreign_key="department.id")
    text: str = ""
    opened_order: bool = False  # the call that created the order, not a later one
    taken_by_id: uuid.UUID = Field(foreign_key="app_user.id")
    taken_at: datetime = Field(sa_type=UTCDateTime)


class EnquiryKind(StrEnum):
    COMPLAINT = "complaint"
    ENQUIRY = "enquiry"


class EnquiryStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


class Enquiry(Entity, table=True):
    """A complaint or an enquiry taken by the desk: owned by someone, answered, closed;
    who and when is kept at each step."""

    number: str = Field(unique=True, max_length=24)
    kind: EnquiryKind = Field(sa_type=string_enum(EnquiryKind, 12), index=True)
    status: EnquiryStatus = Field(
        default=EnquiryStatus.OPEN, sa_type=string_enum(EnquiryStatus, 12), index=True
    )
    site_id: uuid.UUID | None = Field(default=None, foreign_key="site.id", index=True)
    department_id: uuid.UUID | None = Field(default=None, foreign_key="department.id")
    # The outside company a complaint is about (cleaning of a ward, a guard at the gate),
    # so it counts on that contractor's scorecard; None for enquiries and the others.
    contractor_id: uuid.UUID | None = Field(default=None, foreign_key="contractor.id", index=True)
    subject: str = Field(max_length=200)
    text: str = ""
    caller_name: str = Field(max_length=120)
    caller_phone: str = Field(max_length=32)
    received_by_id: uuid.UUID = Field(foreign_key="app_user.id")
    received_at: datetime = Field(sa_type=UTCDateTime, index=True)
    owner_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    owned_by_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    owned_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answer: str = ""
    answered_by_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
