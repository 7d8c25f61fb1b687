"""The request's unit of work: one session, committed when the handler succeeds."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from litestar import Request
from litestar.datastructures import State
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.blobs.storage import BlobStore
from server.settings import Settings
from server.web.state import runtime

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def provide_db_session(
    state: State, request: Request[Any, Any, Any]
) -> AsyncGenerator[AsyncSession, None]:
    async with runtime(state).session_factory() as session:
        if request.method not in SAFE_METHODS:
            # On SQLite a transaction that reads and then writes cannot take the write lock
            # once another writer has committed; a request that may write takes it first.
            await session.connection(execution_options={"sqlite_begin": "BEGIN IMMEDIATE"})
        try:
            yield session
            await session.commit()
        except Exception:
            await session.rollback()
            raise


def provide_settings(state: State) -> Settings:
    return runtime(state).settings


def provide_blob_store(state: State) -> BlobStore:
    return runtime(state).blobs
