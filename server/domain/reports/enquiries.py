"""The month's complaints and enquiries: received, answered and closed by the month's
end, and the median minutes from receipt to answer (nearest rank, as the rest)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Enquiry, EnquiryKind
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import scope_enquiries
from server.domain.reports.schemas import EnquiryLine
from server.domain.reports.stats import nearest_rank


def _by(moment: datetime | None, end: datetime) -> bool:
    return moment is not None and moment < end


async def enquiry_lines(
    session: AsyncSession,
    actor: Actor,
    start: datetime,
    end: datetime,
    site_id: uuid.UUID | None = None,
) -> list[EnquiryLine]:
    stmt = select(Enquiry).where(col(Enquiry.received_at) >= start, col(Enquiry.received_at) < end)
    if site_id is not None:
        stmt = stmt.where(col(Enquiry.site_id) == site_id)
    rows = (await session.scalars(scope_enquiries(actor, stmt))).all()
    lines = []
    for kind in EnquiryKind:
        mine = [e for e in rows if e.kind == kind]
        answered = [e for e in mine if _by(e.answered_at, end)]
        minutes = [
            round((e.answered_at - e.received_at).total_seconds() / 60, 1)
            for e in answered
            if e.answered_at is not None
        ]
        lines.append(
            EnquiryLine(
                kind=kind.value,
                received=len(mine),
                answered=len(answered),
                closed=sum(1 for e in mine if _by(e.closed_at, end)),
                median_minutes_to_answer=nearest_rank(minutes, 50),
            )
        )
    return lines
