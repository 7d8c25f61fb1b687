"""The asset register as a file: one row per asset, keyed by its tag.

References are codes people know (site, building, location, department, team,
contractor); they are resolved with one query per table, never one per row.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    Asset,
    AssetStatus,
    Building,
    Contractor,
    Department,
    Location,
    Site,
    Team,
)
from server.db.models.base import new_id
from server.domain.assets.service import assets_by_tag, save_assets
from server.domain.imports.kinds import Kind, Plan
from server.domain.imports.validation import Column, ColumnType, Record, RowError, Spec

T = ColumnType
ASSET_SPEC = Spec(
    kind="assets",
    key=("tag",),
    columns=(
        Column("tag", T.CODE, required=True, max_length=16, example="7KQ2M9XH4D"),
        Column("name", T.TEXT, required=True, max_length=160, example="Infusion pump 3"),
        Column("category", T.TEXT, required=True, max_length=60, example="infusion_pump"),
        Column("manufacturer", T.TEXT, max_length=80, example="B. Braun"),
        Column("model", T.TEXT, max_length=80, example="Infusomat Space"),
        Column("serial", T.TEXT, max_length=80, example="SN-104233"),
        Column("site", T.CODE, required=True, max_length=16, example="MAIN"),
        Column("building", T.CODE, required=True, max_length=16, example="A"),
        Column("location", T.CODE, required=True, max_length=24, example="A2-ICU"),
        Column("department", T.CODE, max_length=16, example="ICU"),
        Column("team", T.CODE, max_length=16, example="BIOMED"),
        Column("contractor", T.CODE, max_length=16),
        Column("warranty_end", T.DATE, example="2027-06-30"),
        Column("next_inspection", T.DATE, example="2026-12-15"),
        Column(
            "status",
            T.CHOICE,
            required=True,
            choices=tuple(status.value for status in AssetStatus),
            example="in_service",
        ),
        Column("notes", T.TEXT, max_length=2000),
    ),
)
DATE_COLUMNS = frozenset({"warranty_end", "next_inspection"})
# Columns copied as they are from the file to the asset.
PLAIN = (
    "name",
    "category",
    "manufacturer",
    "model",
    "serial",
    "warranty_end",
    "next_inspection",
    "notes",
)


@dataclass
class _Codes:
    sites: dict[str, uuid.UUID]
    buildings: dict[tuple[uuid.UUID, str], uuid.UUID]
    locations: dict[tuple[uuid.UUID, str], uuid.UUID]
    departments: dict[str, uuid.UUID]
    teams: dict[str, uuid.UUID]
    contractors: dict[str, uuid.UUID]


async def _codes(session: AsyncSession) -> _Codes:
    async def by_code(
        model: type[Site] | type[Department] | type[Team] | type[Contractor],
    ) -> dict[str, uuid.UUID]:
        rows = await session.execute(select(col(model.code), col(model.id)))
        return {row[0]: row[1] for row in rows}

    buildings = await session.execute(
        select(col(Building.site_id), col(Building.code), col(Building.id))
    )
    locations = await session.execute(
        select(col(Location.building_id), col(Location.code), col(Location.id))
    )
    return _Codes(
        sites=await by_code(Site),
        buildings={(site, code): row_id for site, code, row_id in buildings},
        locations={(building, code): row_id for building, code, row_id in locations},
        departments=await by_code(Department),
        teams=await by_code(Team),
        contractors=await by_code(Contractor),
    )


def _resolve(record: Record, codes: _Codes, errors: list[RowError]) -> dict[str, Any] | None:
    values = record.values
    line = record.line
    before = len(errors)
    site_id = codes.sites.get(values["site"])
    building_id = location_id = None
    if site_id is None:
        errors.append(RowError(line, "site", f"No site has the code '{values['site']}'."))
    else:
        building_id = codes.buildings.get((site_id, values["building"]))
        if building_id is None:
            errors.append(
                RowError(
                    line,
                    "building",
                    f"Site {values['site']} has no building '{values['building']}'.",
                )
            )
        else:
            location_id = codes.locations.get((building_id, values["location"]))
            if location_id is None:
                errors.append(
                    RowError(
                        line,
                        "location",
                        f"Building {values['building']} has no location '{values['location']}'.",
                    )
                )
    optional: dict[str, uuid.UUID | None] = {}
    for name, table in (
        ("department", codes.departments),
        ("team", codes.teams),
        ("contractor", codes.contractors),
    ):
        code = values[name]
        optional[f"{name}_id"] = table.get(code) if code else None
        if code and optional[f"{name}_id"] is None:
            errors.append(RowError(line, name, f"No {name} has the code '{code}'."))
    if len(errors) > before:
        return None
    return {
        **{name: values[name] for name in PLAIN},
        "site_id": site_id,
        "location_id": location_id,
        **optional,
        "status": AssetStatus(values["status"]),
    }


async def plan_assets(session: AsyncSession, records: list[Record]) -> Plan:
    plan = Plan()
    codes = await _codes(session)
    existing = await assets_by_tag(session, [record.values["tag"] for record in records])
    for record in records:
        wanted = _resolve(record, codes, plan.errors)
        if wanted is None:
            continue
        asset = existing.get(record.values["tag"])
        if asset is None:
            plan.created.append({"id": new_id(), "tag_code": record.values["tag"], **wanted})
            continue
        plan.merge(asset, wanted)
    return plan


async def apply_assets(session: AsyncSession, plan: Plan) -> None:
    await save_assets(session, plan.created, plan.changed)


async def export_assets(session: AsyncSession) -> list[list[str]]:
    """Every asset as a row of `ASSET_SPEC`: importing it back changes nothing."""
    names: dict[uuid.UUID, str] = {}
    for model in (Site, Building, Department, Team, Contractor):
        rows = await session.execute(select(col(model.id), col(model.code)))
        names.update((row_id, code) for row_id, code in rows)
    locations = await session.execute(
        select(col(Location.id), col(Location.code), col(Location.building_id))
    )
    location_of = {row_id: (code, building) for row_id, code, building in locations}
    assets = await session.scalars(select(Asset).order_by(col(Asset.tag_code)))
    out = [ASSET_SPEC.header]
    for asset in assets:
        location_code, building_id = location_of[asset.location_id]
        out.append(
            [
                asset.tag_code,
                asset.name,
                asset.category,
                asset.manufacturer,
                asset.model,
                asset.serial,
                names[asset.site_id],
                names[building_id],
                location_code,
                names.get(asset.department_id, "") if asset.department_id else "",
                names.get(asset.team_id, "") if asset.team_id else "",
                names.get(asset.contractor_id, "") if asset.contractor_id else "",
                asset.warranty_end.isoformat() if asset.warranty_end else "",
                asset.next_inspection.isoformat() if asset.next_inspection else "",
                asset.status.value,
                asset.notes,
            ]
        )
    return out


ASSETS = Kind(ASSET_SPEC, DATE_COLUMNS, plan_assets, apply_assets, export_assets)
