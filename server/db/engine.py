"""Engine and session factory. One engine per process, made from the settings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from server.settings import DatabaseSettings


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(settings: DatabaseSettings) -> AsyncEngine:
    kwargs: dict[str, Any] = {"echo": settings.echo, "pool_pre_ping": True}
    if is_sqlite(settings.url):
        kwargs["connect_args"] = {"timeout": 30}
    engine = create_async_engine(settings.url, **kwargs)
    if is_sqlite(settings.url):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the console read while a push writes; foreign keys are off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
    # Let SQLAlchemy, not the driver, issue BEGIN: the driver's own transaction handling
    # breaks SAVEPOINT, which push relies on for per-op atomicity.
    dbapi_connection.isolation_level = None


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql(connection.get_execution_options().get("sqlite_begin", "BEGIN"))


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
