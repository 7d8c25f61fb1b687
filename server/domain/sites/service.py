"""Reading the organisation, scoped to the actor's sites."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from server.db.models import Building, Contractor, Department, Floor, Location, Site, Team
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import scope_contractors, scope_locations, scope_site_ids
from server.domain.paging import PageRequest
from server.domain.sync.capture import insert_rows


async def list_sites(session: AsyncSession, actor: Actor) -> Sequence[Site]:
    stmt = scope_site_ids(actor, Site.id, select(Site).order_by(col(Site.code)))
    return (await session.scalars(stmt)).all()


async def list_buildings(
    session: AsyncSession, actor: Actor, site_id: uuid.UUID | None = None
) -> Sequence[Building]:
    stmt = select(Building).order_by(col(Building.code))
    if site_id:
        stmt = stmt.where(col(Building.site_id) == site_id)
    return (await session.scalars(scope_site_ids(actor, Building.site_id, stmt))).all()


async def search_locations(
    session: AsyncSession,
    actor: Actor,
    page: PageRequest,
    *,
    query: str = "",
    site_id: uuid.UUID | None = None,
    building_id: uuid.UUID | None = None,
) -> tuple[Sequence[Location], int]:
    stmt = scope_locations(actor, select(Location))
    if site_id:
        stmt = stmt.where(col(Location.site_id) == site_id)
    if building_id:
        stmt = stmt.where(col(Location.building_id) == building_id)
    if query:
        like = f"%{query.strip()}%"
        stmt = stmt.where(or_(col(Location.name).ilike(like), col(Location.code).ilike(like)))
    total = await session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = await session.scalars(
        stmt.order_by(col(Location.code)).limit(page.limit).offset(page.offset)
    )
    return rows.all(), total


async def location_path(session: AsyncSession, location_id: uuid.UUID) -> list[str]:
    """Campus > building > floor > ward > room, as people say where something is."""
    return (await location_paths(session, {location_id})).get(location_id, [])


async def location_paths(
    session: AsyncSession, location_ids: set[uuid.UUID]
) -> dict[uuid.UUID, list[str]]:
    """`location_path` of many locations at once, in a fixed number of queries: the
    locations and all their ancestors in one recursive query, then their campuses,
    buildings and floors."""
    if not location_ids:
        return {}
    seed = select(col(Location.id), col(Location.parent_id)).where(
        col(Location.id).in_(location_ids)
    )
    chain = seed.cte("chain", recursive=True)
    parent = aliased(Location)
    chain = chain.union(
        select(col(parent.id), col(parent.parent_id)).join(
            chain, col(parent.id) == chain.c.parent_id
        )
    )
    rows = await session.scalars(select(Location).where(col(Location.id).in_(select(chain.c.id))))
    locations = {row.id: row for row in rows}
    names = await _names_by_id(session, Site, {loc.site_id for loc in locations.values()})
    names |= await _names_by_id(session, Building, {loc.building_id for loc in locations.values()})
    floors = {loc.floor_id for loc in locations.values() if loc.floor_id}
    names |= await _names_by_id(session, Floor, floors)
    paths = {}
    for location_id in location_ids:
        location = locations.get(location_id)
        if location is None:
            continue
        lineage = [location]
        while lineage[-1].parent_id in locations and len(lineage) < 16:
            lineage.append(locations[lineage[-1].parent_id])
        above = [location.site_id, location.building_id, location.floor_id]
        paths[location_id] = [names[key] for key in above if key in names] + [
            loc.name for loc in reversed(lineage)
        ]
    return paths


async def _names_by_id(
    session: AsyncSession, model: type[Site] | type[Building] | type[Floor], ids: set[uuid.UUID]
) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    rows = await session.execute(
        select(col(model.id), col(model.name)).where(col(model.id).in_(ids))
    )
    return {row_id: name for row_id, name in rows.all()}  # noqa: C416


async def list_departments(session: AsyncSession) -> Sequence[Department]:
    return (await session.scalars(select(Department).order_by(col(Department.name)))).all()


async def list_teams(session: AsyncSession) -> Sequence[Team]:
    return (await session.scalars(select(Team).order_by(col(Team.name)))).all()


async def list_contractors(session: AsyncSession, actor: Actor) -> Sequence[Contractor]:
    stmt = scope_contractors(actor, select(Contractor).order_by(col(Contractor.name)))
    return (await session.scalars(stmt)).all()


async def all_locations(session: AsyncSession) -> Sequence[Location]:
    """Every location, for an import to compare with (a hospital has thousands, not millions)."""
    return (await session.scalars(select(Location))).all()


async def save_locations(
    session: AsyncSession, created: Sequence[dict[str, Any]], changed: Sequence[Location]
) -> None:
    """New locations in bulk with their change records (parents listed before their
    children), then changed ones, loaded by this session, through the unit of work."""
    await insert_rows(session, Location, list(created))
    assert all(location in session for location in changed)
    await session.flush()
