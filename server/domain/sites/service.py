"""Reading the organisation, scoped to the actor's sites."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Building, Contractor, Department, Floor, Location, Site, Team
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import scope_contractors, scope_locations, scope_site_ids
from server.domain.paging import PageRequest


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
    names: list[str] = []
    location = await session.get(Location, location_id)
    if location is None:
        return names
    chain = [location]
    while chain[-1].parent_id is not None and len(chain) < 16:
        parent = await session.get(Location, chain[-1].parent_id)
        if parent is None:
            break
        chain.append(parent)
    building = await session.get(Building, location.building_id)
    site = await session.get(Site, location.site_id)
    floor = await session.get(Floor, location.floor_id) if location.floor_id else None
    names.extend(x.name for x in (site, building, floor) if x is not None)
    names.extend(loc.name for loc in reversed(chain))
    return names


async def list_departments(session: AsyncSession) -> Sequence[Department]:
    return (await session.scalars(select(Department).order_by(col(Department.name)))).all()


async def list_teams(session: AsyncSession) -> Sequence[Team]:
    return (await session.scalars(select(Team).order_by(col(Team.name)))).all()


async def list_contractors(session: AsyncSession, actor: Actor) -> Sequence[Contractor]:
    stmt = scope_contractors(actor, select(Contractor).order_by(col(Contractor.name)))
    return (await session.scalars(stmt)).all()
