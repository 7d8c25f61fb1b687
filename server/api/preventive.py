"""Planned maintenance: the plans and when each is next due."""

from __future__ import annotations

from litestar import Controller, get
from litestar.params import FromQuery

from server.domain.accounts.policy import Permission
from server.domain.preventive.service import PmPlanOut, list_plans
from server.web.deps import CurrentActor, DbSession
from server.web.security import requires


class PmPlanController(Controller):
    path = "/pm-plans"
    tags = ["preventive"]
    guards = requires(Permission.READ_PM_PLANS)

    @get("/")
    async def plans(
        self, db_session: DbSession, actor: CurrentActor, active_only: FromQuery[bool] = True
    ) -> list[PmPlanOut]:
        """Maintenance plans by next due date; team leads see their team's."""
        return await list_plans(db_session, actor, active_only=active_only)
