"""The home page: what the signed-in role does first, one panel per role the person has.

Every panel's numbers come from the domain services, which scope them through the
policy, so a panel never shows more than the matching list would.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from server.console.pages import render
from server.db.models import Contractor, Role, Store, WorkOrder
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import OVERSEERS, Permission, can
from server.domain.assets import service as assets
from server.domain.paging import PageRequest
from server.domain.patrol import service as patrol
from server.domain.patrol.schemas import RouteOut
from server.domain.people import service as people
from server.domain.sites import service as sites
from server.domain.stock import service as stock
from server.domain.sync import resolution
from server.domain.work import service as work
from server.web.deps import CurrentActor, DbSession
from server.web.security import requires

SHORT_LIST = PageRequest(limit=8)


@dataclass(frozen=True)
class Overview:
    open_work_orders: int
    assets: int
    overdue_inspections: int


@dataclass(frozen=True)
class OrderList:
    """A short list of work orders and how many there are in all; `owner` names whose."""

    owner: str
    orders: Sequence[WorkOrder]
    total: int


@dataclass(frozen=True)
class StockSummary:
    items: int
    stores: Sequence[Store]


@dataclass(frozen=True)
class CompanySummary:
    contractor: Contractor | None
    people: int
    assets: int
    routes: list[RouteOut]


async def _overview(session: AsyncSession, actor: Actor) -> Overview:
    return Overview(
        open_work_orders=await work.count_work_orders(session, actor, open_only=True),
        assets=await assets.count_assets(session, actor),
        overdue_inspections=await assets.count_overdue_inspections(session, actor, date.today()),
    )


def _name(rows: Sequence[Any], row_id: uuid.UUID | None) -> str:
    return next((row.name for row in rows if row.id == row_id), "")


async def _team_orders(session: AsyncSession, actor: Actor) -> OrderList:
    orders, total = await work.search_work_orders(session, actor, SHORT_LIST, open_only=True)
    return OrderList(_name(await sites.list_teams(session), actor.team_id), orders, total)


async def _department_requests(session: AsyncSession, actor: Actor) -> OrderList:
    orders, total = await work.search_work_orders(session, actor, SHORT_LIST)
    owner = _name(await sites.list_departments(session), actor.department_id)
    return OrderList(owner, orders, total)


async def _stock(session: AsyncSession, actor: Actor) -> StockSummary:
    return StockSummary(await stock.count_items(session), await stock.list_stores(session, actor))


async def _company(session: AsyncSession, actor: Actor) -> CompanySummary:
    companies = await sites.list_contractors(session, actor)
    return CompanySummary(
        contractor=companies[0] if companies else None,
        people=await people.count_people(session, actor),
        assets=await assets.count_assets(session, actor),
        routes=await patrol.list_routes(session, actor),
    )


async def home_panels(session: AsyncSession, actor: Actor) -> dict[str, Any]:
    """The panels for each of the actor's roles; someone with two roles sees both sets."""
    panels: dict[str, Any] = {}
    if actor.has(*OVERSEERS):
        panels["overview"] = await _overview(session, actor)
    if can(actor, Permission.RESOLVE_CONFLICTS):
        panels["conflicts"] = await resolution.count_open(session, actor)
    if actor.has(Role.TEAM_LEAD, Role.TECHNICIAN):
        panels["team_orders"] = await _team_orders(session, actor)
    if actor.has(Role.REQUESTER):
        panels["requests"] = await _department_requests(session, actor)
    if actor.has(Role.STOREKEEPER):
        panels["stock"] = await _stock(session, actor)
    if actor.has(Role.GUARD, Role.CLEANER):
        panels["routes"] = await patrol.list_routes(session, actor)
    if actor.has(Role.CONTRACTOR_MANAGER):
        panels["company"] = await _company(session, actor)
    return panels


class HomeController(Controller):
    guards = requires(Permission.USE_CONSOLE)

    @get("/")
    async def home(
        self, request: Request[Any, Any, Any], actor: CurrentActor, db_session: DbSession
    ) -> Template:
        panels = await home_panels(db_session, actor)
        roles = sorted(actor.roles)
        return render(request, "home.html", panels=panels, roles=roles)
