"""Importing the asset register from CSV and XLSX: a dry run lists every mistake with its
line and column and writes nothing; a real run is all or nothing; re-importing the same
file changes nothing; an export imports back unchanged; a phone hears of a new asset."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.cli import main
from server.db import models as db
from server.domain.imports.service import ImportResult, export_file, run_import, template_file
from server.settings import Settings
from tests.integration.imports.conftest import run_in_session
from tests.phone import Phone

pytestmark = pytest.mark.db

HEADER = (
    "tag,name,category,manufacturer,model,serial,site,building,location,department,team,"
    "contractor,warranty_end,next_inspection,status,notes"
)


@dataclass(frozen=True)
class Place:
    site: str
    building: str
    location: str


def _place(settings: Settings) -> Place:
    async def work(session: AsyncSession) -> Place:
        row = (
            await session.execute(
                select(col(db.Site.code), col(db.Building.code), col(db.Location.code))
                .join(db.Building, col(db.Building.site_id) == col(db.Site.id))
                .join(db.Location, col(db.Location.building_id) == col(db.Building.id))
                .where(col(db.Site.code) == "EAST")
                .order_by(col(db.Location.code))
                .limit(1)
            )
        ).one()
        return Place(*row)

    return run_in_session(settings, work)


def _import(settings: Settings, data: bytes, name: str, *, dry_run: bool = False) -> ImportResult:
    async def work(session: AsyncSession) -> ImportResult:
        return await run_import(session, "assets", data, name, dry_run=dry_run, user_id=None)

    return run_in_session(settings, work)


def _count(settings: Settings, model: type[db.Asset] | type[db.ImportRun]) -> int:
    async def work(session: AsyncSession) -> int:
        return await session.scalar(select(func.count()).select_from(model)) or 0

    return run_in_session(settings, work)


def _rows(place: Place, prefix: str, count: int) -> list[str]:
    p = place
    return [
        f"{prefix}{n:04d},Bed {n},bed,Stryker,S3,SN{n},{p.site},{p.building},{p.location},"
        f",ELEC,,2027-01-31,2026-12-20,in_service,"
        for n in range(count)
    ]


def _csv(lines: list[str], delimiter: str = ",") -> bytes:
    text = "\r\n".join([HEADER, *lines]) + "\r\n"
    return ("\ufeff" + text.replace(",", delimiter)).encode("utf-8")


def _xlsx(lines: list[str]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for line in [HEADER, *lines]:
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_dry_run_lists_every_mistake_and_writes_nothing(import_settings: Settings) -> None:
    p = _place(import_settings)
    assets_before, runs_before = (
        _count(import_settings, db.Asset),
        _count(import_settings, db.ImportRun),
    )
    good = f"MIS0001,Bed,bed,,,,{p.site},{p.building},{p.location},,,,,,in_service,"
    lines = [
        good,  # line 2: fine, yet nothing may be written while others are wrong
        f"BAD CODE,Bed,bed,,,,{p.site},{p.building},{p.location},,,,,,in_service,",  # line 3
        f"MIS0003,Bed,bed,,,,{p.site},NOWHERE,{p.location},,,,,,in_service,",  # line 4
        good.replace("Bed", "Cot"),  # line 5: MIS0001 again
        f"MIS0005,Bed,bed,,,,{p.site},{p.building},{p.location},,,,2027-02-30,,in_service,",
        f"MIS0006,{'x' * 161},bed,,,,{p.site},{p.building},{p.location},,,,,,in_service,",
        f"MIS0007,Bed,bed,,,,{p.site},{p.building},{p.location},,,,,,broken,",  # line 8
    ]
    header_without_serial = HEADER.replace("serial,", "")
    data = _csv(lines)
    result = _import(import_settings, data, "mistakes.csv", dry_run=True)
    found = {(e.line, e.column) for e in result.errors}
    assert found == {
        (3, "tag"),
        (4, "building"),
        (5, "tag"),
        (6, "warranty_end"),
        (7, "name"),
        (8, "status"),
    }
    messages = {(e.line, e.column): e.message for e in result.errors}
    assert "NOWHERE" in messages[(4, "building")]
    assert "line 2" in messages[(5, "tag")]
    assert "161" in messages[(7, "name")]
    assert "160" in messages[(7, "name")]

    # The same file for real: refused as a whole.
    refused = _import(import_settings, data, "mistakes.csv")
    assert not refused.applied
    assert refused.errors == result.errors

    # A missing column is named on the header line.
    no_serial = [",".join(x for i, x in enumerate(line.split(",")) if i != 5) for line in [good]]
    text = "\r\n".join([header_without_serial, *no_serial]).encode()
    missing = _import(import_settings, text, "short.csv", dry_run=True)
    assert [(e.line, e.column) for e in missing.errors] == [(1, "serial")]
    assert "missing" in missing.errors[0].message

    assert _count(import_settings, db.Asset) == assets_before
    assert _count(import_settings, db.ImportRun) == runs_before


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_reimport_is_idempotent(import_settings: Settings, file_format: str) -> None:
    p = _place(import_settings)
    prefix = f"ID{file_format.upper()}"
    lines = _rows(p, prefix, 30)
    make = _xlsx if file_format == "xlsx" else _csv
    name = f"beds.{file_format}"
    before = _count(import_settings, db.Asset)

    first = _import(import_settings, make(lines), name)
    assert (first.applied, first.created, first.updated, first.unchanged) == (True, 30, 0, 0)
    assert _count(import_settings, db.Asset) == before + 30

    again = _import(import_settings, make(lines), name)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 30)

    lines[7] = lines[7].replace("Bed 7,", "Bed 7 (left wing),")
    changed = _import(import_settings, make(lines), name)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 29)
    assert _count(import_settings, db.Asset) == before + 30

    async def runs(session: AsyncSession) -> list[tuple[str, int, int, int]]:
        rows = await session.execute(
            select(
                db.ImportRun.file_name,
                db.ImportRun.created,
                db.ImportRun.updated,
                db.ImportRun.unchanged,
            )
            .where(col(db.ImportRun.file_name) == name)
            .order_by(col(db.ImportRun.created_at))
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]

    assert run_in_session(import_settings, runs)[-3:] == [
        (name, 30, 0, 0),
        (name, 0, 0, 30),
        (name, 0, 1, 29),
    ]


def test_semicolon_csv_from_excel_is_read(import_settings: Settings) -> None:
    p = _place(import_settings)
    result = _import(import_settings, _csv(_rows(p, "SEMI", 2), ";"), "excel.csv", dry_run=True)
    assert result.errors == []
    assert result.created == 2


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_imports_back_unchanged(import_settings: Settings, file_format: str) -> None:
    async def export(session: AsyncSession) -> bytes:
        return await export_file(session, "assets", file_format)

    data = run_in_session(import_settings, export)
    total = _count(import_settings, db.Asset)
    result = _import(import_settings, data, f"export.{file_format}", dry_run=True)
    assert result.errors == []
    assert (result.created, result.updated, result.unchanged) == (0, 0, total)


def test_template_has_header_and_an_example(import_settings: Settings) -> None:
    workbook = load_workbook(io.BytesIO(template_file("assets", "xlsx")), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert [str(v) for v in rows[0]] == HEADER.split(",")
    assert len(rows) == 2
    assert rows[1][0]
    assert template_file("assets", "csv").decode("utf-8-sig").splitlines()[0] == HEADER


def test_cli_dry_run_then_apply(
    import_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ROUNDS_DATABASE_URL", import_settings.database.url)
    p = _place(import_settings)
    path = tmp_path / "cli.csv"
    path.write_bytes(
        _csv([*_rows(p, "CLI", 2), _rows(p, "CLI", 3)[2].replace("2027-01-31", "soon")])
    )
    assert main(["import", "assets", str(path), "--dry-run"]) == 1
    out = capsys.readouterr()
    assert "line 4, column warranty_end" in out.err
    assert "nothing written" in out.out

    path.write_bytes(_csv(_rows(p, "CLI", 3)))
    assert main(["import", "assets", str(path), "--dry-run"]) == 0
    assert main(["import", "assets", str(path)]) == 0
    assert "created 3" in capsys.readouterr().out
    assert main(["import", "assets", str(path)]) == 0
    assert "unchanged 3" in capsys.readouterr().out

    exported = tmp_path / "assets.xlsx"
    assert main(["export", "assets", str(exported)]) == 0
    assert main(["import", "assets", str(exported), "--dry-run"]) == 0
    assert "created 0, would be updated 0," in capsys.readouterr().out


def test_a_phone_sees_an_imported_asset_after_its_next_pull(
    import_settings: Settings, import_client: object
) -> None:
    p = _place(import_settings)
    phone = Phone(import_client, "T0001")  # an electrician on East Campus
    phone.pull_all()
    line = _rows(p, "PULL", 1)[0]
    result = _import(import_settings, _csv([line]), "one.csv")
    assert result.created == 1

    async def logged(session: AsyncSession) -> list[tuple[str, int]]:
        asset = await session.scalar(select(db.Asset).where(col(db.Asset.tag_code) == "PULL0000"))
        assert asset is not None
        site_code = await session.scalar(
            select(db.Site.code).where(col(db.Site.id) == asset.site_id)
        )
        rows = await session.execute(
            select(col(db.Change.entity_type), col(db.Change.version)).where(
                col(db.Change.entity_id) == asset.id, col(db.Change.site_id) == asset.site_id
            )
        )
        assert site_code == p.site
        return [(row[0], row[1]) for row in rows]

    assert run_in_session(import_settings, logged) == [("asset", 1)]
    # On PostgreSQL a pull delivers a change once every older transaction in the cluster has
    # ended, and other work may share the test server: pull until it arrives, within reason.
    deadline = time.monotonic() + 60
    while True:
        phone.pull_all()
        tags = {data["tag_code"] for data in phone.of_type("asset").values()}
        if "PULL0000" in tags or time.monotonic() > deadline:
            break
        time.sleep(0.25)  # a poll interval, not a wait for a known duration
    assert "PULL0000" in tags
