"""Change capture in the unit of work.

Every flush that inserts, updates or deletes a synced row raises its version and writes
a `sync_change` row in the same transaction, so no domain code has to remember to call
sync, and a change is never visible without its change record (or the reverse). Bulk
UPDATE or DELETE statements on synced tables would skip this, so they are refused.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, insert, text
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction
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
