"""Import: a generated register of 50,000 assets loaded from CSV, then again from XLSX.

Rounds: `rounds import assets` on the CSV into a database holding the small demo hospital
(read, validate, resolve codes, insert through the unit of work with change capture,
record the run, commit). Baseline: one plain executemany INSERT of the same rows into the
asset table (rolled back), measured in the same run. The ratio is the baseline's time over
the import's (1.0: the import would cost no more than the bare INSERT). The XLSX re-import
of the same rows (all unchanged: a bulk read of the existing tags and a comparison) and an
XLSX dry run are printed beside it.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlmodel import col

from bench.common import Line, engine_for, skipped
from server.db.engine import make_session_factory
from server.db.models import Asset, Building, Location, Site
from server.db.models.base import new_id
from server.db.types import utcnow
from server.domain.imports.assets import ASSET_SPEC, DATE_COLUMNS
from server.domain.imports.files import write_csv, write_xlsx
from server.domain.imports.service import ImportResult, run_import
from tests.databases import PG_SERVER, load_small_demo, pg_reachable, scratch_database

AIM = 0.1  # within ten times a bare INSERT, with validation, change capture and the rest
ASSETS, QUICK_ASSETS = 50_000, 5_000


async def _places(url: str) -> list[tuple[Any, ...]]:
    async with engine_for(url) as engine, make_session_factory(engine)() as session:
        rows = await session.execute(
            select(
                col(Site.code), col(Building.code), col(Location.code), col(Location.id),
                col(Site.id),
            )  # fmt: skip
            .join(Building, col(Building.site_id) == col(Site.id))
            .join(Location, col(Location.building_id) == col(Building.id))
            .order_by(col(Location.code))
        )
        return [tuple(row) for row in rows]


def _rows(places: list[tuple[Any, ...]], count: int) -> list[list[str]]:
    rows = [ASSET_SPEC.header]
    for n in range(count):
        site, building, location = places[n % len(places)][:3]
        rows.append(
            [f"BN{n:07d}", f"Bed {n}", "bed", "Stryker", "S3", f"SN{n}", site, building,
             location, "", "", "", "2027-01-31", "2026-12-20", "in_service", ""]
        )  # fmt: skip
    return rows


async def _bare_insert(url: str, places: list[tuple[Any, ...]], count: int) -> float:
    now = utcnow()
    values = [
        {
            "id": new_id(), "created_at": now, "updated_at": now, "version": 1,
            "tag_code": f"BN{n:07d}", "name": f"Bed {n}", "category": "bed",
            "manufacturer": "Stryker", "model": "S3", "serial": f"SN{n}",
            "site_id": places[n % len(places)][4], "location_id": places[n % len(places)][3],
            "status": "in_service", "notes": "",
        }  # fmt: skip
        for n in range(count)
    ]
    async with engine_for(url) as engine, engine.connect() as connection:
        started = time.perf_counter()
        transaction = await connection.begin()
        await connection.execute(insert(Asset.__table__), values)  # type: ignore[attr-defined]
        seconds = time.perf_counter() - started
        await transaction.rollback()
    return seconds


async def _import(url: str, data: bytes, name: str, *, dry_run: bool) -> tuple[float, ImportResult]:
    async with engine_for(url) as engine, make_session_factory(engine)() as session:
        started = time.perf_counter()
        result = await run_import(session, "assets", data, name, dry_run=dry_run, user_id=None)
        await session.commit()
        return time.perf_counter() - started, result


def run_backend(backend: str, count: int, directory: Path) -> Line:
    directory.mkdir(parents=True)
    with scratch_database(backend, directory) as url:
        asyncio.run(load_small_demo(url))
        places = asyncio.run(_places(url))
        rows = _rows(places, count)
        csv_data = write_csv(rows)
        xlsx_data = write_xlsx(rows, "assets", DATE_COLUMNS)
        bare = asyncio.run(_bare_insert(url, places, count))
        csv_seconds, first = asyncio.run(_import(url, csv_data, "bench.csv", dry_run=False))
        xlsx_seconds, again = asyncio.run(_import(url, xlsx_data, "bench.xlsx", dry_run=False))
        dry_seconds, _ = asyncio.run(_import(url, xlsx_data, "bench.xlsx", dry_run=True))
    assert first.created == count and not first.errors, first.errors[:5]
    assert again.unchanged == count, (again.created, again.updated, again.errors[:5])
    text = (
        f"import ({backend}): {count:,} assets from CSV ({len(csv_data) / 1e6:.1f} MB) in "
        f"{csv_seconds:.1f} s ({count / csv_seconds:,.0f} rows/s); the same rows by one bare "
        f"INSERT {bare:.2f} s; re-import from XLSX ({len(xlsx_data) / 1e6:.1f} MB, all "
        f"unchanged) {xlsx_seconds:.1f} s; XLSX dry run {dry_seconds:.1f} s"
    )
    print(text, flush=True)
    return Line("import", backend, f"{csv_seconds:.1f} s", f"{bare:.2f} s", bare / csv_seconds,
                AIM, text)  # fmt: skip


def run(directory: Path, backends: list[str], *, quick: bool) -> list[Line]:
    count = QUICK_ASSETS if quick else ASSETS
    lines = []
    for backend in backends:
        if backend == "postgresql" and not pg_reachable():
            line = skipped("import", backend, AIM, f"PostgreSQL at {PG_SERVER} is not reachable")
            print(line.text, flush=True)
            lines.append(line)
            continue
        lines.append(run_backend(backend, count, directory / backend))
    return lines
