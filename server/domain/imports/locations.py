"""The location tree as a file: one row per place, keyed by site, building and code.

A row names its parent by code within the same building; a parent may be a new row of
the same file. Sites, buildings, floors and departments must exist already.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Building, Department, Floor, LocationKind, Site
from server.db.models.base import new_id
from server.domain.imports.kinds import Kind, Plan
from server.domain.imports.validation import Column, ColumnType, Record, RowError, Spec
from server.domain.sites.service import all_locations, save_locations

T = ColumnType
LOCATION_SPEC = Spec(
    kind="locations",
    key=("site", "building", "code"),
    columns=(
        Column("site", T.CODE, required=True, max_length=16, example="EAST"),
        Column("building", T.CODE, required=True, max_length=16, example="A"),
        Column("code", T.CODE, required=True, max_length=24, example="A2-ICU-04"),
        Column("name", T.TEXT, required=True, max_length=120, example="ICU bay 4"),
        Column(
            "kind",
            T.CHOICE,
            required=True,
            choices=tuple(kind.value for kind in LocationKind),
            example="room",
        ),
        Column("floor", T.INTEGER, example="2"),
        Column("parent", T.CODE, max_length=24, example="A2-ICU"),
        Column("department", T.CODE, max_length=16, example="ICU"),
    ),
)


async def _pairs(session: AsyncSession, *columns: Any) -> dict[Any, uuid.UUID]:
    rows = await session.execute(select(*columns))
    return {tuple(row[:-1]) if len(row) > 2 else row[0]: row[-1] for row in rows}


async def plan_locations(session: AsyncSession, records: list[Record]) -> Plan:
    plan = Plan()
    sites = await _pairs(session, col(Site.code), col(Site.id))
    buildings = await _pairs(session, col(Building.site_id), col(Building.code), col(Building.id))
    floors = await _pairs(session, col(Floor.building_id), col(Floor.level), col(Floor.id))
    departments = await _pairs(session, col(Department.code), col(Department.id))
    existing = {(loc.building_id, loc.code): loc for loc in await all_locations(session)}
    # Every row's id first, so a row may name as parent a place created by the same file.
    ids: dict[tuple[uuid.UUID, str], uuid.UUID] = {key: loc.id for key, loc in existing.items()}
    placed: list[tuple[Record, uuid.UUID, uuid.UUID]] = []  # record, site id, building id
    for record in records:
        values, line = record.values, record.line
        site_id = sites.get(values["site"])
        if site_id is None:
            plan.errors.append(RowError(line, "site", f"No site has the code '{values['site']}'."))
            continue
        building_id = buildings.get((site_id, values["building"]))
        if building_id is None:
            plan.errors.append(
                RowError(
                    line,
                    "building",
                    f"Site {values['site']} has no building '{values['building']}'.",
                )
            )
            continue
        ids.setdefault((building_id, values["code"]), new_id())
        placed.append((record, site_id, building_id))
    new_rows: dict[uuid.UUID, dict[str, Any]] = {}
    for record, site_id, building_id in placed:
        values, line = record.values, record.line
        wanted = _wanted(record, site_id, building_id, ids, floors, departments, plan.errors)
        if wanted is None:
            continue
        location = existing.get((building_id, values["code"]))
        if location is None:
            row_id = ids[(building_id, values["code"])]
            new_rows[row_id] = {"id": row_id, "code": values["code"], **wanted}
        else:
            plan.merge(location, wanted)
    plan.created = _parents_first(new_rows)
    return plan


def _wanted(
    record: Record,
    site_id: uuid.UUID,
    building_id: uuid.UUID,
    ids: dict[tuple[uuid.UUID, str], uuid.UUID],
    floors: dict[Any, uuid.UUID],
    departments: dict[Any, uuid.UUID],
    errors: list[RowError],
) -> dict[str, Any] | None:
    values, line = record.values, record.line
    before = len(errors)
    floor_id = None
    if values["floor"] is not None:
        floor_id = floors.get((building_id, values["floor"]))
        if floor_id is None:
            errors.append(
                RowError(
                    line, "floor", f"Building {values['building']} has no floor {values['floor']}."
                )
            )
    parent_id = None
    if values["parent"]:
        parent_id = ids.get((building_id, values["parent"]))
        if values["parent"] == values["code"]:
            errors.append(RowError(line, "parent", "A place cannot be its own parent."))
        elif parent_id is None:
            errors.append(
                RowError(
                    line,
                    "parent",
                    f"Building {values['building']} has no location '{values['parent']}'.",
                )
            )
    department_id = None
    if values["department"]:
        department_id = departments.get(values["department"])
        if department_id is None:
            errors.append(
                RowError(
                    line, "department", f"No department has the code '{values['department']}'."
                )
            )
    if len(errors) > before:
        return None
    return {
        "site_id": site_id,
        "building_id": building_id,
        "floor_id": floor_id,
        "parent_id": parent_id,
        "department_id": department_id,
        "name": values["name"],
        "kind": LocationKind(values["kind"]),
    }


def _parents_first(rows: dict[uuid.UUID, dict[str, Any]]) -> list[dict[str, Any]]:
    """New rows ordered so a parent created by the file is inserted before its children."""
    ordered: list[dict[str, Any]] = []
    done: set[uuid.UUID] = set()

    def visit(row_id: uuid.UUID, path: set[uuid.UUID]) -> None:
        if row_id in done or row_id in path:
            return  # a loop among new rows: the database's foreign key refuses nothing here
        parent = rows[row_id]["parent_id"]
        if parent in rows:
            visit(parent, path | {row_id})
        done.add(row_id)
        ordered.append(rows[row_id])

    for row_id in rows:
        visit(row_id, set())
    return ordered


async def apply_locations(session: AsyncSession, plan: Plan) -> None:
    await save_locations(session, plan.created, plan.changed)


async def export_locations(session: AsyncSession) -> list[list[str]]:
    codes: dict[uuid.UUID, str] = {}
    for model in (Site, Building, Department):
        codes.update(
            (row[0], row[1])
            for row in await session.execute(select(col(model.id), col(model.code)))
        )
    levels = {
        row[0]: row[1] for row in await session.execute(select(col(Floor.id), col(Floor.level)))
    }
    locations = list(await all_locations(session))
    location_codes = {loc.id: loc.code for loc in locations}
    rows = [LOCATION_SPEC.header]
    for loc in sorted(
        locations, key=lambda loc: (codes[loc.site_id], codes[loc.building_id], loc.code)
    ):
        rows.append(
            [
                codes[loc.site_id],
                codes[loc.building_id],
                loc.code,
                loc.name,
                loc.kind.value,
                str(levels[loc.floor_id]) if loc.floor_id else "",
                location_codes[loc.parent_id] if loc.parent_id else "",
                codes[loc.department_id] if loc.department_id else "",
            ]
        )
    return rows


LOCATIONS = Kind(LOCATION_SPEC, frozenset(), plan_locations, apply_locations, export_locations)
