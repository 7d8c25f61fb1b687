"""Reading the rate card in force: the latest published one that has taken effect."""

from __future__ import annotations

import uuid
from datetime import date

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import RateCard, RateCardLine
from server.errors import NotFound


class RateLineOut(msgspec.Struct):
    trade: str
    grade: str
    hourly_rate_cents: int
    call_out_cents: int


class RateCardOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    currency: str
    effective_from: date
    lines: list[RateLineOut]


async def rate_card_in_force(session: AsyncSession, today: date) -> RateCardOut:
    card = await session.scalar(
        select(RateCard)
        .where(col(RateCard.published_at).is_not(None), col(RateCard.effective_from) <= today)
        .order_by(col(RateCard.effective_from).desc())
        .limit(1)
    )
    if card is None:
        raise NotFound("No rate card has been published yet.")
    lines = await session.scalars(
        select(RateCardLine)
        .where(col(RateCardLine.rate_card_id) == card.id)
        .order_by(col(RateCardLine.trade), col(RateCardLine.grade))
    )
    return RateCardOut(
        id=card.id,
        name=card.name,
        currency=card.currency,
        effective_from=card.effective_from,
        lines=[
            RateLineOut(line.trade, line.grade, line.hourly_rate_cents, line.call_out_cents)
            for line in lines
        ],
    )
