"""The satisfaction indicators of a contractor's month, for the scorecard.

Only the ratings that count (one per department) are measured; a department that rated
twice is counted once, at its last word. A month no department rated has no score: the
scorecard is told so (value None, basis 0), never handed a default.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import ContractorRating, Department
from server.domain.scorecards.measures import Evidence, Measure, Unit

MEAN_SCORE = "satisfaction.mean_score"
RATINGS_COUNT = "satisfaction.ratings_count"


def _label(department: Department, rating: ContractorRating) -> str:
    comment = f": {rating.comment}" if rating.comment else ""
    return f"{department.name} rated {rating.score}/5{comment}"


async def satisfaction_measures(
    session: AsyncSession, contractor_id: uuid.UUID, month_first_day: date
) -> dict[str, Measure]:
    stmt = (
        select(ContractorRating, Department)
        .join(Department, col(Department.id) == col(ContractorRating.department_id))
        .where(
            col(ContractorRating.contractor_id) == contractor_id,
            col(ContractorRating.month) == month_first_day.replace(day=1),
            col(ContractorRating.superseded_at).is_(None),
        )
        .order_by(col(Department.code))
    )
    rows = [(rating, department) for rating, department in (await session.execute(stmt)).all()]
    evidence = tuple(
        Evidence("contractor_rating", rating.id, _label(department, rating), rating.op_hash or None)
        for rating, department in rows
    )
    scores = [rating.score for rating, _ in rows]
    mean = round(sum(scores) / len(scores), 2) if scores else None
    return {
        MEAN_SCORE: Measure(mean, Unit.SCORE, evidence, basis=len(scores)),
        RATINGS_COUNT: Measure(float(len(scores)), Unit.COUNT, evidence, basis=len(scores)),
    }
