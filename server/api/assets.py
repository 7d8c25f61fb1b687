"""The asset register."""

from __future__ import annotations

import uuid

from litestar import Controller, get
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission
from server.domain.assets import service
from server.domain.assets.schemas import AssetDetail, AssetPage
from server.domain.paging import PageRequest
from server.settings import Settings
from server.web.security import requires


class AssetController(Controller):
    path = "/assets"
    tags = ["assets"]
    guards = requires(Permission.READ_ASSETS)

    @get("/")
    async def search(
        self,
        db_session: AsyncSession,
        actor: Actor,
        q: str = "",
        site_id: uuid.UUID | None = None,
        building_id: uuid.UUID | None = None,
        category: str = "",
        team_id: uuid.UUID | None = None,
        limit: int = Parameter(default=50, ge=1, le=200),
        offset: int = Parameter(default=0, ge=0),
    ) -> AssetPage:
        """Search the register within your scope by text, site, building, category, team."""
        page = PageRequest(limit, offset)
        filters = service.AssetFilters(q, site_id, building_id, category, team_id)
        rows, total = await service.search_assets(db_session, actor, filters, page)
        return AssetPage([service.asset_out(row) for row in rows], total, page.limit, page.offset)

    @get("/{asset_id:uuid}")
    async def detail(
        self, asset_id: uuid.UUID, db_session: AsyncSession, actor: Actor, settings: Settings
    ) -> AssetDetail:
        return await service.asset_detail(db_session, actor, asset_id, settings.public_url)
