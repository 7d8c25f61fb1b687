"""Which tables phones replicate, who may see which rows of each, and how rows look on the wire.

The order of `SYNCED_TYPES` is the order of a first sync (parents before children) and
is part of the cursor: append new types at the end.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Date,
    Executable,
    Float,
    Integer,
    Numeric,
    Select,
    String,
    Uuid,
    false,
    select,
    true,
    type_coerce,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import NullType, TypeEngine
from sqlmodel import SQLModel, col

from server.db.models import (
    Asset,
    Bin,
    Building,
    Checkpoint,
    CheckpointScan,
    CleaningRoom,
    CleaningTask,
    ClockEvent,
    Contractor,
    ContractorRating,
    Department,
    ExpectedRound,
    Incident,
    Item,
    ItemGtin,
    Location,
    PatrolRound,
    Route,
    RouteCheckpoint,
    RouteWindow,
    Site,
    StockBalance,
    StockLot,
    Stocktake,
    Store,
    Team,
    WorkOrder,
)
from server.db.types import UTCDateTime, utcnow
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import (
    Audience,
    AudienceRule,
    Permission,
    asset_rule,
    can,
    cleaning_rule,
    rating_rule,
    route_rule,
    scope_assets,
    scope_checkpoints,
    scope_cleaning_rooms,
    scope_cleaning_tasks,
    scope_clock_events,
    scope_contractors_to_rate,
    scope_expected_rounds,
    scope_incidents,
    scope_locations,
    scope_patrol_rounds,
    scope_ratings,
    scope_routes,
    scope_site_ids,
    scope_stocktakes,
    scope_store_sites,
    scope_work_orders,
    sites_rule,
    stock_rule,
    work_order_rule,
)

Scope = Callable[[Actor, Select[Any]], Select[Any]]
Convert = Callable[[Any], Any]
Extras = Callable[[AsyncSession, list[uuid.UUID]], Any]


def _everyone(_: Actor, stmt: Select[Any]) -> Select[Any]:
    return stmt


def _heard_by_everyone(_: Actor, __: Audience) -> ColumnElement[bool]:
    return true()


def _when(permission: Permission, scope: Scope) -> Scope:
    def scoped(actor: Actor, stmt: Select[Any]) -> Select[Any]:
        return scope(actor, stmt) if can(actor, permission) else stmt.where(false())

    return scoped


def _heard_when(permission: Permission, rule: AudienceRule) -> AudienceRule:
    def heard(actor: Actor, on: Audience) -> ColumnElement[bool]:
        return rule(actor, on) if can(actor, permission) else false()

    return heard


@dataclass(frozen=True)
class SyncedType:
    """`scope` filters the type's rows for an actor; `feed` tells, from the audience a
    change row carries, whether the actor hears of that change; `audience` names the
    row's attributes that fill a change row's audience (`Audience` field -> attribute)."""

    name: str
    model: type[SQLModel]
    scope: Scope
    feed: AudienceRule
    audience: dict[str, str] = field(default_factory=dict)
    hidden: frozenset[str] = frozenset()


_SITE = {"site": "site_id"}
_SITE_CONTRACTOR = {"site": "site_id", "contractor": "contractor_id"}
# A guard's own records stay on the phone after a sync: the clock events and incidents of
# the last days (a first sync does not carry a contractor's whole history).
RECENT_DAYS = 3


def _current_ratings(actor: Actor, stmt: Select[Any]) -> Select[Any]:
    """The ratings that count, of this month and the last (the two a rater may still be
    asked about on the 1st): earlier ones are history, kept at the desk."""
    today = utcnow().date()
    since = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    return scope_ratings(actor, stmt).where(
        col(ContractorRating.superseded_at).is_(None), col(ContractorRating.month) >= since
    )


def _recent(scope: Scope, claimed: Any) -> Scope:
    def recent(actor: Actor, stmt: Select[Any]) -> Select[Any]:
        since = utcnow() - timedelta(days=RECENT_DAYS)
        return scope(actor, stmt).where(col(claimed) >= since)

    return recent


SYNCED_TYPES: tuple[SyncedType, ...] = (
    SyncedType(
        "site", Site, lambda a, s: scope_site_ids(a, Site.id, s), sites_rule, {"site": "id"}
    ),
    SyncedType(
        "building", Building, lambda a, s: scope_site_ids(a, Building.site_id, s), sites_rule, _SITE
    ),
    SyncedType("location", Location, scope_locations, sites_rule, _SITE),
    SyncedType("department", Department, _everyone, _heard_by_everyone),
    SyncedType("team", Team, _everyone, _heard_by_everyone),
    SyncedType(
        "asset",
        Asset,
        _when(Permission.READ_ASSETS, scope_assets),
        _heard_when(Permission.READ_ASSETS, asset_rule),
        {"site": "site_id", "department": "department_id", "contractor": "contractor_id"},
    ),
    SyncedType(
        "item",
        Item,
        _when(Permission.READ_STOCK, _everyone),
        _heard_when(Permission.READ_STOCK, _heard_by_everyone),
    ),
    SyncedType(
        "store",
        Store,
        _when(Permission.READ_STOCK, scope_store_sites),
        _heard_when(Permission.READ_STOCK, sites_rule),
        _SITE,
    ),
    # A checkpoint's changes also carry the audience of every route it is on (capture.py).
    SyncedType(
        "checkpoint",
        Checkpoint,
        _when(Permission.READ_PATROL, scope_checkpoints),
        _heard_when(Permission.READ_PATROL, route_rule),
        _SITE,
    ),
    SyncedType(
        "route",
        Route,
        _when(Permission.READ_PATROL, scope_routes),
        _heard_when(Permission.READ_PATROL, route_rule),
        {"site": "site_id", "contractor": "contractor_id"},
    ),
    SyncedType(
        "work_order",
        WorkOrder,
        _when(Permission.READ_WORK_ORDERS, scope_work_orders),
        _heard_when(Permission.READ_WORK_ORDERS, work_order_rule),
        {"site": "site_id", "team": "team_id", "department": "department_id"},
    ),
    # Stock: the bins and on-hand balances of the stores of the user's sites, and every
    # lot (lots, like items, are the hospital's catalogue).
    SyncedType(
        "bin",
        Bin,
        _when(Permission.READ_STOCK, lambda a, s: scope_site_ids(a, Bin.site_id, s)),
        stock_rule,
        _SITE,
    ),
    SyncedType(
        "stock_lot",
        StockLot,
        _when(Permission.READ_STOCK, _everyone),
        _heard_when(Permission.READ_STOCK, _heard_by_everyone),
    ),
    SyncedType(
        "stock_balance",
        StockBalance,
        _when(Permission.READ_STOCK, lambda a, s: scope_site_ids(a, StockBalance.site_id, s)),
        stock_rule,
        _SITE,
    ),
    # Open and past stocktakes of the user's stores; counts are blind, so a stocktake's row
    # holds no expected quantity (those are worked out at the desk).
    SyncedType(
        "stocktake",
        Stocktake,
        _when(Permission.READ_STOCK, scope_stocktakes),
        _heard_when(Permission.READ_STOCK, sites_rule),
        _SITE,
    ),
    # What the schedule asks of the guard's contractor at their sites, and the rounds its
    # guards walked, so the phone shows what is next and what is late with no signal.
    SyncedType(
        "expected_round",
        ExpectedRound,
        _when(Permission.READ_PATROL, scope_expected_rounds),
        _heard_when(Permission.READ_PATROL, route_rule),
        {"site": "site_id", "contractor": "contractor_id"},
    ),
    SyncedType(
        "patrol_round",
        PatrolRound,
        _when(Permission.READ_PATROL, scope_patrol_rounds),
        _heard_when(Permission.READ_PATROL, route_rule),
        _SITE_CONTRACTOR,
    ),
    SyncedType(
        "clock_event",
        ClockEvent,
        _when(Permission.READ_PATROL, _recent(scope_clock_events, ClockEvent.claimed_at)),
        _heard_when(Permission.READ_PATROL, route_rule),
        _SITE_CONTRACTOR,
        frozenset({"op_hash", "device_id"}),
    ),
    SyncedType(
        "incident",
        Incident,
        _when(Permission.READ_PATROL, _recent(scope_incidents, Incident.occurred_at)),
        _heard_when(Permission.READ_PATROL, route_rule),
        _SITE_CONTRACTOR,
        frozenset({"op_hash"}),
    ),
    # Satisfaction: the contractors serving the rater's campuses, and what the rater's
    # department already rated. A contractor that starts serving a campus (a new route, a
    # new person there) reaches the phone with its next change or the next first sync.
    SyncedType(
        "contractor",
        Contractor,
        scope_contractors_to_rate,
        _heard_when(Permission.RATE_CONTRACTORS, _heard_by_everyone),
    ),
    SyncedType(
        "contractor_rating",
        ContractorRating,
        _when(Permission.RATE_CONTRACTORS, _current_ratings),
        _heard_when(Permission.RATE_CONTRACTORS, rating_rule),
        {"department": "department_id", "contractor": "contractor_id"},
        frozenset({"op_hash", "device_id"}),
    ),
)


def _current_cleans(actor: Actor, stmt: Select[Any]) -> Select[Any]:
    """A phone holds the cleaning tasks still to do that start within the next day and a
    half, and those of the last days (done, cancelled or missed), not a room's history."""
    now = utcnow()
    return scope_cleaning_tasks(actor, stmt).where(
        col(CleaningTask.window_start) <= now + timedelta(hours=36),
        col(CleaningTask.due_at) >= now - timedelta(days=RECENT_DAYS),
    )


