"""The month's ratings per contractor, with each department's score, comment and the
ratings it replaced, for whoever may read them (server/domain/accounts/policy.py)."""

from __future__ import annotations

import csv
import io
import uuid
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Contractor, ContractorRating, Department, User
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission, require, scope_contractors, scope_ratings
from server.domain.ratings.schemas import ContractorMonth, EarlierRating, RatingLine, RatingsMonth
from server.errors import NotFound

Row = tuple[ContractorRating, Department, User]


async def _rows(
    session: AsyncSession, actor: Actor, month: date, contractor_id: uuid.UUID | None
) -> list[Row]:
    stmt: Select[*tuple[Any, ...]] = (
        select(ContractorRating, Department, User)
        .join(Department, col(Department.id) == col(ContractorRating.department_id))
        .join(User, col(User.id) == col(ContractorRating.rated_by_id))
        .where(col(ContractorRating.month) == month)
        .order_by(col(Department.code), col(ContractorRating.rated_at).desc())
    )
    if contractor_id is not None:
        stmt = stmt.where(col(ContractorRating.contractor_id) == contractor_id)
    result = await session.execute(scope_ratings(actor, stmt))
    return [(rating, department, rater) for rating, department, rater in result.all()]


def _line(rating: ContractorRating, department: Department, rater: User) -> RatingLine:
    return RatingLine(
        rating_id=rating.id,
        department_id=department.id,
        department_code=department.code,
        department=department.name,
        score=rating.score,
        comment=rating.comment,
        rated_by=rater.name,
        rated_at=rating.rated_at,
        op_hash=rating.op_hash,
    )


def _earlier(rating: ContractorRating, rater: User) -> EarlierRating:
    assert rating.superseded_at is not None
    return EarlierRating(
        rating_id=rating.id,
        score=rating.score,
        comment=rating.comment,
        rated_by=rater.name,
        rated_at=rating.rated_at,
        superseded_at=rating.superseded_at,
    )


def _contractor_month(contractor: Contractor, rows: list[Row]) -> ContractorMonth:
    lines: dict[uuid.UUID, RatingLine] = {}
    history: dict[uuid.UUID, list[EarlierRating]] = defaultdict(list)
    for rating, department, rater in rows:
        if rating.superseded_at is None:
            lines[department.id] = _line(rating, department, rater)
        else:
            history[department.id].append(_earlier(rating, rater))
    for department_id, line in lines.items():
        line.earlier = history[department_id]
    scores = [line.score for line in lines.values()]
    return ContractorMonth(
        contractor_id=contractor.id,
        contractor_code=contractor.code,
        contractor=contractor.name,
        service=contractor.service,
        mean_score=round(sum(scores) / len(scores), 2) if scores else None,
        ratings=len(scores),
        departments=list(lines.values()),
    )


async def ratings_month(
    session: AsyncSession, actor: Actor, month: date, contractor_id: uuid.UUID | None = None
) -> RatingsMonth:
    """Every contractor the actor may see, rated or not (an unrated one reads "no score"),
    each with the departments that rated it this month."""
    require(actor, Permission.READ_RATINGS)
    contractors_stmt = scope_contractors(actor, select(Contractor).order_by(col(Contractor.code)))
    if contractor_id is not None:
        contractors_stmt = contractors_stmt.where(col(Contractor.id) == contractor_id)
    contractors = (await session.execute(contractors_stmt)).scalars().all()
    if contractor_id is not None and not contractors:
        # Another contractor's ratings are not the caller's to know of, not even that
        # the contractor exists.
        raise NotFound("No such contractor in your scope.", field="contractor_id")
    by_contractor: dict[uuid.UUID, list[Row]] = defaultdict(list)
    for row in await _rows(session, actor, month, contractor_id):
        by_contractor[row[0].contractor_id].append(row)
    return RatingsMonth(
        month=month,
        contractors=[_contractor_month(c, by_contractor[c.id]) for c in contractors],
    )


CSV_HEADER = (
    "month",
    "contractor_code",
    "contractor",
    "department_code",
    "department",
    "score",
    "counts",
    "comment",
    "rated_by",
    "rated_at",
    "op_hash",
)


def to_csv(report: RatingsMonth) -> str:
    """One line per rating, the ones that count and the ones they replaced (`counts`)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    month = f"{report.month:%Y-%m}"
    for c in report.contractors:
        for line in c.departments:
            head = (month, c.contractor_code, c.contractor, line.department_code, line.department)
            writer.writerow(
                (
                    *head,
                    line.score,
                    "yes",
                    line.comment,
                    line.rated_by,
                    line.rated_at.isoformat(),
                    line.op_hash,
                )
            )
            for old in line.earlier:
                writer.writerow(
                    (
                        *head,
                        old.score,
                        "no",
                        old.comment,
                        old.rated_by,
                        old.rated_at.isoformat(),
                        "",
                    )
                )
    return out.getvalue()
