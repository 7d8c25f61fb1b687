"""One column list per stock page, rendered two ways: the HTML table (translated headers,
links) and the CSV and Excel downloads (English headers, raw numbers, money in cents).

An instant is UTC unless a column gives it as a `LocalTime`: then the page shows the
site's wall clock with the zone's abbreviation (BST, GMT) and the downloads give ISO 8601
with the offset, so an hour that happens twice when the clocks go back reads apart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Response

from server.domain.reports.export import Table, tables_csv, tables_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class LocalTime:
    """An instant to be shown on the wall clock of `zone`."""

    at: datetime
    zone: ZoneInfo

    @property
    def wall(self) -> datetime:
        return self.at.astimezone(self.zone)

    def shown(self) -> str:
        """For people: `2026-03-29 06:00 BST`."""
        return self.wall.strftime("%Y-%m-%d %H:%M %Z")

    def raw(self) -> str:
        """For the downloads: `2026-03-29T06:00+01:00`."""
        return self.wall.isoformat(timespec="minutes")


def local_time(at: datetime | None, zone: ZoneInfo) -> LocalTime | None:
    return None if at is None else LocalTime(at, zone)


@dataclass(frozen=True)
class Column:
    name: str  # the download's header
    label: str  # message key of the page's header
    value: Callable[[Any], Any]
    link: Callable[[Any], str] | None = None
    money: bool = False
    numeric: bool = False


@dataclass(frozen=True)
class Cell:
    text: str
    href: str = ""
    numeric: bool = False


@dataclass(frozen=True)
class Sheet:
    """A titled table of rows under `columns`; `name` titles the download's section."""

    name: str
    columns: Sequence[Column]
    rows: Sequence[Any]
    row_ids: Callable[[Any], str] | None = None
    actions: list[Any] = field(default_factory=list)

    def table(self) -> Table:
        return Table(
            self.name,
            [column.name for column in self.columns],
            [[_raw(column.value(row)) for column in self.columns] for row in self.rows],
        )

    def cells(self) -> list[tuple[str, list[Cell]]]:
        return [
            (
                self.row_ids(row) if self.row_ids else "",
                [
                    Cell(
                        _shown(column.value(row), column.money),
                        column.link(row) if column.link else "",
                        column.numeric or column.money,
                    )
                    for column in self.columns
                ],
            )
            for row in self.rows
        ]


def _raw(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, LocalTime):
        return value.raw()
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _shown(value: Any, money: bool) -> str:
    if isinstance(value, LocalTime):
        return value.shown()
    return _shown_plain(value, money)


def _shown_plain(value: Any, money: bool) -> str:
    if value is None or value == "":
        return "—"
    if money and isinstance(value, int):
        return f"{value / 100:,.2f}"
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def download(sheets: Sequence[Sheet], stem: str, fmt: str) -> Response[Any]:
    tables = [sheet.table() for sheet in sheets]
    if fmt == "xlsx":
        body: bytes | str = tables_xlsx(tables)
        media = XLSX
    else:
        body, media = tables_csv(tables), "text/csv; charset=utf-8"
    return Response(
        content=body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="rounds-{stem}.{fmt}"'},
    )
