"""Patrol routes, checkpoints, expected rounds and rounds, scoped to the caller."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from litestar import Controller, get
from litestar.params import FromPath, QueryParameter

from server.db.types import utcnow
from server.domain.accounts.policy import Permission
from server.domain.patrol import reading, service
from server.domain.patrol.schemas import (
    CheckpointOut,
    ExpectedRoundOut,
    PatrolRoundOut,
    RouteOut,
)
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

    @get("/patrol/expected")
    async def expected(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        day: Annotated[date | None, QueryParameter(name="date")] = None,
    ) -> list[ExpectedRoundOut]:
        """The expected rounds whose window starts on `date` (YYYY-MM-DD, the site's local
        date; default today), with their status and counters."""
        return await reading.expected_on(db_session, actor, day, utcnow())

    @get("/patrol/rounds/{round_id:uuid}")
    async def round_detail(
        self, db_session: DbSession, actor: CurrentActor, round_id: FromPath[uuid.UUID]
    ) -> PatrolRoundOut:
        """A round with its scans, their outcomes and the hashes of the ops behind them."""
        return await reading.round_detail(db_session, actor, round_id)
