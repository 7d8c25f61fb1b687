"""Which tables phones replicate, who may see which rows of each, and how rows look on the wire.

The order of `SYNCED_TYPES` is the order of a first sync (parents before children) and
is part of the cursor: append new types at the end.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, false, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col

from server.db.models import (
    Asset,
    Building,
    Checkpoint,
    Department,
    Item,
    ItemGtin,
    Location,
    Route,
    RouteCheckpoint,
    RouteWindow,
    Site,
    Store,
    Team,
    WorkOrder,
)
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import (
    Permission,
    can,
    scope_assets,
    scope_checkpoints,
    scope_locations,
    scope_routes,
    scope_site_ids,
    scope_stores,
    scope_work_orders,
)

Scope = Callable[[Actor, Select[Any]], Select[Any]]
Extras = Callable[[AsyncSession, list[uuid.UUID]], Any]


def _everyone(_: Actor, stmt: Select[Any]) -> Select[Any]:
    return stmt


def _when(permission: Permission, scope: Scope) -> Scope:
    def scoped(actor: Actor, stmt: Select[Any]) -> Select[Any]:
        return scope(actor, stmt) if can(actor, permission) else stmt.where(false())

    return scoped


@dataclass(frozen=True)
class SyncedType:
    name: str
    model: type[SQLModel]
    scope: Scope
    hidden: frozenset[str] = frozenset()


SYNCED_TYPES: tuple[SyncedType, ...] = (
    SyncedType("site", Site, lambda a, s: scope_site_ids(a, Site.id, s)),
    SyncedType("building", Building, lambda a, s: scope_site_ids(a, Building.site_id, s)),
    SyncedType("location", Location, scope_locations),
    SyncedType("department", Department, _everyone),
    SyncedType("team", Team, _everyone),
    SyncedType("asset", Asset, _when(Permission.READ_ASSETS, scope_assets)),
    SyncedType("item", Item, _when(Permission.READ_STOCK, _everyone)),
    SyncedType("store", Store, _when(Permission.READ_STOCK, scope_stores)),
    SyncedType("checkpoint", Checkpoint, _when(Permission.READ_PATROL, scope_checkpoints)),
    SyncedType("route", Route, _when(Permission.READ_PATROL, scope_routes)),
    SyncedType("work_order", WorkOrder, _when(Permission.READ_WORK_ORDERS, scope_work_orders)),
)
BY_NAME = {synced.name: synced for synced in SYNCED_TYPES}
BY_MODEL: dict[type[SQLModel], str] = {synced.model: synced.name for synced in SYNCED_TYPES}

# Rows of these tables belong to a parent that phones see as one record.
CHILDREN: dict[type[SQLModel], tuple[type[SQLModel], str]] = {
    RouteCheckpoint: (Route, "route_id"),
    RouteWindow: (Route, "route_id"),
    ItemGtin: (Item, "item_id"),
}


async def _route_extras(
    session: AsyncSession, ids: list[uuid.UUID]
) -> dict[uuid.UUID, dict[str, Any]]:
    extras: dict[uuid.UUID, dict[str, Any]] = defaultdict(lambda: {"stops": [], "windows": []})
    stops = await session.scalars(
        select(RouteCheckpoint)
        .where(col(RouteCheckpoint.route_id).in_(ids))
        .order_by(col(RouteCheckpoint.route_id), col(RouteCheckpoint.position))
    )
    for stop in stops:
        extras[stop.route_id]["stops"].append(
            {
                "position": stop.position,
                "checkpoint_id": stop.checkpoint_id,
                "due_within_minutes": stop.due_within_minutes,
            }
        )
    windows = await session.scalars(
        select(RouteWindow)
        .where(col(RouteWindow.route_id).in_(ids))
        .order_by(col(RouteWindow.starts_at))
    )
    for window in windows:
        extras[window.route_id]["windows"].append(
            {"starts_at": window.starts_at, "ends_at": window.ends_at}
        )
    return extras


async def _item_extras(
    session: AsyncSession, ids: list[uuid.UUID]
) -> dict[uuid.UUID, dict[str, Any]]:
    extras: dict[uuid.UUID, dict[str, Any]] = defaultdict(lambda: {"gtins": []})
    rows = await session.execute(
        select(col(ItemGtin.item_id), col(ItemGtin.gtin)).where(col(ItemGtin.item_id).in_(ids))
    )
    for item_id, gtin in rows:
        extras[item_id]["gtins"].append(gtin)
    return extras


_EXTRAS = {"route": _route_extras, "item": _item_extras}


def columns_of(synced: SyncedType) -> Select[Any]:
    """A Core select of the type's wire columns: rows, not ORM objects, for speed."""
    table = synced.model.__table__  # type: ignore[attr-defined]
    return select(*(c for c in table.columns if c.key not in synced.hidden))


async def serialise(
    session: AsyncSession, synced: SyncedType, rows: Sequence[Any]
) -> list[tuple[uuid.UUID, int, dict[str, Any]]]:
    """(id, version, data) for each row of `columns_of`, with child records folded in."""
    extras_of = _EXTRAS.get(synced.name)
    extras = await extras_of(session, [row.id for row in rows]) if extras_of and rows else {}
    out = []
    for row in rows:
        data = dict(row._mapping)
        if extras_of:
            data.update(extras[row.id])
        out.append((row.id, row.version, data))
    return out
