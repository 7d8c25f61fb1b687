"""Checking what the reference data forms send: each `check_*` returns the row's fields
or refuses with `InvalidInput` naming the form's field in error."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import date
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
    Floor,
    Item,
    Location,
    LocationKind,
    Site,
    Team,
)
from server.domain.assets.tags import new_tag_code
from server.domain.patrol.editing import check_timezone
from server.errors import InvalidInput

CODE = re.compile(r"^[A-Z0-9][A-Z0-9_.-]*$")
Values = Mapping[str, str]
Model = (
    type[Item]
    | type[Asset]
    | type[Site]
    | type[Building]
    | type[Floor]
    | type[Location]
    | type[Department]
    | type[Team]
    | type[Contractor]
)


def _code(values: Values, most: int) -> str:
    code = values.get("code", "").strip().upper()
    if not CODE.match(code) or len(code) > most:
        raise InvalidInput(
            f"A code is 1 to {most} letters, digits, '-', '_' or '.', starting with a letter"
            " or digit.",
            field="code",
        )
    return code


def _text(values: Values, name: str, most: int, *, required: bool = True) -> str:
    text = values.get(name, "").strip()
    if (required and not text) or len(text) > most:
        least = 1 if required else 0
        raise InvalidInput(f"Give {least} to {most} characters.", field=name)
    return text


def _uuid(values: Values, name: str, *, required: bool = True) -> uuid.UUID | None:
    text = values.get(name, "").strip()
    if not text:
        if required:
            raise InvalidInput("Choose one.", field=name)
        return None
    try:
        return uuid.UUID(text)
    except ValueError:
        raise InvalidInput("Choose one of the list.", field=name) from None


async def _taken(session: AsyncSession, model: Model, row: Any, **same: Any) -> bool:
    stmt = select(col(model.id)).where(*(getattr(model, k) == v for k, v in same.items()))
    if row is not None:
        stmt = stmt.where(col(model.id) != row.id)
    return await session.scalar(stmt) is not None


async def check_site(session: AsyncSession, values: Values, row: Site | None) -> dict[str, Any]:
    code = _code(values, 16)
    if await _taken(session, Site, row, code=code):
        raise InvalidInput(f"A campus already has the code {code}.", field="code")
    return {
        "code": code,
        "name": _text(values, "name", 120),
        "address": _text(values, "address", 240, required=False),
        "timezone": check_timezone(values.get("timezone", "") or "UTC"),
    }


async def check_building(
    session: AsyncSession, values: Values, row: Building | None
) -> dict[str, Any]:
    site_id = _uuid(values, "site_id")
    if await session.get(Site, site_id) is None:
        raise InvalidInput("Choose a campus.", field="site_id")
    if row is not None and row.site_id != site_id:
        # Its locations keep the campus on every row: moving it would split them.
        raise InvalidInput("A building cannot move to another campus.", field="site_id")
    code = _code(values, 16)
    if await _taken(session, Building, row, site_id=site_id, code=code):
        raise InvalidInput(f"This campus already has a building {code}.", field="code")
    return {"site_id": site_id, "code": code, "name": _text(values, "name", 120)}


async def check_floor(session: AsyncSession, values: Values, row: Floor | None) -> dict[str, Any]:
    building_id = _uuid(values, "building_id")
    if await session.get(Building, building_id) is None:
        raise InvalidInput("Choose a building.", field="building_id")
    if row is not None and row.building_id != building_id:
        # Its locations name the floor and their building: moving it would split them.
        raise InvalidInput("A floor cannot move to another building.", field="building_id")
    try:
        level = int(values.get("level", "").strip())
    except ValueError:
        raise InvalidInput("Give the level as a whole number (-5 to 200).", field="level") from None
    if not -5 <= level <= 200:
        raise InvalidInput("Give the level as a whole number (-5 to 200).", field="level")
    if await _taken(session, Floor, row, building_id=building_id, level=level):
        raise InvalidInput(f"This building already has level {level}.", field="level")
    return {"building_id": building_id, "level": level, "name": _text(values, "name", 60)}


async def check_department(
    session: AsyncSession, values: Values, row: Department | None
) -> dict[str, Any]:
    code = _code(values, 16)
    if await _taken(session, Department, row, code=code):
        raise InvalidInput(f"A department already has the code {code}.", field="code")
    return {
        "code": code,
        "name": _text(values, "name", 120),
        "cost_centre": _text(values, "cost_centre", 16),
    }


async def check_location(
    session: AsyncSession, values: Values, row: Location | None
) -> dict[str, Any]:
    building = await session.get(Building, _uuid(values, "building_id"))
    if building is None:
        raise InvalidInput("Choose a building.", field="building_id")
    if row is not None and row.building_id != building.id:
        # The rooms inside it and the assets in it carry its building and campus.
        raise InvalidInput(
            "A location cannot move to another building: make a new one there.",
            field="building_id",
        )
    floor_id = _uuid(values, "floor_id", required=False)
    if floor_id is not None:
        floor = await session.get(Floor, floor_id)
        if floor is None or floor.building_id != building.id:
            raise InvalidInput("Choose a floor of the building.", field="floor_id")
    department_id = _uuid(values, "department_id", required=False)
    if department_id is not None and await session.get(Department, department_id) is None:
        raise InvalidInput("Choose a department of the list.", field="department_id")
    try:
        kind = LocationKind(values.get("kind", ""))
    except ValueError:
        raise InvalidInput("Choose what kind of place it is.", field="kind") from None
    code = _code(values, 24)
    if await _taken(session, Location, row, building_id=building.id, code=code):
        raise InvalidInput(f"This building already has a location {code}.", field="code")
    parent_id = None
    parent_code = values.get("parent_code", "").strip().upper()
    if parent_code:
        parent_id = await session.scalar(
            select(col(Location.id)).where(
                col(Location.building_id) == building.id, col(Location.code) == parent_code
            )
        )
        if parent_id is None or (row is not None and parent_id == row.id):
            raise InvalidInput(
                "Give the code of another location in the same building.", field="parent_code"
            )
    return {
        "site_id": building.site_id,
        "building_id": building.id,
        "floor_id": floor_id,
        "parent_id": parent_id,
        "department_id": department_id,
        "code": code,
        "name": _text(values, "name", 120),
        "kind": kind,
    }


async def check_team(session: AsyncSession, values: Values, row: Team | None) -> dict[str, Any]:
    code = _code(values, 16)
    if await _taken(session, Team, row, code=code):
        raise InvalidInput(f"A team already has the code {code}.", field="code")
    return {
        "code": code,
        "name": _text(values, "name", 120),
        "trade": _text(values, "trade", 40),
    }


async def check_contractor(
    session: AsyncSession, values: Values, row: Contractor | None
) -> dict[str, Any]:
    code = _code(values, 16)
    if await _taken(session, Contractor, row, code=code):
        raise InvalidInput(f"A contractor already has the code {code}.", field="code")
    return {
        "code": code,
        "name": _text(values, "name", 120),
        "service": _text(values, "service", 40),
    }


TAG = re.compile(r"^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{10}$")


def _date(values: Values, name: str) -> date | None:
    text = values.get(name, "").strip()
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise InvalidInput("Give a date as YYYY-MM-DD.", field=name) from None


async def _optional_row(
    session: AsyncSession,
    model: type[Department] | type[Team] | type[Contractor],
    values: Values,
    name: str,
) -> uuid.UUID | None:
    row_id = _uuid(values, name, required=False)
    if row_id is not None and await session.get(model, row_id) is None:
        raise InvalidInput("Choose one of the list.", field=name)
    return row_id


async def check_asset(session: AsyncSession, values: Values, row: Asset | None) -> dict[str, Any]:
    tag = values.get("tag_code", "").strip().upper()
    if not tag and row is None:
        tag = new_tag_code()  # a new label; a given one is a label already printed
    if not TAG.match(tag):
        raise InvalidInput(
            "A tag is 10 characters of 0-9 and A-Z without I, L, O and U.", field="tag_code"
        )
    if await _taken(session, Asset, row, tag_code=tag):
        raise InvalidInput(f"Another asset carries the tag {tag}.", field="tag_code")
    building_id = _uuid(values, "building_id")
    location = await session.scalar(
        select(Location).where(
            col(Location.building_id) == building_id,
            col(Location.code) == values.get("location_code", "").strip().upper(),
        )
    )
    if location is None:
        raise InvalidInput("Give the code of a location in the building.", field="location_code")
    try:
        status = AssetStatus(values.get("status", "") or AssetStatus.IN_SERVICE)
    except ValueError:
        raise InvalidInput("Choose a status of the list.", field="status") from None
    return {
        "tag_code": tag,
        "name": _text(values, "name", 160),
        "category": _text(values, "category", 60),
        "manufacturer": _text(values, "manufacturer", 80, required=False),
        "model": _text(values, "model", 80, required=False),
        "serial": _text(values, "serial", 80, required=False),
        "site_id": location.site_id,
        "location_id": location.id,
        "department_id": await _optional_row(session, Department, values, "department_id"),
        "team_id": await _optional_row(session, Team, values, "team_id"),
        "contractor_id": await _optional_row(session, Contractor, values, "contractor_id"),
        "warranty_end": _date(values, "warranty_end"),
        "next_inspection": _date(values, "next_inspection"),
        "status": status,
    }


def _count(values: Values, name: str) -> int:
    try:
        number = int(values.get(name, "").strip() or "0")
    except ValueError:
        raise InvalidInput("Give a whole number, 0 or more.", field=name) from None
    if not 0 <= number <= 1_000_000:
        raise InvalidInput("Give a whole number, 0 or more.", field=name)
    return number


async def check_item(session: AsyncSession, values: Values, row: Item | None) -> dict[str, Any]:
    """The catalogue's fields; the unit cost is left to receipts (a moving average), so
    the administration never rewrites what stock is valued at."""
    code = _code(values, 32)
    if await _taken(session, Item, row, code=code):
        raise InvalidInput(f"An item already has the code {code}.", field="code")
    abc = values.get("abc_class", "").strip().upper() or "C"
    if abc not in {"A", "B", "C"}:
        raise InvalidInput("The ABC class is A, B or C.", field="abc_class")
    return {
        "code": code,
        "name": _text(values, "name", 160),
        "unit": _text(values, "unit", 16),
        "abc_class": abc,
        "safety_stock": _count(values, "safety_stock"),
        "reorder_point": _count(values, "reorder_point"),
    }
