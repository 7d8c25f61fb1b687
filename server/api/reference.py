"""Reference lists every signed-in role reads: sites, buildings, locations, departments."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, get
from litestar.params import FromQuery, QueryParameter

from server.domain.accounts.policy import Permission
from server.domain.paging import PageRequest
from server.domain.sites import service
from server.domain.sites.schemas import (
    BuildingOut,
    ContractorOut,
    DepartmentOut,
    LocationOut,
    LocationPage,
    SiteOut,
    TeamOut,
)
from server.web.deps import CurrentActor, DbSession
from server.web.security import requires

GUARD = requires(Permission.READ_REFERENCE)


class ReferenceController(Controller):
    tags = ["reference"]
    guards = GUARD

    @get("/sites")
    async def sites(self, db_session: DbSession, actor: CurrentActor) -> list[SiteOut]:
        rows = await service.list_sites(db_session, actor)
        return [SiteOut(row.id, row.code, row.name) for row in rows]

    @get("/buildings")
    async def buildings(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        site_id: FromQuery[uuid.UUID | None] = None,
    ) -> list[BuildingOut]:
        rows = await service.list_buildings(db_session, actor, site_id)
        return [BuildingOut(row.id, row.site_id, row.code, row.name) for row in rows]

    @get("/locations")
    async def locations(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        q: FromQuery[str] = "",
        site_id: FromQuery[uuid.UUID | None] = None,
        building_id: FromQuery[uuid.UUID | None] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> LocationPage:
        page = PageRequest(limit, offset)
        rows, total = await service.search_locations(
            db_session, actor, page, query=q, site_id=site_id, building_id=building_id
        )
        items = [
            LocationOut(
                row.id,
                row.site_id,
                row.building_id,
                row.parent_id,
                row.department_id,
                row.code,
                row.name,
                row.kind,
            )
            for row in rows
        ]
        return LocationPage(items, total, page.limit, page.offset)

    @get("/departments")
    async def departments(self, db_session: DbSession) -> list[DepartmentOut]:
        rows = await service.list_departments(db_session)
        return [DepartmentOut(row.id, row.code, row.name, row.cost_centre) for row in rows]

    @get("/teams")
    async def teams(self, db_session: DbSession) -> list[TeamOut]:
        rows = await service.list_teams(db_session)
        return [TeamOut(row.id, row.code, row.name, row.trade) for row in rows]

    @get("/contractors")
    async def contractors(self, db_session: DbSession, actor: CurrentActor) -> list[ContractorOut]:
        rows = await service.list_contractors(db_session, actor)
        return [ContractorOut(row.id, row.code, row.name, row.service) for row in rows]
