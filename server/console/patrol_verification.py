"""The desk's and the contractor's verification pages under /desk/patrol/verification.

- `?contractor_id=&month=`: a contractor's month, each guard with counts of each finding.
- `/guards/{id}?month=`: a guard's month, every finding with its records and op hashes.
- `/guards/{id}/statement?month=[&format=csv]`: the printable statement (local time, hash).
- `/check`: paste hashes or a statement's lines; each answered match, altered or unknown.
- `/attendance?contractor_id=|guard_id=&month=[&format=csv|xlsx]`: the attendance sheet.

Which guards and contractors a caller may name is decided by the policy module
(`scope_patrol_people`, `scope_contractors`): another contractor's guard is a 404.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Template
from sqlalchemy import select
from sqlmodel import col

from server.console.forms import uuid_or_none
from server.console.pages import render
from server.console.sheets import FORMATS, Column, Sheet, download, local_time
from server.db.models import Contractor
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission, scope_contractors
from server.domain.patrol import reports
from server.domain.patrol.verification import Thresholds
from server.domain.reports.monthly import parse_month
from server.errors import InvalidInput
from server.web.deps import AppSettings, CurrentActor, DbSession
from server.web.security import requires

BASE = "/desk/patrol/verification"
KINDS = (
    "altered_op",
    "chain_break",
    "seq_gap",
    "stream_restart",
    "clock_skew",
    "clock_flag",
    "hlc_regression",
    "backdated",
    "backdated_clock_in",
    "impossible_travel",
    "scan_burst",
    "manual_entry",
    "record_mismatch",
)
MAX_CHECK_LINES = 5000

STATEMENT = [
    Column("local_time", "verify.local_time", lambda r: r.local_time),
    Column("kind", "verify.kind", lambda r: r.kind),
    Column("detail", "verify.detail", lambda r: r.detail),
    Column("record_id", "verify.record", lambda r: str(r.record_id)),
    Column("op_hash", "verify.op_hash", lambda r: r.op_hash),
]
ATTENDANCE = [
    Column("employee_no", "verify.employee_no", lambda g: g.employee_no),
    Column("name", "patrol.guard", lambda g: g.name),
    Column("planned", "verify.planned", lambda g: g.planned, numeric=True),
    Column("worked", "verify.worked", lambda g: g.worked, numeric=True),
    Column("hours", "verify.hours", lambda g: g.hours, numeric=True),
    Column("late_starts", "verify.late_starts", lambda g: g.late_starts, numeric=True),
    Column("early_leaves", "verify.early_leaves", lambda g: g.early_leaves, numeric=True),
    Column(
        "missing_clock_outs",
        "verify.missing_clock_outs",
        lambda g: g.missing_clock_outs,
        numeric=True,
    ),
    Column("absences", "verify.absences", lambda g: g.absences, numeric=True),
    Column("flagged", "verify.flagged", lambda g: g.flagged, numeric=True),
]


def shift_columns(zone: ZoneInfo) -> list[Column]:
    """A guard's shifts; times on the wall clock of the contractor's site, its zone named
    in the header (hours are elapsed time, so a night the clocks change counts right)."""

    def at(
        name: str, label: str, pick: Callable[[reports.SheetLineOut], datetime | None]
    ) -> Column:
        return Column(f"{name} ({zone})", label, lambda r: local_time(pick(r[1]), zone))

    return [
        Column("employee_no", "verify.employee_no", lambda r: r[0].employee_no),
        Column("day", "patrol.day", lambda r: r[1].day),
        at("planned_start", "verify.planned_start", lambda line: line.planned_start),
        at("planned_end", "verify.planned_end", lambda line: line.planned_end),
        at("clock_in", "verify.clock_in", lambda line: line.clock_in),
        at("clock_out", "verify.clock_out", lambda line: line.clock_out),
        Column("hours", "verify.hours", lambda r: r[1].hours, numeric=True),
        Column("late_minutes", "verify.late_minutes", lambda r: r[1].late_minutes, numeric=True),
        Column("early_minutes", "verify.early_minutes", lambda r: r[1].early_minutes, numeric=True),
        Column("flags", "verify.flags", lambda r: " ".join(r[1].flags)),
    ]


class CheckForm(msgspec.Struct):
    text: str = ""


def _thresholds(settings: AppSettings) -> Thresholds:
    return Thresholds(clock_skew_seconds=settings.patrol_clock_skew_seconds)


async def _contractors(db_session: DbSession, actor: Actor) -> list[Contractor]:
    found = await db_session.scalars(
        scope_contractors(actor, select(Contractor).order_by(col(Contractor.name)))
    )
    return list(found.all())


def _stem(kind: str, who: str, month: date) -> str:
    return f"{kind}-{who}-{month.strftime('%Y-%m')}"


class VerificationConsoleController(Controller):
    path = "/patrol/verification"
    guards = requires(Permission.VERIFY_PATROL)

    @get("/")
    async def contractor(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        db_session: DbSession,
        settings: AppSettings,
        contractor_id: FromQuery[str] = "",
        month: FromQuery[str] = "",
    ) -> Template:
        when, contractors = parse_month(month), await _contractors(db_session, actor)
        chosen = uuid_or_none(contractor_id)
        if chosen is None and len(contractors) == 1:
            chosen = contractors[0].id
        report = None
        if chosen is not None:
            report = await reports.contractor_report(
                db_session, actor, chosen, when, _thresholds(settings)
            )
        return render(
            request,
            "patrol/verification.html",
            report=report,
            contractors=contractors,
            chosen=str(chosen or ""),
            month=when.strftime("%Y-%m"),
            kinds=KINDS,
        )

    @get("/guards/{guard_id:uuid}")
    async def guard(
        self,
        request: Request[Any, Any, Any],
        guard_id: FromPath[uuid.UUID],
        actor: CurrentActor,
        db_session: DbSession,
        settings: AppSettings,
        month: FromQuery[str] = "",
    ) -> Template:
        when = parse_month(month)
        report = await reports.guard_report(
            db_session, actor, guard_id, when, _thresholds(settings)
        )
        return render(request, "patrol/verification_guard.html", report=report, month=report.month)

    @get("/guards/{guard_id:uuid}/statement")
    async def statement(
        self,
        request: Request[Any, Any, Any],
        guard_id: FromPath[uuid.UUID],
        actor: CurrentActor,
        db_session: DbSession,
        month: FromQuery[str] = "",
        format: FromQuery[str] = "",
    ) -> Template | Response[Any]:
        when = parse_month(month)
        found = await reports.statement(db_session, actor, guard_id, when)
        if format in FORMATS:
            sheet = Sheet("statement", STATEMENT, found.lines)
            return download([sheet], _stem("statement", found.employee_no, when), format)
        return render(request, "patrol/statement.html", statement=found, month=found.month)

    @get("/check")
    async def check_form(self, request: Request[Any, Any, Any]) -> Template:
        return render(request, "patrol/statement_check.html", text="", results=None)

    @post("/check", status_code=200)
    async def check(
        self,
        request: Request[Any, Any, Any],
        data: URLEncodedBody[CheckForm],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Template:
        lines = reports.parse_statement_text(data.text)
        error = ""
        results: list[reports.CheckResult] | None = None
        if not lines:
            error = "verify.check_none"
        elif len(lines) > MAX_CHECK_LINES:
            error = "verify.check_too_many"
        else:
            results = await reports.check_statement(db_session, actor, lines)
        return render(
            request,
            "patrol/statement_check.html",
            status=422 if error else 200,
            text=data.text,
            results=results,
            check_error=error,
        )

    @get("/attendance")
    async def attendance(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        db_session: DbSession,
        contractor_id: FromQuery[str] = "",
        guard_id: FromQuery[str] = "",
        month: FromQuery[str] = "",
        format: FromQuery[str] = "",
    ) -> Template | Response[Any]:
        when, contractors = parse_month(month), await _contractors(db_session, actor)
        chosen, guard = uuid_or_none(contractor_id), uuid_or_none(guard_id)
        if chosen is None and guard is None and len(contractors) == 1:
            chosen = contractors[0].id
        sheet = None
        if chosen is not None or guard is not None:
            sheet = await reports.attendance_sheet(
                db_session, actor, when, contractor_id=None if guard else chosen, guard_id=guard
            )
        if format in FORMATS:
            if sheet is None:
                raise InvalidInput("Name a contractor or a guard.", field="contractor_id")
            who = sheet.guards[0].employee_no if guard and sheet.guards else "contractor"
            return download(_attendance_sheets(sheet), _stem("attendance", who, when), format)
        return render(
            request,
            "patrol/attendance.html",
            sheet=sheet,
            contractors=contractors,
            chosen=str(chosen or ""),
            guard_id=str(guard or ""),
            month=when.strftime("%Y-%m"),
            shifts=_guard_shifts(sheet) if guard is not None else None,
        )


def _guard_shifts(sheet: reports.AttendanceSheet | None) -> Sheet | None:
    """The one guard's shifts as the page shows them (local wall-clock times)."""
    if sheet is None or not sheet.guards:
        return None
    rows = [(sheet.guards[0], line) for line in sheet.guards[0].lines]
    return Sheet("shifts", shift_columns(_zone(sheet))[1:], rows)


def _zone(sheet: reports.AttendanceSheet) -> ZoneInfo:
    return ZoneInfo(sheet.time_zone)


def _attendance_sheets(sheet: reports.AttendanceSheet) -> list[Sheet]:
    shifts = [(guard, line) for guard in sheet.guards for line in guard.lines]
    return [
        Sheet("attendance", ATTENDANCE, sheet.guards),
        Sheet("shifts", shift_columns(_zone(sheet)), shifts),
    ]
