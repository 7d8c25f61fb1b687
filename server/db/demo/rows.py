"""Rows waiting to be bulk inserted, grouped by table."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Table, inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

Row = dict[str, Any]
# Work done through the domain services once the rows are in (judging expected rounds).
Finisher = Callable[[AsyncSession, datetime], Awaitable[None]]


def table_of(model: type[SQLModel]) -> Table:
    table = inspect(model).local_table
    assert isinstance(table, Table)
    return table


class DemoRows:
    """Every row of the demo hospital, as plain dicts ready for a Core `insert()`.

    Core inserts skip SQLModel's Python-side defaults, so `entity` fills the id and the
    timestamps every Entity table needs; callers give every other non-null column.
    """

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.by_table: dict[Table, list[Row]] = {}
        self.finishers: list[Finisher] = []

    def entity(self, model: type[SQLModel], /, **values: Any) -> uuid.UUID:
        row_id = uuid.uuid4()
        row: Row = {"id": row_id, "created_at": self.now, "updated_at": self.now}
        row.update(values)
        self.link(model, **row)
        return row_id

    def link(self, model: type[SQLModel], /, **values: Any) -> None:
        """A row of a table without an id of its own (association tables)."""
        self.by_table.setdefault(table_of(model), []).append(values)

    def counts(self) -> dict[str, int]:
        return {table.name: len(rows) for table, rows in self.by_table.items()}
