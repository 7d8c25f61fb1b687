"""What the app keeps for its lifetime: settings and the database engine, never user state."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.datastructures import State
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from server.settings import Settings


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]


def runtime(state: State) -> Runtime:
    value = state["runtime"]
    assert isinstance(value, Runtime)
    return value
