"""Administering reference data from the desk: campuses, buildings, floors, locations,
departments, maintenance teams and contractors. Every change checks `ADMINISTER`, is
audited field by field, and goes through the request's unit of work, so change capture
(server/domain/sync/capture.py) tells the phones at their next pull. A refusal names
the form's field in error.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    Building,
    Contractor,
    Department,
    Floor,
    Location,
    LocationKind,
    Site,
    Team,
)
from server.db.models.base import Entity
from server.db.types import utcnow
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission, require
from server.domain.admin import audit
from server.domain.paging import PageRequest
from server.domain.patrol.editing import check_timezone
from server.errors import InvalidInput, NotFound

CODE = re.compile(r"^[A-Z0-9][A-Z0-9_.-]*$")
Values = Mapping[str, str]
Model = (
    type[Site]
    | type[Building]
    | type[Floor]
    | type[Location]
    | type[Department]
    | type[Team]
    | type[Contractor]
)
Checker = Callable[[AsyncSession, Values, Any], Coroutine[Any, Any, dict[str, Any]]]


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


async def _check_site(session: AsyncSession, values: Values, row: Site | None) -> dict[str, Any]:
    code = _code(values, 16)
    if await _taken(session, Site, row, code=code):
        raise InvalidInput(f"A campus already has the code {code}.", field="code")
    return {
        "code": code,
        "name": _text(values, "name", 120),
        "address": _text(values, "address", 240, required=False),
        "timezone": check_timezone(values.get("timezone", "") or "UTC"),
    }


async def _check_building(
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


async def _check_floor(session: AsyncSession, values: Values, row: Floor | None) -> dict[str, Any]:
    building_id = _uuid(values, "building_id")
    if await session.get(Building, building_id) is None:
        raise InvalidInput("Choose a building.", field="building_id")
    try:
        level = int(values.get("level", "").strip())
    except ValueError:
        raise InvalidInput("Give the level as a whole number (-5 to 200).", field="level") from None
    if not -5 <= level <= 200:
        raise InvalidInput("Give the level as a whole number (-5 to 200).", field="level")
    if await _taken(session, Floor, row, building_id=building_id, level=level):
        raise InvalidInput(f"This building already has level {level}.", field="level")
    return {"building_id": building_id, "level": level, "name": _text(values, "name", 60)}


async def _check_department(
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


async def _check_location(
    session: AsyncSession, values: Values, row: Location | None
) -> dict[str, Any]:
    building = await session.get(Building, _uuid(values, "building_id"))
    if building is None:
        raise InvalidInput("Choose a building.", field="building_id")
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


async def _check_team(session: AsyncSession, values: Values, row: Team | None) -> dict[str, Any]:
    code = _code(values, 16)
    if await _taken(session, Team, row, code=code):
        raise InvalidInput(f"A team already has the code {code}.", field="code")
    return {
        "code": code,
        "name": _text(values, "name", 120),
        "trade": _text(values, "trade", 40),
    }


async def _check_contractor(
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


@dataclass(frozen=True)
class ReferenceKind:
    """One kind of reference data the administration edits: model, fields, their checks."""

    name: str  # the entity type in the audit and the address: /desk/admin/<plural>
    plural: str
    model: Model
    fields: tuple[str, ...]
    check: Checker
    search: tuple[str, ...] = ("code", "name")
    order: str = "code"


KINDS: dict[str, ReferenceKind] = {
    kind.plural: kind
    for kind in (
        ReferenceKind("site", "sites", Site, ("code", "name", "address", "timezone"), _check_site),
        ReferenceKind(
            "building", "buildings", Building, ("site_id", "code", "name"), _check_building
        ),
        ReferenceKind(
            "floor",
            "floors",
            Floor,
            ("building_id", "level", "name"),
            _check_floor,
            search=("name",),
            order="level",
        ),
        ReferenceKind(
            "location",
            "locations",
            Location,
            (
                "building_id",
                "floor_id",
                "parent_id",
                "department_id",
                "code",
                "name",
                "kind",
                "site_id",
            ),
            _check_location,
        ),
        ReferenceKind(
            "department",
            "departments",
            Department,
            ("code", "name", "cost_centre"),
            _check_department,
        ),
        ReferenceKind("team", "teams", Team, ("code", "name", "trade"), _check_team),
        ReferenceKind(
            "contractor", "contractors", Contractor, ("code", "name", "service"), _check_contractor
        ),
    )
}


def _snapshot(kind: ReferenceKind, row: Any) -> dict[str, str | None]:
    return {name: audit.text(getattr(row, name)) for name in kind.fields}


async def search(
    session: AsyncSession, actor: Actor, kind: ReferenceKind, window: PageRequest, query: str = ""
) -> tuple[Sequence[Any], int]:
    require(actor, Permission.READ_ADMINISTRATION)
    model: Any = kind.model
    stmt = select(model)
    if query.strip():
        like = f"%{query.strip().lower()}%"
        stmt = stmt.where(or_(*(func.lower(getattr(model, f)).like(like) for f in kind.search)))
    total = await session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = await session.scalars(
        stmt.order_by(getattr(model, kind.order), col(model.id))
        .limit(window.limit)
        .offset(window.offset)
    )
    return rows.all(), total


async def load(session: AsyncSession, actor: Actor, kind: ReferenceKind, row_id: uuid.UUID) -> Any:
    require(actor, Permission.READ_ADMINISTRATION)
    row = await session.get(kind.model, row_id)
    if row is None:
        raise NotFound(f"There is no such {kind.name}.")
    return row


async def save(
    session: AsyncSession,
    actor: Actor,
    kind: ReferenceKind,
    row_id: uuid.UUID | None,
    values: Values,
) -> Entity:
    """Create (no `row_id`) or edit one row; returns the saved row."""
    require(actor, Permission.ADMINISTER)
    row = await load(session, actor, kind, row_id) if row_id else None
    before = _snapshot(kind, row) if row is not None else {}
    checked = await kind.check(session, values, row)
    if row is None:
        row = kind.model(**checked)
        session.add(row)
    else:
        for name, value in checked.items():
            setattr(row, name, value)
        row.updated_at = utcnow()
    await session.flush()
    audit.record(session, actor, kind.name, row.id, before, _snapshot(kind, row))
    return row
