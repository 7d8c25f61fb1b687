"""The monthly report in the console, its charts (inline SVG drawn here, no script) and
its CSV and Excel downloads. The figures come from `domain.reports` as the API's do."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromQuery
from litestar.response import Template

from server.console.forms import uuid_or_none
from server.console.i18n import pick_language, translator
from server.console.pages import render
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission
from server.domain.reports.export import to_csv, to_xlsx
from server.domain.reports.monthly import monthly_report, parse_month
from server.domain.reports.schemas import MonthlyReport
from server.domain.sites import service as sites
from server.errors import InvalidInput
from server.web.deps import CurrentActor, DbSession
from server.web.security import requires

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BAR_HEIGHT, GAP, LABEL_WIDTH, BAR_WIDTH = 22, 6, 180, 320


def bar_chart(title: str, bars: Sequence[tuple[str, float, str]], kind: str) -> str:
    """A horizontal bar chart: one (label, value, shown value) per bar, longest = full width."""
    height = max(1, len(bars)) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + 90
    top = max((value for _, value, _ in bars), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="{kind}" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, value, shown) in enumerate(bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = round(BAR_WIDTH * value / top, 1)
        middle = y + BAR_HEIGHT * 0.7
        parts.append(
            f'<g data-bar="{escape(label)}" data-value="{value:g}">'
            f'<text x="{LABEL_WIDTH - 6}" y="{middle}" text-anchor="end" font-size="13">'
            f"{escape(label)}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" '
            f'fill="#2f6f9f" rx="2"></rect>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{middle}" font-size="13">'
            f"{escape(shown)}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def money(cents: int) -> str:
    return f"{cents / 100:,.2f}"


def charts(report: MonthlyReport, t: Any) -> dict[str, str]:
    workload = [
        (line.name or t("reports.unassigned"), float(line.received), str(line.received))
        for line in report.teams
    ]
    costs = [
        (c.name or t("reports.no_department"), float(c.total_cents), money(c.total_cents))
        for c in report.costs
    ]
    return {
        "workload": bar_chart(t("reports.chart_workload"), workload, "workload"),
        "costs": bar_chart(t("reports.chart_costs"), costs, "costs"),
    }


def _month_or_current(text: str) -> date:
    try:
        return parse_month(text)
    except InvalidInput:  # a stray value in the address shows this month, not an error
        return parse_month(None)


async def _report(
    db_session: DbSession, actor: Actor, month: str, site_id: str, team_id: str
) -> MonthlyReport:
    return await monthly_report(
        db_session, actor, _month_or_current(month), uuid_or_none(site_id), uuid_or_none(team_id)
    )


def _download(
    report: MonthlyReport, body: bytes | str, extension: str, media: str
) -> Response[Any]:
    name = f"rounds-report-{report.month}.{extension}"
    return Response(
        content=body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


class ReportConsoleController(Controller):
    path = "/reports"
    guards = requires(Permission.READ_REPORTS)

    @get("/")
    async def monthly(
        self,
        *,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        db_session: DbSession,
        month: FromQuery[str] = "",
        site_id: FromQuery[str] = "",
        team_id: FromQuery[str] = "",
    ) -> Template:
        report = await _report(db_session, actor, month, site_id, team_id)
        query = f"month={report.month}"
        query += f"&site_id={report.site_id}" if report.site_id else ""
        query += f"&team_id={report.team_id}" if report.team_id else ""
        return render(
            request,
            "reports/monthly.html",
            report=report,
            charts=charts(report, translator(pick_language(request))),
            site_options=await sites.list_sites(db_session, actor),
            team_options=await sites.list_teams(db_session),
            selected_site=str(report.site_id or ""),
            selected_team=str(report.team_id or ""),
            query=query,
            money=money,
        )

    @get("/export.csv")
    async def export_csv(
        self,
        actor: CurrentActor,
        db_session: DbSession,
        month: FromQuery[str] = "",
        site_id: FromQuery[str] = "",
        team_id: FromQuery[str] = "",
    ) -> Response[Any]:
        report = await _report(db_session, actor, month, site_id, team_id)
        return _download(report, to_csv(report), "csv", "text/csv; charset=utf-8")

    @get("/export.xlsx")
    async def export_xlsx(
        self,
        actor: CurrentActor,
        db_session: DbSession,
        month: FromQuery[str] = "",
        site_id: FromQuery[str] = "",
        team_id: FromQuery[str] = "",
    ) -> Response[Any]:
        report = await _report(db_session, actor, month, site_id, team_id)
        return _download(report, to_xlsx(report), "xlsx", XLSX)
