"""Change capture in the unit of work.

Every flush that inserts, updates or deletes a synced row raises its version and writes
a `sync_change` row in the same transaction, so no domain code has to remember to call
sync, and a change is never visible without its change record (or the reverse). Bulk
UPDATE or DELETE statements on synced tables would skip this, so they are refused.
`update_rows` is the one set-based way to change synced rows: it does what a flush
would, for many rows in one statement per step.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, event, insert, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import SQLModel

from server.db.models import Change
from server.db.types import utcnow
from server.domain.sync.synced import BY_MODEL, CHILDREN

PENDING = "sync_pending_changes"
LAST_POSITION = "sync_last_position"
TXID = "sync_txid"


@dataclass
class _Pending:
    entity_type: str
    entity_id: uuid.UUID
    row: Any
    deleted: bool
    version: int


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
    with session.no_autoflush:
        parent = session.get(parent_model, parent_id)
    if parent is None or parent in session.deleted:
        return
    _record(session, parent, seen, force=True)


def _record(
    session: Session,
    row: Any,
    seen: dict[tuple[str, uuid.UUID], _Pending],
    *,
    force: bool = False,
    deleted: bool = False,
) -> None:
    entity_type = BY_MODEL[type(row)]
    key = (entity_type, row.id)
    if key in seen:
        return
    if deleted:
        seen[key] = _Pending(entity_type, row.id, None, True, (row.version or 1) + 1)
        return
    if row not in session.new:
        if not force and not session.is_modified(row, include_collections=False):
            return
        row.version = (row.version or 1) + 1
        row.updated_at = utcnow()
    seen[key] = _Pending(entity_type, row.id, row, False, row.version or 1)


def _before_flush(session: Session, _: UOWTransaction, __: Any) -> None:
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
    session.info[PENDING] = list(seen.values())


def _after_flush(session: Session, _: UOWTransaction) -> None:
    pending: list[_Pending] = session.info.pop(PENDING, [])
    if not pending:
        return
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
        }
        for p in pending
    ]
    table = Change.__table__  # type: ignore[attr-defined]
    ids = session.connection().execute(insert(table).returning(table.c.id), rows).scalars().all()
    session.info[LAST_POSITION] = (txid, max(ids))


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
    columns = sorted(next(iter(rows.values()))[1])
    if any(sorted(values) != columns for _, values in rows.values()):
        raise ValueError("update_rows sets the same columns on every row")
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
