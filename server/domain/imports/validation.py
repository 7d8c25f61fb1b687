"""Rows of text in, typed records and errors out; pure, so a dry run and tests need no database.

A file's errors are all found in one pass: each has the line a person sees in their
spreadsheet, the column's header and a message, so the whole file can be fixed at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from server.domain.imports.reading import Table


class ColumnType(StrEnum):
    TEXT = "text"
    CODE = "code"  # upper-cased, no spaces
    DATE = "date"
    INTEGER = "integer"
    CHOICE = "choice"
    MONEY = "money"  # 12.50 in the file, 1250 minor units (cents) in the record


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType = ColumnType.TEXT
    required: bool = False
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    example: str = ""


@dataclass(frozen=True)
class Spec:
    """One importable kind: its columns in file order and the columns of its natural key."""

    kind: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def header(self) -> list[str]:
        return [column.name for column in self.columns]

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


@dataclass(frozen=True, order=True)
class RowError:
    line: int
    column: str
    message: str


@dataclass
class Record:
    line: int
    values: dict[str, Any]


@dataclass
class Parsed:
    records: list[Record] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _parse_date(text: str) -> date:
    # ISO dates only: 03/04/2026 means March or April depending on who typed it.
    try:
        return date.fromisoformat(text)
    except ValueError:
        return datetime.fromisoformat(text).date()  # a date cell read back as a date-time


def _date(text: str) -> tuple[Any, str | None]:
    try:
        return _parse_date(text), None
    except ValueError:
        return None, f"'{text}' is not a date; write it as YYYY-MM-DD."


def _integer(text: str) -> tuple[Any, str | None]:
    try:
        return int(text), None
    except ValueError:
        return None, f"'{text}' is not a whole number."


def _choice(column: Column, text: str) -> tuple[Any, str | None]:
    value = text.lower().replace(" ", "_")
    if value not in column.choices:
        return None, f"'{text}' is not one of: {', '.join(column.choices)}."
    return value, None


def _money(text: str) -> tuple[Any, str | None]:
    try:
        amount = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None, f"'{text}' is not an amount."
    cents = amount * 100
    if cents != cents.to_integral_value() or amount < 0:
        return None, f"'{text}' is not an amount of at most two decimals, zero or more."
    return int(cents), None


def _code(text: str) -> tuple[Any, str | None]:
    if any(ch.isspace() for ch in text):
        return None, f"'{text}' is not a code: codes have no spaces."
    return text.upper(), None


def _convert(column: Column, text: str) -> tuple[Any, str | None]:
    if column.type is ColumnType.CHOICE:
        return _choice(column, text)
    converters: dict[ColumnType, Callable[[str], tuple[Any, str | None]]] = {
        ColumnType.DATE: _date,
        ColumnType.INTEGER: _integer,
        ColumnType.CODE: _code,
        ColumnType.MONEY: _money,
    }
    converter = converters.get(column.type)
    return converter(text) if converter else (text, None)


def _cell(column: Column, text: str) -> tuple[Any, str | None]:
    if not text:
        if column.required:
            return None, "is required."
        return (
            None if column.type in {ColumnType.DATE, ColumnType.INTEGER, ColumnType.MONEY} else ""
        ), None
    if column.max_length is not None and len(text) > column.max_length:
        return None, f"is {len(text)} characters long; at most {column.max_length} fit."
    return _convert(column, text)


def validate(spec: Spec, table: Table) -> Parsed:
    parsed = Parsed()
    positions = {name: index for index, name in enumerate(table.header) if name}
    missing = [name for name in spec.header if name not in positions]
    for name in missing:
        parsed.errors.append(RowError(1, name, "This column is missing from the header row."))
    for name in table.header:
        if name and name not in spec.header:
            parsed.errors.append(
                RowError(1, name, "This column is not known; remove or rename it.")
            )
    seen: dict[tuple[Any, ...], int] = {}
    for line, cells in table.rows:
        values: dict[str, Any] = {}
        row_ok = True
        for column in spec.columns:
            if column.name not in positions:
                continue
            index = positions[column.name]
            text = cells[index] if index < len(cells) else ""
            value, problem = _cell(column, text)
            if problem is not None:
                parsed.errors.append(RowError(line, column.name, problem))
                row_ok = False
            values[column.name] = value
        if missing:
            continue
        key = tuple(values.get(name) for name in spec.key)
        if all(part not in (None, "") for part in key):
            if key in seen:
                parsed.errors.append(
                    RowError(
                        line,
                        spec.key[-1],
                        f"Also on line {seen[key]}: a key appears once per file.",
                    )
                )
                row_ok = False
            else:
                seen[key] = line
        if row_ok:
            parsed.records.append(Record(line, values))
    parsed.errors.sort()
    return parsed


Formatter = Callable[[Any], str]


def cell_text(value: Any) -> str:
    """A value as the file holds it, so an export reads back as the same value."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return str(value)


def template_rows(spec: Spec) -> Sequence[list[str]]:
    return [spec.header, [column.example for column in spec.columns]]
