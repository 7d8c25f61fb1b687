"""Recording a department's rating of a contractor for a month.

One rating per department, contractor and month counts: the one made last (by the rater's
claimed time, so two phones of a ward that sync out of order still agree). Every earlier
one stays as a row with `superseded_at` set and the id of the rating that took its place,
so what a department said, and when it changed its mind, remains evidence.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Contractor, ContractorRating
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import may_rate_for, scope_contractors_to_rate
from server.domain.ratings.months import latest_open_month

SCORES = range(1, 6)


class RatingRefused(Exception):
    """The rating cannot be recorded; `code` is a stable error code (server/errors.py)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class RatingMeta:
    """Where the rating came from: the op that carried it and when it was made."""

    rated_at: datetime
    received_at: datetime
    device_id: uuid.UUID | None = None
    op_id: uuid.UUID | None = None
    op_hash: str = ""


@dataclass(frozen=True)
class NewRating:
    rating_id: uuid.UUID
    contractor_id: uuid.UUID
    department_id: uuid.UUID
    month: date
    score: int
    comment: str = ""


async def _check(session: AsyncSession, actor: Actor, rating: NewRating, now: datetime) -> None:
    if rating.score not in SCORES:
        raise RatingRefused("score_out_of_range", f"A score is 1 to 5, not {rating.score}.")
    if rating.month.day != 1:
        raise RatingRefused("invalid_month", "A month is named by its first day.")
    if rating.month > latest_open_month(now):
        raise RatingRefused("month_in_future", f"{rating.month:%Y-%m} has not begun yet.")
    if not may_rate_for(actor, rating.department_id):
        raise RatingRefused("not_your_department", "You may rate for your own department only.")
    serving = scope_contractors_to_rate(
        actor, select(col(Contractor.id)).where(col(Contractor.id) == rating.contractor_id)
    )
    if (await session.execute(serving)).first() is None:
        raise RatingRefused("unknown_contractor", "No such contractor serves your campuses.")
    # A month whose settlement statement is frozen is not refused: the rating is kept and
    # the frozen statement stays as signed (docs/ratings.md).


async def _current(session: AsyncSession, rating: NewRating) -> ContractorRating | None:
    stmt = select(ContractorRating).where(
        col(ContractorRating.department_id) == rating.department_id,
        col(ContractorRating.contractor_id) == rating.contractor_id,
        col(ContractorRating.month) == rating.month,
        col(ContractorRating.superseded_at).is_(None),
    )
    return (await session.execute(stmt.with_for_update())).scalar_one_or_none()


async def rate(
    session: AsyncSession, actor: Actor, meta: RatingMeta, rating: NewRating
) -> ContractorRating:
    await _check(session, actor, rating, meta.received_at)
    current = await _current(session, rating)
    row = ContractorRating(
        id=rating.rating_id,
        department_id=rating.department_id,
        contractor_id=rating.contractor_id,
        month=rating.month,
        score=rating.score,
        comment=rating.comment.strip(),
        rated_by_id=actor.user_id,
        rated_at=meta.rated_at,
        received_at=meta.received_at,
        device_id=meta.device_id,
        op_id=meta.op_id,
        op_hash=meta.op_hash,
    )
    if current is not None and current.rated_at > meta.rated_at:
        # Made before the rating that counts, arrived after it: history, not the score.
        row.superseded_at = meta.received_at
        row.superseded_by_id = current.id
    elif current is not None:
        current.superseded_at = meta.received_at
        current.superseded_by_id = row.id
        session.add(current)
        # The old row leaves the one-current-rating index before the new one enters it.
        await session.flush()
    session.add(row)
    await session.flush()
    return row
