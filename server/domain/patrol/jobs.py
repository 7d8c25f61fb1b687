"""The recurring patrol job: expected rounds made ahead, and judged once their window
closed. Run on one worker at a time (server/domain/scheduling.py); tests call the same
functions with the `now` they choose."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from server.db.types import utcnow
from server.domain.patrol.expected import evaluate_due, generate


@dataclass(frozen=True)
class PatrolRun:
    made: int
    judged: int


async def patrol_run(session: AsyncSession, now: datetime) -> PatrolRun:
    made = await generate(session, now)
    judged = await evaluate_due(session, now)
    return PatrolRun(len(made), len(judged))


async def patrol_now(
    session_factory: async_sessionmaker[AsyncSession], now: datetime | None = None
) -> PatrolRun:
    async with session_factory() as session:
        await session.connection(execution_options={"sqlite_begin": "BEGIN IMMEDIATE"})
        run = await patrol_run(session, now or utcnow())
        await session.commit()
        return run
