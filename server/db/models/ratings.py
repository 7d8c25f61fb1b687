"""Satisfaction: a clinical department's monthly rating of each contractor serving it.

A department rates a contractor once per month; a later rating for the same month replaces
the earlier one as the one that counts, and the earlier stays as a row with `superseded_at`
set (the history of what was said, and by whom, is part of the settlement's evidence).
Like every field record, a rating keeps the op that carried it (`op_id`, `op_hash`)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Index, text
from sqlmodel import Field

from server.db.models.base import Entity
from server.db.types import UTCDateTime

# The one rating of a department, contractor and month that counts.
CURRENT = text("superseded_at IS NULL")


class ContractorRating(Entity, table=True):
    """`month` is the first day of the month rated (the month the rater named, not the one
    the op arrived in); `rated_at` is when the rater made it (the op's bounded claim)."""

    __tablename__ = "contractor_rating"
    __table_args__ = (
        Index(
            "uq_contractor_rating_current",
            "department_id",
            "contractor_id",
            "month",
            unique=True,
            sqlite_where=CURRENT,
            postgresql_where=CURRENT,
        ),
        Index("ix_contractor_rating_contractor_month", "contractor_id", "month"),
    )

    department_id: uuid.UUID = Field(foreign_key="department.id", index=True)
    contractor_id: uuid.UUID = Field(foreign_key="contractor.id")
    month: date
    score: int
    comment: str = Field(default="", max_length=2000)
    rated_by_id: uuid.UUID = Field(foreign_key="app_user.id")
    rated_at: datetime = Field(sa_type=UTCDateTime)
    received_at: datetime = Field(sa_type=UTCDateTime)
    device_id: uuid.UUID | None = None
    op_id: uuid.UUID | None = Field(default=None, index=True)
    op_hash: str = Field(default="", max_length=64)
    # Set when a later rating of the same month took this one's place (and which one did).
    superseded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    superseded_by_id: uuid.UUID | None = None
