"""Rows out to files: CSV that Excel opens as UTF-8, and XLSX; both read back unchanged."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date

from openpyxl import Workbook

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def write_csv(rows: Sequence[Sequence[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    # The BOM tells Excel the file is UTF-8, so names in Chinese survive a double click.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_value(text: str, is_date: bool) -> str | date:
    if is_date and text:
        return date.fromisoformat(text)
    return text  # codes stay text: 0042 must not become the number 42


def write_xlsx(rows: Sequence[Sequence[str]], sheet: str, date_columns: frozenset[str]) -> bytes:
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    header = list(rows[0]) if rows else []
    dated = [name in date_columns for name in header]
    for index, row in enumerate(rows):
        if index == 0:
            worksheet.append(list(row))
        else:
            worksheet.append([_xlsx_value(text, dated[i]) for i, text in enumerate(row)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_file(
    rows: Sequence[Sequence[str]], file_format: str, sheet: str, date_columns: frozenset[str]
) -> bytes:
    return write_xlsx(rows, sheet, date_columns) if file_format == "xlsx" else write_csv(rows)
