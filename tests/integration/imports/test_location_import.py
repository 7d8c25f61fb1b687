"""Importing the location tree: a parent may come later in the same file; unknown
buildings, floors and parents are listed by line and column; re-import changes nothing;
the export imports back unchanged; a technician's phone hears of a new place."""

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
from tests.integration.imports.test_asset_import import _place
from tests.phone import Phone

pytestmark = pytest.mark.db
HEADER = "site,building,code,name,kind,floor,parent,department"


def _import(settings: Settings, lines: list[str], *, dry_run: bool = False) -> ImportResult:
    async def work(session: AsyncSession) -> ImportResult:
        data = "\n".join([HEADER, *lines]).encode()
        return await run_import(
            session, "locations", data, "places.csv", dry_run=dry_run, user_id=None
        )

    return run_in_session(settings, work)


def test_locations_with_parents_in_the_same_file(import_settings: Settings) -> None:
    p = _place(import_settings)
    site, building = p.site, p.building
    lines = [
        f"{site},{building},NEWBAY-1,Bay 1,room,,NEWWARD,",  # its parent is on the next line
        f"{site},{building},NEWWARD,New ward,ward,,,",
    ]
    wrong = [
        *lines,
        f"{site},NOWHERE,X1,Somewhere,room,,,",  # line 4
        f"{site},{building},X2,Up high,room,99,,",  # line 5: no floor 99
        f"{site},{building},X3,Orphan,room,,NOPARENT,",  # line 6
        f"{site},{building},X4,Odd,spaceship,,,",  # line 7
    ]
    refused = _import(import_settings, wrong)
    assert [(e.line, e.column) for e in refused.errors] == [
        (4, "building"),
        (5, "floor"),
        (6, "parent"),
        (7, "kind"),
    ]
    first = _import(import_settings, lines)
    assert (first.applied, first.created) == (True, 2)
    assert _import(import_settings, lines).unchanged == 2
    renamed = _import(import_settings, [lines[0].replace("Bay 1", "Bay one"), lines[1]])
    assert (renamed.updated, renamed.unchanged) == (1, 1)

    async def parent_of(session: AsyncSession) -> str | None:
        bay = await session.scalar(select(db.Location).where(col(db.Location.code) == "NEWBAY-1"))
        assert bay is not None
        parent = await session.get(db.Location, bay.parent_id)
        return parent.code if parent else None

    assert run_in_session(import_settings, parent_of) == "NEWWARD"

    for file_format in ("csv", "xlsx"):

        async def round_trip(session: AsyncSession, chosen: str = file_format) -> ImportResult:
            data = await export_file(session, "locations", chosen)
            return await run_import(
                session, "locations", data, f"l.{chosen}", dry_run=True, user_id=None
            )

        result = run_in_session(import_settings, round_trip)
        assert result.errors == []
        assert (result.created, result.updated) == (0, 0)
        assert result.unchanged == result.rows


def test_a_phone_hears_of_an_imported_location(
    import_settings: Settings, import_client: object
) -> None:
    p = _place(import_settings)
    phone = Phone(import_client, "T0001")
    phone.pull_all()
    assert _import(import_settings, [f"{p.site},{p.building},PULLROOM,Pulled,room,,,"]).created
    deadline = time.monotonic() + 60
    while True:
        phone.pull_all()
        codes = {data["code"] for data in phone.of_type("location").values()}
        if "PULLROOM" in codes or time.monotonic() > deadline:
            break
        time.sleep(0.25)  # a poll interval, not a wait for a known duration
    assert "PULLROOM" in codes
