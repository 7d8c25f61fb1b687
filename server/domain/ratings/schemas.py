"""The ratings of a month as the desk and the API read them."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import msgspec


class RatingLine(msgspec.Struct):
    rating_id: uuid.UUID
    department_id: uuid.UUID
    department_code: str
    department: str
    score: int
    comment: str
    rated_by: str
    rated_at: datetime
    op_hash: str
    # Earlier ratings of the same department and month, newest first (replaced, kept).
    earlier: list[EarlierRating] = msgspec.field(default_factory=list)


class EarlierRating(msgspec.Struct):
    rating_id: uuid.UUID
    score: int
    comment: str
    rated_by: str
    rated_at: datetime
    superseded_at: datetime


class ContractorMonth(msgspec.Struct):
    contractor_id: uuid.UUID
    contractor_code: str
    contractor: str
    service: str
    # None when no department rated: there is no default score.
    mean_score: float | None
    ratings: int
    departments: list[RatingLine]


class RatingsMonth(msgspec.Struct):
    month: date
    contractors: list[ContractorMonth]
