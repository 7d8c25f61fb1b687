"""Importing the stock catalogue: mistakes listed by line and column, nothing written;
idempotent by item code; the export imports back unchanged; a storekeeper's phone hears
of a new item at its next pull."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db import models as db
from server.domain.imports.service import ImportResult, export_file, run_import
from server.settings import Settings
from tests.integration.imports.conftest import run_in_session
from tests.phone import Phone

pytestmark = pytest.mark.db
HEADER = "code,name,unit,unit_cost,abc_class,safety_stock,reorder_point"


def _import(settings: Settings, text: str, name: str, *, dry_run: bool = False) -> ImportResult:
    async def work(session: AsyncSession) -> ImportResult:
        data = f"{HEADER}\n{text}\n".encode()
        return await run_import(session, "items", data, name, dry_run=dry_run, user_id=None)

    return run_in_session(settings, work)


def test_item_mistakes_are_listed_and_nothing_is_written(import_settings: Settings) -> None:
    lines = [
        "IMP-1,Fuse 5 A,each,0.35,A,10,20",
        "IMP-2,Fuse 10 A,each,1.005,B,0,0",  # line 3: three decimals
        "IMP-3,Fuse 13 A,each,0.40,Z,0,0",  # line 4: no such class
        "IMP-4,Fuse 20 A,each,0.40,C,-1,0",  # line 5: below zero
        "IMP-1,Fuse again,each,0.35,A,0,0",  # line 6: IMP-1 twice
    ]
    result = _import(import_settings, "\n".join(lines), "fuses.csv")
    assert not result.applied
    assert [(e.line, e.column) for e in result.errors] == [
        (3, "unit_cost"),
        (4, "abc_class"),
        (5, "safety_stock"),
        (6, "code"),
    ]

    async def found(session: AsyncSession) -> list[str]:
        rows = await session.scalars(
            select(db.Item.code).where(col(db.Item.code).startswith("IMP-"))
        )
        return list(rows)

    assert run_in_session(import_settings, found) == []


def test_items_reimport_and_round_trip(import_settings: Settings) -> None:
    lines = [f"RT-{n},Lamp {n},each,{n}.25,B,{n},{n * 2}" for n in range(1, 6)]
    first = _import(import_settings, "\n".join(lines), "lamps.csv")
    assert (first.applied, first.created, first.updated, first.unchanged) == (True, 5, 0, 0)
    again = _import(import_settings, "\n".join(lines), "lamps.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    lines[2] = lines[2].replace("3.25", "3.40")
    changed = _import(import_settings, "\n".join(lines), "lamps.csv")
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 4)

    for file_format in ("csv", "xlsx"):

        async def export(session: AsyncSession, chosen: str = file_format) -> bytes:
            return await export_file(session, "items", chosen)

        data = run_in_session(import_settings, export)

        async def check(
            session: AsyncSession, chosen: str = file_format, exported: bytes = data
        ) -> ImportResult:
            return await run_import(
                session, "items", exported, f"items.{chosen}", dry_run=True, user_id=None
            )

        result = run_in_session(import_settings, check)
        assert result.errors == []
        assert (result.created, result.updated) == (0, 0)
        assert result.unchanged == result.rows > 5


def test_a_storekeeper_phone_hears_of_an_imported_item(
    import_settings: Settings, import_client: object
) -> None:
    phone = Phone(import_client, "K0001")
    phone.pull_all()
    assert _import(import_settings, "PULL-ITEM,Valve,each,9.99,A,1,2", "one.csv").created == 1
    # A pull on PostgreSQL waits for every older transaction in the cluster: poll a while.
    deadline = time.monotonic() + 60
    while True:
        phone.pull_all()
        codes = {data["code"] for data in phone.of_type("item").values()}
        if "PULL-ITEM" in codes or time.monotonic() > deadline:
            break
        time.sleep(0.25)  # a poll interval, not a wait for a known duration
    assert "PULL-ITEM" in codes
