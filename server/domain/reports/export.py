"""The report as plain tables, and those tables as CSV (one section each) or XLSX (one
sheet each). Headers are English and money is in cents, so a spreadsheet can sum it."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook

from server.domain.reports.schemas import DurationStats, MonthlyReport, WorkloadLine


@dataclass(frozen=True)
class Table:
    title: str
    header: list[str]
    rows: list[list[Any]]


def _blank(value: Any) -> Any:
    return "" if value is None else value


def _workload(title: str, lines: list[WorkloadLine]) -> Table:
    return Table(
        title,
        ["name", "received", "completed", "open_at_month_end"],
        [[line.name, line.received, line.completed, line.open_at_month_end] for line in lines],
    )


def _times(name: str, stats: DurationStats) -> list[Any]:
    return [name, stats.measured, _blank(stats.median_minutes), _blank(stats.p90_minutes)]


def report_tables(report: MonthlyReport) -> list[Table]:
    s = report.satisfaction
    return [
        Table(
            "summary",
            ["month", "site_id", "team_id", "orders", "percentile_method"],
            [
                [
                    report.month,
                    _blank(report.site_id),
                    _blank(report.team_id),
                    report.orders,
                    report.percentile_method,
                ]
            ],
        ),
        _workload("workload_by_team", report.teams),
        _workload("workload_by_technician", report.technicians),
        Table(
            "times",
            ["measure", "measured", "median_minutes", "p90_minutes"],
            [
                _times("response", report.response_time),
                _times("repair", report.repair_time),
            ],
        ),
        Table(
            "sla",
            ["priority", "assessed", "compliant", "share"],
            [
                [
                    "all" if line.priority is None else line.priority,
                    line.assessed,
                    line.compliant,
                    _blank(line.share),
                ]
                for line in report.sla
            ],
        ),
        Table(
            "repeat_repairs",
            ["asset_tag", "asset_name", "number", "previous_number", "days_apart"],
            [
                [r.asset_tag, r.asset_name, r.number, r.previous_number, r.days_apart]
                for r in report.repeat_repairs
            ],
        ),
        Table(
            "cost_by_department",
            ["cost_centre", "department", "orders", "labour_cents", "parts_cents", "total_cents"],
            [
                [c.cost_centre, c.name, c.orders, c.labour_cents, c.parts_cents, c.total_cents]
                for c in report.costs
            ],
        ),
        Table(
            "satisfaction",
            ["measure", "value"],
            [
                ["ratings", s.ratings],
                ["average", _blank(s.average)],
                *[[f"rating_{score}", count] for score, count in s.distribution.items()],
                ["fixed_answers", s.fixed_answers],
                ["not_fixed", s.not_fixed],
                ["not_fixed_share", _blank(s.not_fixed_share)],
                ["callbacks_opened", s.callbacks_opened],
                ["callbacks_open", s.callbacks_open],
                *[[f"callback_{name}", count] for name, count in s.callback_outcomes.items()],
            ],
        ),
        Table(
            "complaints_and_enquiries",
            ["kind", "received", "answered", "closed", "median_minutes_to_answer"],
            [
                [e.kind, e.received, e.answered, e.closed, _blank(e.median_minutes_to_answer)]
                for e in report.enquiries
            ],
        ),
    ]


def to_csv(report: MonthlyReport) -> str:
    return tables_csv(report_tables(report))


def to_xlsx(report: MonthlyReport) -> bytes:
    return tables_xlsx(report_tables(report))


def tables_csv(tables: list[Table]) -> str:
    """Sections separated by a blank line, each a `# title` line, a header and its rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for number, table in enumerate(tables):
        if number:
            writer.writerow([])
        writer.writerow([f"# {table.title}"])
        writer.writerow(table.header)
        writer.writerows([[str(cell) for cell in row] for row in table.rows])
    return out.getvalue()


def tables_xlsx(tables: list[Table]) -> bytes:
    """One sheet per table."""
    book = Workbook()
    first = book.active
    if first is not None:
        book.remove(first)
    for table in tables:
        sheet = book.create_sheet(table.title[:31])
        sheet.append(table.header)
        for row in table.rows:
            sheet.append([cell if isinstance(cell, int | float) else str(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
