"""Background jobs that must run on one worker at a time, however many are serving.

A job takes a lease (a `job_lease` row) with one atomic UPDATE before it runs. The lease
is kept until it expires, not released when the job ends: a job run every minute with a
lease of a few minutes stays on the worker that holds it (which renews it on each run),
and moves to another worker once the holder has been silent for the lease's length.
The lease must outlast one run of the job, or a second worker could start beside it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from server.db.models import JobLease
from server.db.types import utcnow
from server.observability.metrics import JOB_RUNS

log = logging.getLogger("rounds.jobs")

# A lease row made for a job that never ran: expired since the epoch, so anyone takes it.
NEVER = datetime(1970, 1, 1, tzinfo=UTC)


def worker_name() -> str:
    """A holder name unique to this process (and this start of it)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


async def take_lease(
    session_factory: async_sessionmaker[AsyncSession],
    name: str,
    holder: str,
    ttl: timedelta,
    *,
    now: datetime | None = None,
) -> bool:
    """Take or renew the lease on `name` until now + ttl; False if another holder has it."""
    now = now or utcnow()
    async with session_factory() as session:
        # On SQLite take the write lock first, so two takers queue instead of failing.
        await session.connection(execution_options={"sqlite_begin": "BEGIN IMMEDIATE"})
        dialect = session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        await session.execute(
            insert(JobLease)
            .values(name=name, holder="", expires_at=NEVER)
            .on_conflict_do_nothing(index_elements=["name"])
        )
        result: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
            update(JobLease)
            .where(
                col(JobLease.name) == name,
                or_(col(JobLease.expires_at) < now, col(JobLease.holder) == holder),
            )
            .values(holder=holder, expires_at=now + ttl)
            .execution_options(synchronize_session=False)
        )
        await session.commit()
        return result.rowcount == 1


async def run_exclusively(
    session_factory: async_sessionmaker[AsyncSession],
    name: str,
    holder: str,
    ttl: timedelta,
    job: Callable[[], Awaitable[Any]],
    *,
    now: datetime | None = None,
) -> bool:
    """Run `job` if `holder` gets the lease on `name`; True if it ran.

    With several workers calling this for the same name, one runs the job and the others
    return False until the lease expires. An exception from the job propagates; the lease
    stays taken until it expires.
    """
    if not await take_lease(session_factory, name, holder, ttl, now=now):
        return False
    await job()
    return True


@dataclass(frozen=True)
class Recurring:
    """A job every worker schedules; the lease makes one of them run it each time."""

    name: str
    interval_seconds: float
    job: Callable[[], Awaitable[Any]]


async def repeat(
    session_factory: async_sessionmaker[AsyncSession], recurring: Recurring, holder: str
) -> None:
    """Run the job every interval under its lease, until cancelled. A failed run is
    logged and the next one comes as usual."""
    # A few minutes at least, so a slow run never overlaps a second worker's.
    ttl = timedelta(seconds=max(180.0, recurring.interval_seconds * 2))
    while True:
        try:
            ran = await run_exclusively(session_factory, recurring.name, holder, ttl, recurring.job)
            JOB_RUNS.labels(recurring.name, "ran" if ran else "skipped").inc()
        except Exception:
            JOB_RUNS.labels(recurring.name, "failed").inc()
            log.exception("%s failed; next run in %s s", recurring.name, recurring.interval_seconds)
        await asyncio.sleep(recurring.interval_seconds)


def start_recurring(
    session_factory: async_sessionmaker[AsyncSession], jobs: Sequence[Recurring], holder: str
) -> list[asyncio.Task[None]]:
    """Start the jobs whose interval is set (0 turns one off)."""
    return [
        asyncio.create_task(repeat(session_factory, job, holder), name=job.name)
        for job in jobs
        if job.interval_seconds > 0
    ]


async def stop_recurring(tasks: Sequence[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.wait(tasks)
