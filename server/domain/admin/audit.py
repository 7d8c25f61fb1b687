"""Who changed what from the administration screens, and when, field by field.

Desk edits reuse `field_history` (the table that already holds every value a field of an
asset has had): one row per changed field with its value before and after, the editor
and the time. A desk edit carries no hybrid logical clock (it is not a phone op), so its
`hlc` is empty; secrets are never written, only that they changed.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import FieldHistory, User
from server.domain.accounts.actor import Actor

Snapshot = Mapping[str, str | None]
HIDDEN = "(changed)"


@dataclass(frozen=True)
class AuditEntry:
    field_name: str
    old_value: str | None
    new_value: str | None
    by: str
    at: datetime


def record(
    session: AsyncSession,
    actor: Actor,
    entity_type: str,
    entity_id: uuid.UUID,
    before: Snapshot,
    after: Snapshot,
    *,
    hlc: Mapping[str, str] | None = None,
) -> int:
    """Add one history row per field whose value differs; returns how many. `hlc` gives
    the clock stamp of fields that phones also edit (see `reference.ReferenceKind`)."""
    written = 0
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        session.add(
            FieldHistory(
                entity_type=entity_type,
                entity_id=entity_id,
                field_name=name[:40],
                old_value=old,
                new_value=new,
                hlc=(hlc or {}).get(name, ""),
                user_id=actor.user_id,
            )
        )
        written += 1
    return written


def record_secret(
    session: AsyncSession, actor: Actor, entity_type: str, entity_id: uuid.UUID, name: str
) -> None:
    """A secret changed: the row says so without holding either value."""
    record(session, actor, entity_type, entity_id, {name: None}, {name: HIDDEN})


def text(value: object) -> str | None:
    """A field's value as the history stores it: ids and numbers as text, lists sorted."""
    if value is None:
        return None
    if isinstance(value, (list, set, frozenset, tuple)):
        return ",".join(sorted(str(item) for item in value))
    return str(value)


async def history(
    session: AsyncSession, entity_type: str, entity_id: uuid.UUID, limit: int = 50
) -> Sequence[AuditEntry]:
    rows = await session.execute(
        select(FieldHistory, col(User.name))
        .outerjoin(User, col(User.id) == col(FieldHistory.user_id))
        .where(
            col(FieldHistory.entity_type) == entity_type,
            col(FieldHistory.entity_id) == entity_id,
        )
        .order_by(col(FieldHistory.at).desc(), col(FieldHistory.field_name))
        .limit(limit)
    )
    return [
        AuditEntry(row.field_name, row.old_value, row.new_value, name or "—", row.at)
        for row, name in rows.all()
    ]
