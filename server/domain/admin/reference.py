"""Administering reference data from the desk: campuses, buildings, floors, locations,
departments, maintenance teams, contractors, assets and stock items. Every change
checks `ADMINISTER`, is audited field by field, and goes through the request's unit of
work, so change capture (server/domain/sync/capture.py) tells the phones at their next
pull. A refusal names the form's field in error.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    Asset,
    Building,
    Contractor,
    Department,
    FieldClock,
    Floor,
    Item,
    Location,
    Site,
    Team,
)
from server.db.models.base import Entity
from server.db.types import utcnow
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission, require
from server.domain.admin import audit
from server.domain.admin import reference_checks as checks
from server.domain.admin.reference_checks import Model, Values
from server.domain.paging import PageRequest
from server.errors import NotFound
from sync.hlc import HybridClock, Timestamp

Checker = Callable[[AsyncSession, Values, Any], Coroutine[Any, Any, dict[str, Any]]]


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
    # Fields phones also edit, merged per field by hybrid logical clock: a desk edit
    # stamps them too, so an older offline edit arriving later loses to it.
    clocked: tuple[str, ...] = ()


KINDS: dict[str, ReferenceKind] = {
    kind.plural: kind
    for kind in (
        ReferenceKind(
            "site", "sites", Site, ("code", "name", "address", "timezone"), checks.check_site
        ),
        ReferenceKind(
            "building", "buildings", Building, ("site_id", "code", "name"), checks.check_building
        ),
        ReferenceKind(
            "floor",
            "floors",
            Floor,
            ("building_id", "level", "name"),
            checks.check_floor,
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
            checks.check_location,
        ),
        ReferenceKind(
            "department",
            "departments",
            Department,
            ("code", "name", "cost_centre"),
            checks.check_department,
        ),
        ReferenceKind("team", "teams", Team, ("code", "name", "trade"), checks.check_team),
        ReferenceKind(
            "contractor",
            "contractors",
            Contractor,
            ("code", "name", "service"),
            checks.check_contractor,
        ),
        ReferenceKind(
            "asset",
            "assets",
            Asset,
            (
                "tag_code",
                "name",
                "category",
                "manufacturer",
                "model",
                "serial",
                "site_id",
                "location_id",
                "department_id",
                "team_id",
                "contractor_id",
                "warranty_end",
                "next_inspection",
                "status",
            ),
            checks.check_asset,
            search=("tag_code", "name", "serial"),
            order="tag_code",
            clocked=("location_id", "status"),
        ),
        ReferenceKind(
            "item",
            "items",
            Item,
            ("code", "name", "unit", "abc_class", "safety_stock", "reorder_point"),
            checks.check_item,
        ),
    )
}
DESK_NODE = "desk"


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
    after = _snapshot(kind, row)
    changed = [name for name in kind.clocked if before.get(name) != after.get(name)]
    stamps = {name: await _stamp(session, kind, row.id, name) for name in changed}
    audit.record(session, actor, kind.name, row.id, before, after, hlc=stamps)
    return row


async def _stamp(session: AsyncSession, kind: ReferenceKind, row_id: uuid.UUID, name: str) -> str:
    """Move the field's clock past both now and its last write, and return the stamp."""
    clock = await session.get(FieldClock, (kind.name, row_id, name))
    last = Timestamp.parse(clock.hlc) if clock is not None else None
    stamp = str(HybridClock(DESK_NODE, last).tick(int(utcnow().timestamp() * 1000)))
    if clock is None:
        session.add(FieldClock(entity_type=kind.name, entity_id=row_id, field_name=name, hlc=stamp))
    else:
        clock.hlc = stamp
    return stamp