_CLEANING_AUDIENCE = {
    "site": "site_id",
    "department": "department_id",
    "contractor": "contractor_id",
}
SYNCED_TYPES += (
    # The rooms a cleaner's contractor cleans (their tags, to check the scan offline) and
    # the rooms of a ward's department (to ask for a terminal clean); their tasks.
    SyncedType(
        "cleaning_room",
        CleaningRoom,
        _when(Permission.READ_CLEANING, scope_cleaning_rooms),
        _heard_when(Permission.READ_CLEANING, cleaning_rule),
        _CLEANING_AUDIENCE,
    ),
    SyncedType(
        "cleaning_task",
        CleaningTask,
        _when(Permission.READ_CLEANING, _current_cleans),
        _heard_when(Permission.READ_CLEANING, cleaning_rule),
        _CLEANING_AUDIENCE,
        frozenset({"request_op_hash"}),
    ),
)
BY_NAME = {synced.name: synced for synced in SYNCED_TYPES}
BY_MODEL: dict[type[SQLModel], str] = {synced.model: synced.name for synced in SYNCED_TYPES}

# Rows of these tables belong to a parent that phones see as one record.
CHILDREN: dict[type[SQLModel], tuple[type[SQLModel], str]] = {
    RouteCheckpoint: (Route, "route_id"),
    RouteWindow: (Route, "route_id"),
    ItemGtin: (Item, "item_id"),
    # A round's scans travel on its row (`scans`), so the phone keeps them once acked.
    CheckpointScan: (PatrolRound, "round_id"),
}


