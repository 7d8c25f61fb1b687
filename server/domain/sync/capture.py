"""Change capture in the unit of work.

Every flush that inserts, updates or deletes a synced row raises its version and writes
a `sync_change` row in the same transaction, so no domain code has to remember to call
sync, and a change is never visible without its change record (or the reverse). Bulk
UPDATE or DELETE statements on synced tables would skip this, so they are refused.
`update_rows` is the one set-based way to change synced rows: it does what a flush
would, for many rows in one statement per step.

Each change row names the audience of its entity (site, team, department, contractor:
see `SyncedType.audience`), so the pull's change feed is scoped in its query. A write
that moves an entity to another audience logs a row for the old audience too, so the
phones that held it hear that it left. A checkpoint is seen through the routes it is on,
so its changes carry the audience of each of those routes, and a route gaining or losing
a checkpoint, or changing hands, is logged as a change of its checkpoints as well.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, event, insert, inspect, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import SQLModel, col

from server.db.models import Change, Checkpoint, Route, RouteCheckpoint
from server.db.types import utcnow
from server.domain.sync.synced import BY_MODEL, BY_NAME, CHILDREN, SyncedType

PENDING = "sync_pending_changes"
LAST_POSITION = "sync_last_position"
TXID = "sync_txid"
NEW_ROWS = "sync_new_rows"  # the flush's new rows, listed once per flush


# (site, team, department, contractor) of an entity, as a change row carries them.
AudienceKey = tuple[uuid.UUID | None, uuid.UUID | None, uuid.UUID | None, uuid.UUID | None]
DIMENSIONS = ("site", "team", "department", "contractor")


@dataclass
class _Pending:
    entity_type: str
    entity_id: uuid.UUID
    row: Any
    deleted: bool
    version: int
    audiences: set[AudienceKey]


def _audience(synced: SyncedType, row: Any, *, before: bool = False) -> AudienceKey:
    """The row's audience now, or as committed before this flush changed it."""
    state = inspect(row)
    values: list[uuid.UUID | None] = []
    for dimension in DIMENSIONS:
        name = synced.audience.get(dimension)
        if name is None:
            values.append(None)
            continue
        history = state.attrs[name].history
        values.append(history.deleted[0] if before and history.deleted else getattr(row, name))
    return (values[0], values[1], values[2], values[3])


def _route_audience(route: Route) -> AudienceKey:
    return _audience(BY_NAME["route"], route)


def current_txid(session: Session) -> int:
    """PostgreSQL's id for this transaction; 0 on SQLite, whose writers are serialised."""
    if session.get_bind().dialect.name != "postgresql":
        return 0
    transaction = session.get_transaction()
    cached = session.info.get(TXID)
    if cached is not None and cached[0] is transaction:
        return int(cached[1])
    txid = int(
        session.connection().execute(text("SELECT pg_current_xact_id()::text::bigint")).scalar_one()
    )
    session.info[TXID] = (transaction, txid)  # asked once per transaction, not per flush
    return txid


def _touch_parent(
    session: Session, child: SQLModel, seen: dict[tuple[str, uuid.UUID], _Pending]
) -> None:
    parent_model, key = CHILDREN[type(child)]
    parent_id = getattr(child, key)
    if parent_id is None:  # a scan outside any round
        return
    with session.no_autoflush:
        parent = session.get(parent_model, parent_id)
    if parent is None or parent in session.deleted:
        return
    _record(session, parent, seen, force=True)


def _touch_checkpoint(
    session: Session,
    checkpoint_id: uuid.UUID,
    seen: dict[tuple[str, uuid.UUID], _Pending],
    left: AudienceKey | None = None,
) -> None:
    """A checkpoint whose routes changed: its guards gain or lose it (`left`: the audience
    of a route it is no longer seen through)."""
    with session.no_autoflush:
        checkpoint = session.get(Checkpoint, checkpoint_id)
    if checkpoint is None or checkpoint in session.deleted:
        return
    pending = _record(session, checkpoint, seen, force=True)
    if pending is not None and left is not None:
        pending.audiences.add(left)


def _route_membership_changed(
    session: Session, row: SQLModel, seen: dict[tuple[str, uuid.UUID], _Pending]
) -> None:
    if isinstance(row, RouteCheckpoint):
        left = None
        if row in session.deleted:
            with session.no_autoflush:
                route = session.get(Route, row.route_id)
            left = _route_audience(route) if route is not None else None
        _touch_checkpoint(session, row.checkpoint_id, seen, left)
    elif isinstance(row, Route) and row not in session.new:
        before = _audience(BY_NAME["route"], row, before=True)
        if row in session.deleted or before != _route_audience(row):
            with session.no_autoflush:
                ids = session.scalars(
                    select(col(RouteCheckpoint.checkpoint_id)).where(
                        col(RouteCheckpoint.route_id) == row.id
                    )
                ).all()
            for checkpoint_id in ids:
                _touch_checkpoint(session, checkpoint_id, seen, before)


