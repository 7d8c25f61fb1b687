"""Reading routes and checkpoints within the actor's contractor and sites."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Checkpoint, Route, RouteCheckpoint, RouteWindow
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import scope_checkpoints, scope_routes
from server.domain.patrol.schemas import RouteOut, RouteStop, RouteWindowOut


async def list_checkpoints(session: AsyncSession, actor: Actor) -> Sequence[Checkpoint]:
    stmt = scope_checkpoints(actor, select(Checkpoint).order_by(col(Checkpoint.code)))
    return (await session.scalars(stmt)).all()


async def list_routes(session: AsyncSession, actor: Actor) -> list[RouteOut]:
    routes = (
        await session.scalars(scope_routes(actor, select(Route).order_by(col(Route.code))))
    ).all()
    ids = [route.id for route in routes]
    stops: dict[uuid.UUID, list[RouteStop]] = defaultdict(list)
    for stop in await session.scalars(
        select(RouteCheckpoint)
        .where(col(RouteCheckpoint.route_id).in_(ids))
        .order_by(col(RouteCheckpoint.position))
    ):
        stops[stop.route_id].append(
            RouteStop(stop.position, stop.checkpoint_id, stop.due_within_minutes)
        )
    windows: dict[uuid.UUID, list[RouteWindowOut]] = defaultdict(list)
    for window in await session.scalars(
        select(RouteWindow)
        .where(col(RouteWindow.route_id).in_(ids))
        .order_by(col(RouteWindow.starts_at))
    ):
        windows[window.route_id].append(RouteWindowOut(window.starts_at, window.ends_at))
    return [
        RouteOut(
            id=route.id,
            code=route.code,
            name=route.name,
            site_id=route.site_id,
            contractor_id=route.contractor_id,
            stops=stops[route.id],
            windows=windows[route.id],
        )
        for route in routes
    ]
