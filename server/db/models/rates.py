"""The published labour rate card that prices labour lines."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from server.db.models.base import Entity
from server.db.types import UTCDateTime


class RateCard(Entity, table=True):
    __tablename__ = "rate_card"
    name: str = Field(max_length=120)
    currency: str = Field(default="CNY", max_length=3)
    effective_from: date
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RateCardLine(Entity, table=True):
    __tablename__ = "rate_card_line"
    __table_args__ = (UniqueConstraint("rate_card_id", "trade", "grade"),)

    rate_card_id: uuid.UUID = Field(foreign_key="rate_card.id", index=True, ondelete="CASCADE")
    trade: str = Field(max_length=40)
    grade: str = Field(max_length=40)
    hourly_rate_cents: int
    call_out_cents: int = 0