async def _rows(session: AsyncSession, stmt: Executable) -> tuple[list[str], Sequence[Any]]:
    """Core rows on the session's connection: the ORM's per-row loading is skipped."""
    result = await (await session.connection()).execute(stmt)
    return list(result.keys()), result.all()


async def _route_extras(
    session: AsyncSession, ids: list[uuid.UUID]
) -> dict[uuid.UUID, dict[str, Any]]:
    extras: dict[uuid.UUID, dict[str, Any]] = defaultdict(lambda: {"stops": [], "windows": []})
    _, stops = await _rows(
        session,
        select(
            col(RouteCheckpoint.route_id),
            col(RouteCheckpoint.position),
            col(RouteCheckpoint.checkpoint_id),
            col(RouteCheckpoint.due_within_minutes),
        )
        .where(col(RouteCheckpoint.route_id).in_(ids))
        .order_by(col(RouteCheckpoint.route_id), col(RouteCheckpoint.position)),
    )
    for route_id, position, checkpoint_id, due_within_minutes in stops:
        extras[route_id]["stops"].append(
            {
                "position": position,
                "checkpoint_id": checkpoint_id,
                "due_within_minutes": due_within_minutes,
            }
        )
    _, windows = await _rows(
        session,
        select(col(RouteWindow.route_id), col(RouteWindow.starts_at), col(RouteWindow.ends_at))
        .where(col(RouteWindow.route_id).in_(ids))
        .order_by(col(RouteWindow.starts_at)),
    )
    for route_id, starts_at, ends_at in windows:
        extras[route_id]["windows"].append({"starts_at": starts_at, "ends_at": ends_at})
    return extras


async def _item_extras(
    session: AsyncSession, ids: list[uuid.UUID]
) -> dict[uuid.UUID, dict[str, Any]]:
    extras: dict[uuid.UUID, dict[str, Any]] = defaultdict(lambda: {"gtins": []})
    _, rows = await _rows(
        session,
        select(col(ItemGtin.item_id), col(ItemGtin.gtin)).where(col(ItemGtin.item_id).in_(ids)),
    )
    for item_id, gtin in rows:
        extras[item_id]["gtins"].append(gtin)
    return extras


async def _round_extras(
    session: AsyncSession, ids: list[uuid.UUID]
) -> dict[uuid.UUID, dict[str, Any]]:
    extras: dict[uuid.UUID, dict[str, Any]] = defaultdict(lambda: {"scans": []})
    _, rows = await _rows(
        session,
        select(
            col(CheckpointScan.round_id),
            col(CheckpointScan.id),
            col(CheckpointScan.checkpoint_id),
            col(CheckpointScan.payload),
            col(CheckpointScan.method),
            col(CheckpointScan.manual_reason),
            col(CheckpointScan.claimed_at),
            col(CheckpointScan.outcome),
        )
        .where(col(CheckpointScan.round_id).in_(ids))
        .order_by(col(CheckpointScan.claimed_at), col(CheckpointScan.id)),
    )
    for round_id, scan_id, checkpoint_id, payload, method, reason, claimed_at, outcome in rows:
        extras[round_id]["scans"].append(
            {
                "scan_id": scan_id,
                "checkpoint_id": checkpoint_id,
                "payload": payload,
                "method": method,
                "manual_reason": reason,
                "claimed_at": claimed_at,
                "outcome": outcome,
            }
        )
    return extras


