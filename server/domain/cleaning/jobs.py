"""The recurring cleaning job: routine tasks made ahead from the room schedules. Runs with
the patrol job's interval (ROUNDS_PATROL_INTERVAL_SECONDS) on one worker at a time; tests
call `generate` with the `now` they choose."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from server.db.types import utcnow
from server.domain.cleaning.expected import generate


async def cleaning_now(
    session_factory: async_sessionmaker[AsyncSession], now: datetime | None = None
) -> int:
    async with session_factory() as session:
        await session.connection(execution_options={"sqlite_begin": "BEGIN IMMEDIATE"})
        made = await generate(session, now or utcnow())
        await session.commit()
        return len(made)
