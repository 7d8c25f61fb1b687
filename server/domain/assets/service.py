"""Searching and reading assets within the actor's scope; the public card."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    OPEN_STATUSES,
    Asset,
    AssetStatus,
    Contractor,
    Department,
    Location,
    Team,
    WorkOrder,
)
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import scope_assets
from server.domain.assets.schemas import AssetDetail, AssetOut, PublicCard
from server.domain.paging import PageRequest
from server.domain.sites.service import location_path
from server.domain.sync.capture import insert_rows
from server.errors import NotFound


@dataclass(frozen=True)
class AssetFilters:
    query: str = ""
    site_id: uuid.UUID | None = None
    building_id: uuid.UUID | None = None
    category: str = ""
    team_id: uuid.UUID | None = None


def card_url(public_url: str, asset: Asset) -> str:
    """The public card's address, which the asset's QR label holds."""
    return f"{public_url.rstrip('/')}/a/{asset.tag_code}"


def inspection_overdue(next_inspection: date | None, today: date) -> bool:
    return next_inspection is not None and next_inspection < today


def asset_out(asset: Asset) -> AssetOut:
    return AssetOut(
        id=asset.id,
        tag_code=asset.tag_code,
        name=asset.name,
        category=asset.category,
        manufacturer=asset.manufacturer,
        model=asset.model,
        serial=asset.serial,
        site_id=asset.site_id,
        location_id=asset.location_id,
        department_id=asset.department_id,
        team_id=asset.team_id,
        contractor_id=asset.contractor_id,
        warranty_end=asset.warranty_end,
        next_inspection=asset.next_inspection,
        status=asset.status,
        notes=asset.notes,
    )


async def search_assets(
    session: AsyncSession, actor: Actor, filters: AssetFilters, page: PageRequest
) -> tuple[Sequence[Asset], int]:
    stmt = scope_assets(actor, select(Asset))
    if filters.site_id:
        stmt = stmt.where(col(Asset.site_id) == filters.site_id)
    if filters.building_id:
        in_building = select(col(Location.id)).where(
            col(Location.building_id) == filters.building_id
        )
        stmt = stmt.where(col(Asset.location_id).in_(in_building))
    if filters.category:
        stmt = stmt.where(col(Asset.category) == filters.category)
    if filters.team_id:
        stmt = stmt.where(col(Asset.team_id) == filters.team_id)
    if filters.query.strip():
        like = f"%{filters.query.strip()}%"
        stmt = stmt.where(
            or_(
                col(Asset.name).ilike(like),
                col(Asset.tag_code).ilike(like),
                col(Asset.serial).ilike(like),
                col(Asset.model).ilike(like),
            )
        )
    total = await session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = await session.scalars(
        stmt.order_by(col(Asset.name), col(Asset.tag_code)).limit(page.limit).offset(page.offset)
    )
    return rows.all(), total


async def count_assets(session: AsyncSession, actor: Actor) -> int:
    return await session.scalar(scope_assets(actor, select(func.count()).select_from(Asset))) or 0


async def count_overdue_inspections(session: AsyncSession, actor: Actor, today: date) -> int:
    """Assets in scope whose next inspection date has passed (retired ones are not due)."""
    stmt = scope_assets(actor, select(func.count()).select_from(Asset)).where(
        col(Asset.next_inspection) < today, col(Asset.status) != AssetStatus.RETIRED
    )
    return await session.scalar(stmt) or 0


async def list_categories(session: AsyncSession, actor: Actor) -> list[str]:
    stmt = scope_assets(actor, select(col(Asset.category)).distinct()).order_by(col(Asset.category))
    return list((await session.scalars(stmt)).all())


async def get_asset(session: AsyncSession, actor: Actor, asset_id: uuid.UUID) -> Asset:
    """An asset outside the actor's scope is reported as missing, so scope leaks nothing."""
    asset = await session.scalar(
        scope_assets(actor, select(Asset).where(col(Asset.id) == asset_id))
    )
    if asset is None:
        raise NotFound("No such asset in your scope.", asset_id=str(asset_id))
    return asset


async def count_open_work_orders(session: AsyncSession, asset_id: uuid.UUID) -> int:
    stmt = select(func.count()).where(
        col(WorkOrder.asset_id) == asset_id, col(WorkOrder.status).in_(OPEN_STATUSES)
    )
    return await session.scalar(stmt) or 0


async def _name_of(
    session: AsyncSession,
    model: type[Team] | type[Contractor] | type[Department],
    row_id: uuid.UUID | None,
) -> str | None:
    if row_id is None:
        return None
    name: str | None = await session.scalar(select(col(model.name)).where(col(model.id) == row_id))
    return name


async def asset_detail(
    session: AsyncSession, actor: Actor, asset_id: uuid.UUID, public_url: str
) -> AssetDetail:
    asset = await get_asset(session, actor, asset_id)
    return AssetDetail(
        asset=asset_out(asset),
        location_path=await location_path(session, asset.location_id),
        department=await _name_of(session, Department, asset.department_id),
        team=await _name_of(session, Team, asset.team_id),
        contractor=await _name_of(session, Contractor, asset.contractor_id),
        open_work_orders=await count_open_work_orders(session, asset.id),
        public_url=card_url(public_url, asset),
    )


async def public_card(session: AsyncSession, tag_code: str, today: date) -> PublicCard:
    asset = await session.scalar(select(Asset).where(col(Asset.tag_code) == tag_code.upper()))
    if asset is None:
        raise NotFound("No asset carries this tag.", tag=tag_code)
    maintained_by = await _name_of(session, Contractor, asset.contractor_id) or await _name_of(
        session, Team, asset.team_id
    )
    return PublicCard(
        tag_code=asset.tag_code,
        name=asset.name,
        category=asset.category,
        location_path=await location_path(session, asset.location_id),
        next_inspection=asset.next_inspection,
        inspection_overdue=inspection_overdue(asset.next_inspection, today),
        maintained_by=maintained_by,
        open_faults=await count_open_work_orders(session, asset.id),
        status=asset.status,
        report_url=f"/app/#/report?asset={asset.tag_code}",
    )


async def assets_by_tag(session: AsyncSession, tags: Sequence[str]) -> dict[str, Asset]:
    """The assets carrying these tags, read in chunks (a bound parameter per tag, and
    both databases cap how many one statement may carry)."""
    found: dict[str, Asset] = {}
    for start in range(0, len(tags), 5000):
        chunk = tags[start : start + 5000]
        rows = await session.scalars(select(Asset).where(col(Asset.tag_code).in_(chunk)))
        found.update((asset.tag_code, asset) for asset in rows)
    return found


async def save_assets(
    session: AsyncSession, created: Sequence[dict[str, Any]], changed: Sequence[Asset]
) -> None:
    """Write new and changed assets with their change records, so the phones whose
    audience they are in (or left) hear of them. New ones are complete column values
    (`id` included), inserted in bulk; `changed` are rows this session loaded and the
    caller set new values on, written by the unit of work (a change may move an asset
    to another site, which only the unit of work logs for both audiences)."""
    await insert_rows(session, Asset, list(created))
    assert all(asset in session for asset in changed)
    await session.flush()
