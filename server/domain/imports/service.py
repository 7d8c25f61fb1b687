"""Import a file: read, validate, resolve, then (unless a dry run, and only if no row has an
error) write it all in the caller's transaction and record who imported it.

A dry run and a refused run leave the session rolled back: the plan sets new values on
loaded rows, and none of them may reach the database.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import ImportRun, User
from server.domain.imports import assets, items, locations, people
from server.domain.imports.files import write_file
from server.domain.imports.kinds import Kind
from server.domain.imports.reading import read_table
from server.domain.imports.validation import RowError, Spec, template_rows, validate
from server.domain.sync import capture
from server.errors import NotFound

KINDS: dict[str, Kind] = {
    "locations": locations.LOCATIONS,
    "assets": assets.ASSETS,
    "items": items.ITEMS,
    "people": people.PEOPLE,
}
SPECS: dict[str, Spec] = {name: kind.spec for name, kind in KINDS.items()}


@dataclass
class ImportResult:
    kind: str
    file_name: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False


def kind_of(name: str) -> Kind:
    kind = KINDS.get(name)
    if kind is None:
        raise NotFound(f"Nothing called '{name}' can be imported.", kinds=sorted(KINDS))
    return kind


def spec_for(name: str) -> Spec:
    return kind_of(name).spec


async def run_import(
    session: AsyncSession,
    kind: str,
    data: bytes,
    file_name: str,
    *,
    dry_run: bool,
    user_id: uuid.UUID | None,
) -> ImportResult:
    capture.install()  # the phones must hear of every row written, whoever calls this
    handler = kind_of(kind)
    table = read_table(data, file_name)
    parsed = validate(handler.spec, table)
    result = ImportResult(kind=kind, file_name=file_name, dry_run=dry_run, rows=len(table.rows))
    result.errors = parsed.errors
    plan = await handler.plan(session, parsed.records)
    result.errors = sorted(result.errors + plan.errors)
    result.created, result.updated, result.unchanged = (
        len(plan.created),
        len(plan.changed),
        plan.unchanged,
    )
    if dry_run or result.errors:
        await session.rollback()
        return result
    await handler.apply(session, plan)
    session.add(
        ImportRun(
            kind=kind,
            file_name=file_name[:255],
            user_id=user_id,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
        )
    )
    await session.flush()
    result.applied = True
    return result


async def export_file(session: AsyncSession, kind: str, file_format: str) -> bytes:
    handler = kind_of(kind)
    rows = await handler.export(session)
    return write_file(rows, file_format, kind, handler.date_columns)


def template_file(kind: str, file_format: str) -> bytes:
    handler = kind_of(kind)
    return write_file(template_rows(handler.spec), file_format, kind, handler.date_columns)


@dataclass(frozen=True)
class RunRow:
    kind: str
    file_name: str
    created_at: datetime
    who: str | None
    created: int
    updated: int
    unchanged: int


async def recent_runs(session: AsyncSession, limit: int = 20) -> list[RunRow]:
    rows = await session.execute(
        select(ImportRun, col(User.name))
        .outerjoin(User, col(User.id) == col(ImportRun.user_id))
        .order_by(col(ImportRun.created_at).desc())
        .limit(limit)
    )
    return [
        RunRow(
            run.kind, run.file_name, run.created_at, name, run.created, run.updated, run.unchanged
        )
        for run, name in rows
    ]
