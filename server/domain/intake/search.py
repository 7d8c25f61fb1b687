"""Search-as-you-type for the intake form: assets by tag, name or serial, and rooms by
code or name, only those the desk user's scope holds (policy.scope_assets/_locations)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Asset, Building, Location
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import scope_assets, scope_locations

LIMIT = 8
MIN_LENGTH = 2


@dataclass(frozen=True)
class Hit:
    kind: str  # "asset" or "location"
    id: str
    code: str
    name: str
    where: str


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


async def search_assets(session: AsyncSession, actor: Actor, text: str) -> list[Hit]:
    pattern = _like(text)
    stmt = (
        select(Asset)
        .join(Location, col(Location.id) == col(Asset.location_id))
        .where(
            or_(
                func.lower(Asset.tag_code).like(pattern, escape="\\"),
                func.lower(Asset.name).like(pattern, escape="\\"),
                func.lower(Asset.serial).like(pattern, escape="\\"),
            )
        )
        .order_by(col(Asset.tag_code))
        .limit(LIMIT)
    )
    rows = await session.execute(scope_assets(actor, stmt).add_columns(col(Location.name)))
    return [Hit("asset", str(a.id), a.tag_code, a.name, room) for a, room in rows.all()]


async def search_locations(session: AsyncSession, actor: Actor, text: str) -> list[Hit]:
    pattern = _like(text)
    stmt = (
        select(Location)
        .join(Building, col(Building.id) == col(Location.building_id))
        .where(
            or_(
                func.lower(Location.code).like(pattern, escape="\\"),
                func.lower(Location.name).like(pattern, escape="\\"),
            )
        )
        .order_by(col(Location.code))
        .limit(LIMIT)
    )
    rows = await session.execute(scope_locations(actor, stmt).add_columns(col(Building.name)))
    return [Hit("location", str(loc.id), loc.code, loc.name, b) for loc, b in rows.all()]


async def search(session: AsyncSession, actor: Actor, text: str) -> list[Hit]:
    """Assets first (a tag read off a label is the surest answer), then rooms."""
    text = text.strip()
    if len(text) < MIN_LENGTH:
        return []
    return [
        *await search_assets(session, actor, text),
        *await search_locations(session, actor, text),
    ]


async def hit_by_id(
    session: AsyncSession, actor: Actor, kind: str, chosen: uuid.UUID
) -> Hit | None:
    """One asset or room by id, if the actor's scope holds it."""
    if kind == "asset":
        stmt = (
            select(Asset)
            .join(Location, col(Location.id) == col(Asset.location_id))
            .where(col(Asset.id) == chosen)
        )
        row = (
            await session.execute(scope_assets(actor, stmt).add_columns(col(Location.name)))
        ).first()
        return Hit("asset", str(row[0].id), row[0].tag_code, row[0].name, row[1]) if row else None
    stmt_l = (
        select(Location)
        .join(Building, col(Building.id) == col(Location.building_id))
        .where(col(Location.id) == chosen)
    )
    found = (
        await session.execute(scope_locations(actor, stmt_l).add_columns(col(Building.name)))
    ).first()
    return (
        Hit("location", str(found[0].id), found[0].code, found[0].name, found[1]) if found else None
    )
