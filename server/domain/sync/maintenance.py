"""Keeping the change log bounded: old change rows are purged, and cursors older than the
purge are answered `reset` instead of being served with a silent gap."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, delete, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Change, SyncSetting

PURGED_THROUGH = "purged_through"


async def purge_changes(session: AsyncSession, older_than: datetime) -> int:
    """Delete change rows older than `older_than` whose transactions are long settled.

    Records the last deleted position, `txid:id` in the log's order; a cursor before it
    may have missed deleted changes and is answered `reset`.
    """
    settled = col(Change.changed_at) < older_than
    if session.get_bind().dialect.name == "postgresql":
        horizon = (
            await session.execute(
                text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
            )
        ).scalar_one()
        settled = and_(settled, col(Change.txid) < horizon)
    last = (
        await session.execute(
            select(col(Change.txid), col(Change.id))
            .where(settled)
            .order_by(col(Change.txid).desc(), col(Change.id).desc())
            .limit(1)
        )
    ).first()
    if last is None:
        return 0
    through = (int(last[0]), int(last[1] or 0))
    removed = await session.execute(
        delete(Change).where(tuple_(Change.txid, Change.id) <= tuple_(*through))
    )
    setting = await session.get(SyncSetting, PURGED_THROUGH)
    value = f"{through[0]}:{through[1]}"
    if setting is None:
        session.add(SyncSetting(key=PURGED_THROUGH, value=value))
    else:
        setting.value = value
    count: int = removed.rowcount  # type: ignore[attr-defined]
    return count
