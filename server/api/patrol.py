"""Patrol routes and checkpoints, scoped to the caller's contractor."""

from __future__ import annotations

from litestar import Controller, get

from server.domain.accounts.policy import Permission
from server.domain.patrol import service
from server.domain.patrol.schemas import CheckpointOut, RouteOut
from server.web.deps import CurrentActor, DbSession
from server.web.security import requires


class PatrolController(Controller):
    tags = ["patrol"]
    guards = requires(Permission.READ_PATROL)

    @get("/routes")
    async def routes(self, db_session: DbSession, actor: CurrentActor) -> list[RouteOut]:
        return await service.list_routes(db_session, actor)

    @get("/checkpoints")
    async def checkpoints(self, db_session: DbSession, actor: CurrentActor) -> list[CheckpointOut]:
        rows = await service.list_checkpoints(db_session, actor)
        return [
            CheckpointOut(
                row.id,
                row.code,
                row.name,
                row.qr_payload,
                row.nfc_uid,
                row.site_id,
                row.location_id,
            )
            for row in rows
        ]
