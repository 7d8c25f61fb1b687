"""Field history of reference data edited from phones: per-field clocks and old values."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from server.db.models.base import new_id
from server.db.types import UTCDateTime, utcnow


class FieldClock(SQLModel, table=True):
    """The hybrid-logical-clock stamp of the write that set a field's current value."""

    __tablename__ = "field_clock"

    entity_type: str = Field(primary_key=True, max_length=32)
    entity_id: uuid.UUID = Field(primary_key=True)
    field_name: str = Field(primary_key=True, max_length=40)
    hlc: str = Field(max_length=80)


class FieldHistory(SQLModel, table=True):
    """Every value a field has had, and writes that lost to a later clock."""

    __tablename__ = "field_history"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    entity_type: str = Field(max_length=32, index=True)
    entity_id: uuid.UUID = Field(index=True)
    field_name: str = Field(max_length=40)
    old_value: str | None = None
    new_value: str | None = None
    hlc: str = Field(max_length=80)
    superseded: bool = False
    user_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    op_id: uuid.UUID | None = None
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
