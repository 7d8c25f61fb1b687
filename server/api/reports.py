"""Monthly reports over the JSON API: the same figures the console page shows."""

from __future__ import annotations

import uuid

from litestar import Controller, get
from litestar.params import FromQuery

from server.domain.accounts.policy import Permission
from server.domain.reports.monthly import monthly_report, parse_month
from server.domain.reports.schemas import MonthlyReport
from server.web.deps import CurrentActor, DbSession
from server.web.security import requires


class ReportController(Controller):
    tags = ["reports"]
    guards = requires(Permission.READ_REPORTS)

    @get("/reports/monthly")
    async def monthly(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        month: FromQuery[str | None] = None,
        site_id: FromQuery[uuid.UUID | None] = None,
        team_id: FromQuery[uuid.UUID | None] = None,
    ) -> MonthlyReport:
        """Orders reported in `month` (YYYY-MM, UTC; default this month) that you may see,
        optionally one site's or one team's. Percentiles are nearest-rank."""
        return await monthly_report(db_session, actor, parse_month(month), site_id, team_id)
