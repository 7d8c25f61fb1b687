"""Verification reports, statements, the statement check and attendance sheets (JSON).

Which guards a caller may name is decided in the policy module: a contractor manager
only their own contractor's, a guard only themselves (their statement)."""

from __future__ import annotations

import uuid

from litestar import Controller, get, post
from litestar.params import FromQuery, JSONBody

from server.domain.accounts.policy import Permission
from server.domain.patrol import reports
from server.domain.patrol.verification import Thresholds
from server.domain.reports.monthly import parse_month
from server.errors import InvalidInput
from server.web.deps import AppSettings, CurrentActor, DbSession
from server.web.security import requires


def thresholds(settings: AppSettings) -> Thresholds:
    return Thresholds(clock_skew_seconds=settings.patrol_clock_skew_seconds)


class PatrolVerificationController(Controller):
    path = "/patrol"
    tags = ["patrol"]

    @get("/verification", guards=requires(Permission.VERIFY_PATROL))
    async def verification(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        settings: AppSettings,
        month: FromQuery[str] = "",
        guard_id: FromQuery[uuid.UUID | None] = None,
        contractor_id: FromQuery[uuid.UUID | None] = None,
    ) -> reports.GuardReport | reports.ContractorReport:
        when, limits = parse_month(month), thresholds(settings)
        if guard_id is not None:
            return await reports.guard_report(db_session, actor, guard_id, when, limits)
        if contractor_id is None:
            raise InvalidInput("Name a guard_id or a contractor_id.", field="guard_id")
        return await reports.contractor_report(db_session, actor, contractor_id, when, limits)

    @get("/statement", guards=requires(Permission.READ_PATROL))
    async def statement(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        guard_id: FromQuery[uuid.UUID],
        month: FromQuery[str] = "",
    ) -> reports.Statement:
        return await reports.statement(db_session, actor, guard_id, parse_month(month))

    @post("/statement/check", guards=requires(Permission.READ_PATROL), status_code=200)
    async def check(
        self, db_session: DbSession, actor: CurrentActor, data: JSONBody[reports.CheckRequest]
    ) -> list[reports.CheckResult]:
        lines = data.lines + reports.parse_statement_text(data.text)
        if not lines:
            raise InvalidInput("Give at least one op hash.", field="lines")
        if len(lines) > 5000:
            raise InvalidInput("At most 5,000 lines per check.", field="lines")
        return await reports.check_statement(db_session, actor, lines)

    @get("/attendance", guards=requires(Permission.VERIFY_PATROL))
    async def attendance(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        month: FromQuery[str] = "",
        guard_id: FromQuery[uuid.UUID | None] = None,
        contractor_id: FromQuery[uuid.UUID | None] = None,
    ) -> reports.AttendanceSheet:
        if guard_id is None and contractor_id is None:
            raise InvalidInput("Name a guard_id or a contractor_id.", field="guard_id")
        return await reports.attendance_sheet(
            db_session, actor, parse_month(month), contractor_id=contractor_id, guard_id=guard_id
        )
