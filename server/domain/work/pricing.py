"""Labour prices come from the published rate card in force on the day of the work."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import RateCard, RateCardLine
from server.errors import InvalidInput


async def hourly_rate(session: AsyncSession, trade: str, grade: str, on: date) -> int:
    card_id = await session.scalar(
        select(col(RateCard.id))
        .where(col(RateCard.published_at).is_not(None), col(RateCard.effective_from) <= on)
        .order_by(col(RateCard.effective_from).desc())
        .limit(1)
    )
    rate = await session.scalar(
        select(col(RateCardLine.hourly_rate_cents)).where(
            col(RateCardLine.rate_card_id) == card_id,
            col(RateCardLine.trade) == trade,
            col(RateCardLine.grade) == grade,
        )
    )
    if rate is None:
        raise InvalidInput(f"The rate card has no rate for {trade} {grade}.", field="grade")
    return int(rate)
