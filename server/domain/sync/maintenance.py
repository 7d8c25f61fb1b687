"""Keeping the change log bounded: old change rows are purged, and cursors older than the
purge are answered `reset` instead of being served with a silent gap."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, delete, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from server.db.models import Change, JobRun, SyncSetting
from server.db.types import utcnow

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


PURGE_JOB = "change-purge"
# How long the record of each purge run is kept: a month of hourly runs is 720 rows.
RUNS_KEPT = timedelta(days=30)


async def purge_now(
    session_factory: async_sessionmaker[AsyncSession], retention: timedelta, holder: str
) -> int:
    """The recurring purge: changes older than `retention` go, and the run is recorded
    (`job_run`, kept 30 days) in the same transaction: a failed run leaves no record."""
    ran_at = utcnow()
    async with session_factory() as session:
        # On SQLite take the write lock first: a read that later turns into a write fails
        # at once ("database is locked") when another worker wrote in between.
        await session.connection(execution_options={"sqlite_begin": "BEGIN IMMEDIATE"})
        removed = await purge_changes(session, ran_at - retention)
        # The run records are purged too, so the table stays bounded.
        await session.execute(
            delete(JobRun).where(
                col(JobRun.name) == PURGE_JOB, col(JobRun.ran_at) < ran_at - RUNS_KEPT
            )
        )
        session.add(
            JobRun(name=PURGE_JOB, holder=holder, ran_at=ran_at, detail=f"removed {removed}")
        )
        await session.commit()
    return removed
