"""Planned shifts: when a guard is rostered, to judge late starts and early leaves."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field

from server.db.models.base import Entity
from server.db.types import UTCDateTime


class PlannedShift(Entity, table=True):
    """One rostered shift of a person: the local date it starts on, and its start and end
    as instants (a night shift ends the next morning)."""

    __tablename__ = "planned_shift"
    __table_args__ = (Index("ix_planned_shift_user_day", "user_id", "day"),)

    user_id: uuid.UUID = Field(foreign_key="app_user.id")
    contractor_id: uuid.UUID | None = Field(default=None, foreign_key="contractor.id", index=True)
    site_id: uuid.UUID | None = Field(default=None, foreign_key="site.id")
    day: date
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
