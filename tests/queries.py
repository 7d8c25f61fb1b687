"""The SQL a piece of code runs, on a real database: counted, and explained by its planner."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


@dataclass(frozen=True)
class Statement:
    sql: str
    parameters: Any
    executemany: bool

    @property
    def is_select(self) -> bool:
        return self.sql.lstrip().upper().startswith("SELECT")


@contextmanager
def recorded(engine: AsyncEngine) -> Iterator[list[Statement]]:
    """Every statement sent to the database while the block runs (an executemany is one)."""
    statements: list[Statement] = []

    def before(_c: Any, _cur: Any, sql: str, parameters: Any, _ctx: Any, many: bool) -> None:
        statements.append(Statement(sql, parameters, many))

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", before)


def _pg_nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from _pg_nodes(child)


async def full_scans(engine: AsyncEngine, statement: Statement, tables: set[str]) -> list[str]:
    """The tables of `tables` the planner would read whole for this statement: a Seq Scan on
    PostgreSQL, a SCAN without an index on SQLite. Each entry says how it reads them."""
    async with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            raw = (await connection.get_raw_connection()).driver_connection
            assert raw is not None
            found = await raw.fetchval(
                f"EXPLAIN (FORMAT JSON) {statement.sql}", *statement.parameters
            )
            # SQLAlchemy's asyncpg connections decode json themselves.
            plan = json.loads(found) if isinstance(found, str) else found
            return [
                f"Seq Scan on {node['Relation Name']}"
                for node in _pg_nodes(plan[0]["Plan"])
                if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in tables
            ]
        rows = await connection.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {statement.sql}", tuple(statement.parameters)
        )
        details = [str(row[3]) for row in rows]
        return [
            detail
            for detail in details
            if detail.startswith("SCAN ") and detail.split()[1] in tables and "USING" not in detail
        ]