def _record(
    session: Session,
    row: Any,
    seen: dict[tuple[str, uuid.UUID], _Pending],
    *,
    force: bool = False,
    deleted: bool = False,
) -> _Pending | None:
    entity_type = BY_MODEL[type(row)]
    synced = BY_NAME[entity_type]
    key = (entity_type, row.id)
    if key in seen:
        return seen[key]
    if deleted:
        audiences = {_audience(synced, row, before=True), _audience(synced, row)}
        seen[key] = _Pending(entity_type, row.id, None, True, (row.version or 1) + 1, audiences)
        return seen[key]
    # The flush's new rows are listed once (`_before_flush`): `session.new` builds a set of
    # every new row on each call, which made a flush of n new rows take n squared steps.
    new_rows = session.info.get(NEW_ROWS)
    pending = row in (new_rows if new_rows is not None else session.new)
    if not pending:
        if not force and not session.is_modified(row, include_collections=False):
            return None
        row.version = (row.version or 1) + 1
        row.updated_at = utcnow()
    audiences = {_audience(synced, row)}
    if not pending:
        audiences.add(_audience(synced, row, before=True))
    seen[key] = _Pending(entity_type, row.id, row, False, row.version or 1, audiences)
    return seen[key]


def _before_flush(session: Session, _: UOWTransaction, __: Any) -> None:
    session.info[NEW_ROWS] = session.new
    try:
        _collect(session)
    finally:
        session.info.pop(NEW_ROWS, None)


def _collect(session: Session) -> None:
    seen: dict[tuple[str, uuid.UUID], _Pending] = {
        (p.entity_type, p.entity_id): p for p in session.info.get(PENDING, [])
    }
    for row in list(session.new) + list(session.dirty):
        if type(row) in BY_MODEL:
            _record(session, row, seen)
    for row in list(session.deleted):
        if type(row) in BY_MODEL:
            _record(session, row, seen, deleted=True)
    for row in list(session.new) + list(session.dirty) + list(session.deleted):
        if type(row) in CHILDREN:
            _touch_parent(session, row, seen)
        if isinstance(row, RouteCheckpoint | Route):
            _route_membership_changed(session, row, seen)
    session.info[PENDING] = list(seen.values())


def _add_route_audiences(session: Session, pending: list[_Pending]) -> None:
    """Each checkpoint is heard of by the audience of every route it is on now."""
    ids = [p.entity_id for p in pending if p.entity_type == "checkpoint"]
    if not ids:
        return
    by_id = {p.entity_id: p for p in pending if p.entity_type == "checkpoint"}
    rows = session.connection().execute(
        select(col(RouteCheckpoint.checkpoint_id), col(Route.site_id), col(Route.contractor_id))
        .join(Route, col(Route.id) == col(RouteCheckpoint.route_id))
        .where(col(RouteCheckpoint.checkpoint_id).in_(ids))
    )
    for checkpoint_id, site_id, contractor_id in rows:
        by_id[checkpoint_id].audiences.add((site_id, None, None, contractor_id))


def _after_flush(session: Session, _: UOWTransaction) -> None:
    pending: list[_Pending] = session.info.pop(PENDING, [])
    if not pending:
        return
    _add_route_audiences(session, pending)
    txid = current_txid(session)
    now = utcnow()
    rows = [
        {
            "txid": txid,
            "entity_type": p.entity_type,
            "entity_id": p.entity_id,
            "version": p.row.version if p.row is not None else p.version,
            "deleted": p.deleted,
            "changed_at": now,
            **_audience_columns(audience),
        }
        for p in pending
        for audience in sorted(p.audiences, key=str)
    ]
    table = Change.__table__  # type: ignore[attr-defined]
    ids = session.connection().execute(insert(table).returning(table.c.id), rows).scalars().all()
    session.info[LAST_POSITION] = (txid, max(ids))


def _audience_columns(audience: AudienceKey) -> dict[str, uuid.UUID | None]:
    return {f"{dimension}_id": value for dimension, value in zip(DIMENSIONS, audience, strict=True)}


