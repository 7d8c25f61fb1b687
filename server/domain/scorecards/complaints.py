"""Complaints the desk took about a contractor in a month, as a scorecard measure.

Shared by the providers of the services a complaint can be about (cleaning, security).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Enquiry, EnquiryKind
from server.domain.scorecards.measures import Evidence, Measure, Unit


async def complaint_count(
    session: AsyncSession, contractor_id: uuid.UUID, window: tuple[datetime, datetime]
) -> Measure:
    """Complaints received in the window that name the contractor, each quoted as
    evidence (a desk record: no op hash).

    Unlike a missing rating or an empty round schedule, a month with no complaint is a
    real measure: every complaint the desk took names its contractor or not, so none
    naming this one means a count of 0, not "nothing to measure". The basis is the number
    of complaints counted, so a 0 reads as 0 of none."""
    rows = (
        await session.scalars(
            select(Enquiry)
            .where(
                col(Enquiry.kind) == EnquiryKind.COMPLAINT,
                col(Enquiry.contractor_id) == contractor_id,
                col(Enquiry.received_at) >= window[0],
                col(Enquiry.received_at) < window[1],
            )
            .order_by(col(Enquiry.received_at), col(Enquiry.number))
        )
    ).all()
    evidence = tuple(
        Evidence("complaint", row.id, f"Complaint {row.number}: {row.subject}", None)
        for row in rows
    )
    return Measure(float(len(rows)), Unit.COUNT, evidence, len(rows))
