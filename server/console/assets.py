"""The asset register in the console: search and filter, one asset, its printable label."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath, FromQuery
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from scanners.labels import asset_label_png, qr_svg
from scanners.sheets import DEFAULT_PRESET, PRESETS
from server.console.forms import Pager, list_url, page_window, uuid_or_none
from server.console.pages import render, render_page_or_partial
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission
from server.domain.assets import service as assets
from server.domain.sites import service as sites
from server.domain.work import board
from server.web.deps import AppSettings, CurrentActor, DbSession
from server.web.security import requires

REGISTER = "/desk/assets"


async def _filter_choices(session: AsyncSession, actor: Actor) -> dict[str, Any]:
    """What the filter selects offer, limited to the actor's sites and assets."""
    site_rows = await sites.list_sites(session, actor)
    return {
        "sites": site_rows,
        "site_names": {site.id: site.name for site in site_rows},
        "buildings": await sites.list_buildings(session, actor),
        "categories": await assets.list_categories(session, actor),
        "teams": await sites.list_teams(session),
    }


class AssetConsoleController(Controller):
    path = "/assets"
    guards = requires(Permission.READ_ASSETS)

    @get("/")
    async def register(
        self,
        *,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        q: FromQuery[str] = "",
        site: FromQuery[str] = "",
        building: FromQuery[str] = "",
        category: FromQuery[str] = "",
        team: FromQuery[str] = "",
        page: FromQuery[int] = 1,
    ) -> Template:
        params = {"q": q.strip(), "site": site, "building": building}
        params |= {"category": category, "team": team}
        filters = assets.AssetFilters(
            query=q,
            site_id=uuid_or_none(site),
            building_id=uuid_or_none(building),
            category=category,
            team_id=uuid_or_none(team),
        )
        number = max(1, page)
        rows, total = await assets.search_assets(db_session, actor, filters, page_window(number))
        choices = await _filter_choices(db_session, actor)
        pager = Pager(number, total)
        return render_page_or_partial(
            request,
            "assets/list.html",
            "assets/partials/table.html",
            push_url=list_url(REGISTER, params, number),
            assets=rows,
            filters=params,
            pager=pager,
            previous_url=list_url(REGISTER, params, number - 1),
            next_url=list_url(REGISTER, params, number + 1),
            team_names={row.id: row.name for row in choices["teams"]},
            presets=list(PRESETS.values()),
            default_preset=DEFAULT_PRESET,
            **choices,
        )

    @get("/{asset_id:uuid}")
    async def detail(
        self,
        request: Request[Any, Any, Any],
        asset_id: FromPath[uuid.UUID],
        actor: CurrentActor,
        db_session: DbSession,
        settings: AppSettings,
    ) -> Template:
        # Out of scope raises NotFound, which the error mapper renders as the 404 page.
        detail = await assets.asset_detail(db_session, actor, asset_id, settings.public_url)
        recent, repeats = await board.asset_history(db_session, actor, asset_id)
        return render(
            request,
            "assets/detail.html",
            detail=detail,
            asset=detail.asset,
            qr=qr_svg(detail.public_url, scale=6),
            recent_orders=recent,
            repeats=repeats,
            overdue=assets.inspection_overdue(detail.asset.next_inspection, date.today()),
        )

    @get("/{asset_id:uuid}/label.png", media_type="image/png")
    async def label(
        self,
        asset_id: FromPath[uuid.UUID],
        actor: CurrentActor,
        db_session: DbSession,
        settings: AppSettings,
    ) -> Response[bytes]:
        asset = await assets.get_asset(db_session, actor, asset_id)
        png = asset_label_png(
            asset.tag_code, assets.card_url(settings.public_url, asset), asset.name
        )
        disposition = f'inline; filename="asset-{asset.tag_code}.png"'
        return Response(png, media_type="image/png", headers={"Content-Disposition": disposition})
