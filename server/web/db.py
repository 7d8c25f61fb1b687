"""The request's unit of work: one session, committed when the handler succeeds."""

from __future__ import annotations

from collections.abc import AsyncGenerator

from litestar.datastructures import State
from sqlalchemy.ext.asyncio import AsyncSession

from server.settings import Settings
from server.web.state import runtime


async def provide_db_session(state: State) -> AsyncGenerator[AsyncSession, None]:
    async with runtime(state).session_factory() as session:
        try:
            yield session
            await session.commit()
        except Exception:
            await session.rollback()
            raise


def provide_settings(state: State) -> Settings:
    return runtime(state).settings
