"""Handing a route over to another contractor, from the desk.

The rounds still to judge go with the route (server/domain/patrol/expected.py
`hand_over`), so they leave the old contractor's phones and reach the new one's; judged
rounds and walked rounds stay with the contractor who was due to walk them. Each hand-over
is kept in the route's field history (`field_history`, entity `route`, field
`contractor_id`: who, when, from and to), which the route page lists, since settlement
depends on who was due to walk each round.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Contractor, ExpectedRound, FieldHistory, Route, User
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission, require, scope_contractors, scope_routes
from server.domain.patrol import expected
from server.errors import InvalidInput, NotFound

ENTITY, FIELD = "route", "contractor_id"


@dataclass(frozen=True)
class HandOverPlan:
    """What a hand-over would do, shown before it is confirmed."""

    route: Route
    current: Contractor
    to: Contractor
    moving: int  # expected rounds not yet judged: they go to `to`
    staying: int  # judged ones: they stay with `current`


@dataclass(frozen=True)
class HandOverRecord:
    at: datetime
    by: str
    from_name: str
    to_name: str


async def _route(session: AsyncSession, actor: Actor, route_id: uuid.UUID) -> Route:
    found = await session.scalar(
        scope_routes(actor, select(Route).where(col(Route.id) == route_id))
    )
    if found is None:
        raise NotFound("No such route in your scope.", route_id=str(route_id))
    return found


async def plan(
    session: AsyncSession, actor: Actor, route_id: uuid.UUID, contractor_id: uuid.UUID | None
) -> HandOverPlan:
    """Check the hand-over may be done and count what would move; changes nothing."""
    require(actor, Permission.HAND_OVER_ROUTES)
    route = await _route(session, actor, route_id)
    to = None
    if contractor_id is not None:
        to = await session.scalar(
            scope_contractors(actor, select(Contractor).where(col(Contractor.id) == contractor_id))
        )
    if to is None:
        raise InvalidInput(
            "Choose the contractor who walks this route from now on.", field="contractor_id"
        )
    if to.id == route.contractor_id:
        raise InvalidInput(f"{to.name} already walks this route.", field="contractor_id")
    current = await session.get(Contractor, route.contractor_id)
    assert current is not None  # a foreign key
    counts = dict(
        (
            await session.execute(
                select(col(ExpectedRound.evaluated_at).is_(None), func.count())
                .where(col(ExpectedRound.route_id) == route.id)
                .group_by(col(ExpectedRound.evaluated_at).is_(None))
            )
        ).all()
    )
    return HandOverPlan(route, current, to, counts.get(True, 0), counts.get(False, 0))


async def record(session: AsyncSession, actor: Actor, route: Route, to_id: uuid.UUID) -> int:
    """Move the route and its rounds to come to `to_id` and keep who did it; returns how
    many expected rounds moved. The caller checked the permission and the scope."""
    before = route.contractor_id
    moved = await expected.hand_over(session, route, to_id)
    session.add(
        FieldHistory(
            entity_type=ENTITY,
            entity_id=route.id,
            field_name=FIELD,
            old_value=str(before),
            new_value=str(to_id),
            hlc="",  # a desk edit, not a phone's: no hybrid clock
            user_id=actor.user_id,
        )
    )
    await session.flush()
    return moved


async def hand_over(
    session: AsyncSession, actor: Actor, route_id: uuid.UUID, contractor_id: uuid.UUID | None
) -> int:
    checked = await plan(session, actor, route_id, contractor_id)
    return await record(session, actor, checked.route, checked.to.id)


async def history(session: AsyncSession, route_id: uuid.UUID) -> list[HandOverRecord]:
    """The route's hand-overs, newest first."""
    rows = (
        await session.scalars(
            select(FieldHistory)
            .where(
                col(FieldHistory.entity_type) == ENTITY,
                col(FieldHistory.entity_id) == route_id,
                col(FieldHistory.field_name) == FIELD,
            )
            .order_by(col(FieldHistory.at).desc(), col(FieldHistory.id))
        )
    ).all()
    contractor_ids = {uuid.UUID(v) for r in rows for v in (r.old_value, r.new_value) if v}
    names = dict(
        (
            await session.execute(
                select(col(Contractor.id), col(Contractor.name)).where(
                    col(Contractor.id).in_(contractor_ids)
                )
            )
        ).all()
    )
    user_ids = {r.user_id for r in rows if r.user_id is not None}
    people = dict(
        (
            await session.execute(
                select(col(User.id), col(User.name)).where(col(User.id).in_(user_ids))
            )
        ).all()
    )

    def name(value: str | None) -> str:
        return names.get(uuid.UUID(value), value or "") if value else ""

    return [
        HandOverRecord(
            r.at,
            people.get(r.user_id, "") if r.user_id else "",
            name(r.old_value),
            name(r.new_value),
        )
        for r in rows
    ]
