"""Files in, rows of text out: CSV (as Excel writes it) and XLSX read the same way.

Nothing here knows what the columns mean; `validation` does. Every row keeps the line
number a person sees in their spreadsheet (the header is line 1), so errors point there.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import load_workbook

from server.errors import InvalidInput

CSV_DELIMITERS = ",;\t"


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line number, cell texts)


def file_kind(filename: str) -> str:
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        return "xlsx"
    if lower.endswith(".csv") or lower.endswith(".txt"):
        return "csv"
    raise InvalidInput("Only .csv and .xlsx files can be imported.", filename=filename)


def read_table(data: bytes, filename: str) -> Table:
    return read_xlsx(data) if file_kind(filename) == "xlsx" else read_csv(data)


def _decode(data: bytes) -> str:
    # Excel writes UTF-8 with a BOM ("CSV UTF-8") or the legacy code page; utf-8-sig drops the BOM.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def read_csv(data: bytes) -> Table:
    text = _decode(data)
    sample = text[:8192]
    try:
        # Excel in a locale with a decimal comma writes ';' between fields.
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            sample.split("\n", 1)[0] or sample, delimiters=CSV_DELIMITERS
        )
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    return _table((reader.line_num, row) for row in reader)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code typed as 0042 in a number cell comes back as 42.0
    return str(value)


def read_xlsx(data: bytes) -> Table:
    try:
        # read_only streams the sheet's XML, so a 50,000-row file is not held as cell objects.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise InvalidInput("The file is not a readable XLSX workbook.", reason=str(exc)) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = (
            (line, [_cell_text(value) for value in values])
            for line, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        )
        return _table(rows)
    finally:
        workbook.close()


def _table(rows: Iterator[tuple[int, list[str]]]) -> Table:
    header: list[str] | None = None
    body: list[tuple[int, list[str]]] = []
    for line, raw in rows:
        cells = [cell.strip() for cell in raw]
        if not any(cells):
            continue  # blank lines (and Excel's trailing empty rows) are not records
        if header is None:
            header = [cell.lower() for cell in cells]
            while header and not header[-1]:
                header.pop()
            continue
        body.append((line, cells))
    if header is None:
        raise InvalidInput("The file is empty: it needs a header row.")
    return Table(header=header, rows=body)