_EXTRAS = {"route": _route_extras, "item": _item_extras, "patrol_round": _round_extras}


# Types whose stored value, as the driver returns it, encodes to the same JSON as the value
# SQLAlchemy would make of it: read as stored. Other types go through SQLAlchemy as usual.
_AS_STORED: tuple[type[TypeEngine[Any]], ...] = (Integer, String, Date, Uuid, UTCDateTime, Boolean)


def _as_stored(column: Column[Any]) -> bool:
    kind = column.type
    if isinstance(kind, Float):
        return not kind.asdecimal
    return isinstance(kind, _AS_STORED) and not isinstance(kind, Numeric)


def columns_of(synced: SyncedType) -> Select[Any]:
    """A Core select of the type's wire columns, read as stored where that is safe (see
    `fetch`): a first sync reads every row in scope, and SQLAlchemy's per-value result
    processing would cost more than all the rest of a row's way to the wire."""
    table = synced.model.__table__  # type: ignore[attr-defined]
    return select(
        *(
            type_coerce(column, NullType()).label(column.key) if _as_stored(column) else column
            for column in table.columns
            if column.key not in synced.hidden
        )
    )


def _sqlite_uuid(stored: str) -> str:
    """A UUID as SQLAlchemy stores it on SQLite (32 hex digits), in its canonical form."""
    if len(stored) == 32:
        hex_ = stored.lower()
        return f"{hex_[:8]}-{hex_[8:12]}-{hex_[12:16]}-{hex_[16:20]}-{hex_[20:]}"
    return str(uuid.UUID(stored))


def _sqlite_utc(stored: str) -> str | datetime:
    """A UTC datetime as SQLAlchemy stores it on SQLite, as msgspec writes an aware one:
    the fraction only when it is not zero, and `Z`."""
    if len(stored) == 26 and stored[10] == " " and stored[19] == ".":
        fraction = stored[19:] if stored[20:] != "000000" else ""
        return f"{stored[:10]}T{stored[11:19]}{fraction}Z"
    return datetime.fromisoformat(stored).replace(tzinfo=UTC)  # encoded by msgspec alike


def _converters(dialect: str, columns: Sequence[Column[Any]]) -> list[tuple[int, Convert]]:
    """Where a stored value is not yet what the wire carries: SQLite keeps UUIDs as hex,
    datetimes as text and booleans as 0 or 1. asyncpg's values already are."""
    if dialect != "sqlite":
        return []
    found: list[tuple[int, Convert]] = []
    for index, column in enumerate(columns):
        if not _as_stored(column):
            continue
        if isinstance(column.type, Uuid):
            found.append((index, _sqlite_uuid))
        elif isinstance(column.type, UTCDateTime):
            found.append((index, _sqlite_utc))
        elif isinstance(column.type, Boolean):
            found.append((index, bool))
    return found


def _entity_id(stored: Any) -> uuid.UUID:
    return stored if isinstance(stored, uuid.UUID) else uuid.UUID(str(stored))


async def fetch(
    session: AsyncSession, synced: SyncedType, stmt: Select[Any]
) -> list[tuple[uuid.UUID, int, dict[str, Any]]]:
    """(id, version, data) for each row of a `columns_of` select, child records folded in.

    Plain rows zipped with their column names, values as stored turned into what the
    wire carries: the data encodes to the same JSON as the ORM's values would.
    """
    keys, rows = await _rows(session, stmt)
    at_id, at_version = keys.index("id"), keys.index("version")
    table = synced.model.__table__  # type: ignore[attr-defined]
    columns = [table.c[key] for key in keys]
    converters = _converters(session.get_bind().dialect.name, columns)
    found: list[tuple[uuid.UUID, int, dict[str, Any]]] = []
    for row in rows:
        values = list(row)
        for index, convert in converters:
            value = values[index]
            if value is not None:
                values[index] = convert(value)
        found.append(
            (_entity_id(row[at_id]), row[at_version], dict(zip(keys, values, strict=True)))
        )
    extras_of = _EXTRAS.get(synced.name)
    if extras_of is not None and found:
        extras = await extras_of(session, [entity_id for entity_id, _, _ in found])
        for entity_id, _, data in found:
            data.update(extras[entity_id])
    return found