async def update_rows(
    session: AsyncSession,
    model: type[SQLModel],
    rows: dict[uuid.UUID, tuple[int, dict[str, Any]]],
) -> dict[uuid.UUID, int]:
    """Set new values on many rows of a synced table: `rows` maps an id to the version the
    caller read and the new column values (the same columns for every row).

    As a flush would, each row's version goes up by one, its `updated_at` becomes now
    and it gets a change record: one UPDATE for all rows, one INSERT for their changes.
    The caller must hold the rows locked since it read their versions (a row lock on
    PostgreSQL, the write lock on SQLite), so no other writer has raised them. Copies of
    the rows in the session are kept in step. Returns each row's new version.

    Only the change log hears of these writes: flush listeners such as the live updates
    of work orders (`server.web.live`) do not, so those rows go through the unit of work.
    """
    if not rows:
        return {}
    entity_type = BY_MODEL[model]
    synced = BY_NAME[entity_type]
    columns = sorted(next(iter(rows.values()))[1])
    if any(sorted(values) != columns for _, values in rows.values()):
        raise ValueError("update_rows sets the same columns on every row")
    if set(columns) & set(synced.audience.values()):
        raise ValueError("update_rows cannot move rows to another audience; use the unit of work")
    await session.flush()  # pending ORM edits of these rows go first, not over this write
    now = utcnow()
    versions = {row_id: version + 1 for row_id, (version, _) in rows.items()}
    table = model.__table__  # type: ignore[attr-defined]
    connection = await session.connection()
    await connection.execute(
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(
            version=bindparam("b_version"),
            updated_at=bindparam("b_now"),
            **{name: bindparam(f"b_{name}") for name in columns},
        ),
        [
            {
                "b_id": row_id,
                "b_version": versions[row_id],
                "b_now": now,
                **{f"b_{name}": value for name, value in values.items()},
            }
            for row_id, (_, values) in rows.items()
        ],
    )
    txid = await session.run_sync(current_txid)
    audiences = await _audiences_of(connection, synced, list(rows))
    changes = Change.__table__  # type: ignore[attr-defined]
    result = await connection.execute(
        insert(changes).returning(changes.c.id),
        [
            {
                "txid": txid,
                "entity_type": entity_type,
                "entity_id": row_id,
                "version": version,
                "deleted": False,
                "changed_at": now,
                **_audience_columns(audiences[row_id]),
            }
            for row_id, version in versions.items()
        ],
    )
    session.info[LAST_POSITION] = (txid, max(result.scalars().all()))
    identity_map = session.sync_session.identity_map
    for row_id, (_, values) in rows.items():
        copy = identity_map.get(session.sync_session.identity_key(model, row_id))
        if copy is not None:
            for name, value in {**values, "version": versions[row_id], "updated_at": now}.items():
                set_committed_value(copy, name, value)
    return versions


async def insert_rows(
    session: AsyncSession, model: type[SQLModel], rows: list[dict[str, Any]]
) -> None:
    """Insert many new rows of a synced table with their change records, as a flush would
    but without building an ORM object per row: one executemany INSERT for the rows, one
    for their changes. Each row is a complete set of column values (`id` included); its
    version is 1 and its audience is read from its own values.

    As with `update_rows`, only the change log hears of these writes, so tables with
    other flush listeners, children of another synced type, and checkpoints (heard of
    through their routes) go through the unit of work.
    """
    if not rows:
        return
    if model in CHILDREN or model is Checkpoint or model is Route or model is RouteCheckpoint:
        raise ValueError("insert_rows is for plain synced tables; use the unit of work")
    entity_type = BY_MODEL[model]
    synced = BY_NAME[entity_type]
    now = utcnow()
    values = [{"created_at": now, "updated_at": now, **row, "version": 1} for row in rows]
    connection = await session.connection()
    await connection.execute(insert(model.__table__), values)  # type: ignore[attr-defined]
    txid = await session.run_sync(current_txid)
    names = [synced.audience.get(dimension) for dimension in DIMENSIONS]
    changes = Change.__table__  # type: ignore[attr-defined]
    result = await connection.execute(
        insert(changes).returning(changes.c.id),
        [
            {
                "txid": txid,
                "entity_type": entity_type,
                "entity_id": row["id"],
                "version": 1,
                "deleted": False,
                "changed_at": now,
                **{
                    f"{dimension}_id": row.get(name) if name else None
                    for dimension, name in zip(DIMENSIONS, names, strict=True)
                },
            }
            for row in values
        ],
    )
    session.info[LAST_POSITION] = (txid, max(result.scalars().all()))


async def _audiences_of(
    connection: Any, synced: SyncedType, ids: list[uuid.UUID]
) -> dict[uuid.UUID, AudienceKey]:
    table = synced.model.__table__  # type: ignore[attr-defined]
    names = [synced.audience.get(dimension) for dimension in DIMENSIONS]
    selected = [table.c[name] for name in names if name is not None]
    found: dict[uuid.UUID, AudienceKey] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        result = await connection.execute(
            select(table.c.id, *selected).where(table.c.id.in_(chunk))
        )
        for row_id, *values in result:
            by_name = dict(zip([n for n in names if n is not None], values, strict=True))
            audience = [by_name[name] if name is not None else None for name in names]
            found[row_id] = (audience[0], audience[1], audience[2], audience[3])
    return found


def _refuse_bulk_writes(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    for mapper in state.all_mappers:
        if mapper.class_ in BY_MODEL or mapper.class_ in CHILDREN:
            raise RuntimeError(
                f"bulk {'update' if state.is_update else 'delete'} of synced"
                f" {mapper.class_.__name__} rows would bypass change capture;"
                " change them through the unit of work"
            )


_installed = False


def install() -> None:
    """Register the listeners once per process (for every Session, sync or async)."""
    global _installed  # noqa: PLW0603 - process-wide listener registration
    if _installed:
        return
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "do_orm_execute", _refuse_bulk_writes)
    _installed = True
