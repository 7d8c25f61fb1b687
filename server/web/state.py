"""What the app keeps for its lifetime: settings, the database engine and the blob store's
connections, never user state."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.datastructures import State
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from server.domain.blobs.storage import BlobStore
from server.settings import Settings


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    blobs: BlobStore


def runtime(state: State) -> Runtime:
    value = state["runtime"]
    assert isinstance(value, Runtime)
    return value
