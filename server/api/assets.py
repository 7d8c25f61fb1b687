"""The asset register."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, get
from litestar.params import FromPath, FromQuery, QueryParameter

from server.domain.accounts.policy import Permission
from server.domain.assets import service
from server.domain.assets.schemas import AssetDetail, AssetPage
from server.domain.paging import PageRequest
from server.web.deps import AppSettings, CurrentActor, DbSession
from server.web.security import requires


class AssetController(Controller):
    path = "/assets"
    tags = ["assets"]
    guards = requires(Permission.READ_ASSETS)

    @get("/")
    async def search(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        q: FromQuery[str] = "",
        site_id: FromQuery[uuid.UUID | None] = None,
        building_id: FromQuery[uuid.UUID | None] = None,
        category: FromQuery[str] = "",
        team_id: FromQuery[uuid.UUID | None] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> AssetPage:
        """Search the register within your scope by text, site, building, category, team."""
        page = PageRequest(limit, offset)
        filters = service.AssetFilters(q, site_id, building_id, category, team_id)
        rows, total = await service.search_assets(db_session, actor, filters, page)
        return AssetPage([service.asset_out(row) for row in rows], total, page.limit, page.offset)

    @get("/{asset_id:uuid}")
    async def detail(
        self,
        asset_id: FromPath[uuid.UUID],
        db_session: DbSession,
        actor: CurrentActor,
        settings: AppSettings,
    ) -> AssetDetail:
        return await service.asset_detail(db_session, actor, asset_id, settings.public_url)
