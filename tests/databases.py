"""Real test databases: a SQLite file or a PostgreSQL database, made and dropped per use."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import pytest

from server.db.demo import DemoSize, load_demo
from server.db.engine import make_engine
from server.db.migrate import upgrade
from server.settings import DatabaseSettings

BACKENDS = ("sqlite", "postgresql")
PG_SERVER = os.environ.get("ROUNDS_TEST_PG", "postgresql://postgres@127.0.0.1:5432")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


async def _pg_admin(sql: str) -> None:
    connection = await asyncpg.connect(f"{PG_SERVER}/postgres", timeout=10)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def missing_service(what: str) -> None:
    """A service the tests need is not there: a failure with CI=true, else a skip that says
    what is missing (a laptop without PostgreSQL still runs the SQLite half)."""
    if in_ci():
        pytest.fail(f"{what} (CI=true: a missing service is a failure)")
    pytest.skip(what)


PG_MISSING = "PostgreSQL is not reachable at 127.0.0.1:5432"


def pg_reachable() -> bool:
    try:
        asyncio.run(_pg_admin("SELECT 1"))
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    return True


def async_url(backend: str, name: str, directory: Path) -> str:
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{directory / (name + '.db')}"
    return f"postgresql+asyncpg://{PG_SERVER.split('://', 1)[1]}/{name}"


@contextmanager
def scratch_database(backend: str, directory: Path, *, migrate: bool = True) -> Iterator[str]:
    """Yield the URL of a new database (migrated to head unless told not to); drop it after."""
    name = f"rounds_test_{uuid.uuid4().hex[:12]}"
    if backend == "postgresql":
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    url = async_url(backend, name, directory)
    try:
        if migrate:
            upgrade(url)
        yield url
    finally:
        if backend == "postgresql":
            asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def load_small_demo(url: str) -> None:
    """The small demo hospital into a migrated, empty database."""
    engine = make_engine(DatabaseSettings(url=url))
    try:
        await load_demo(engine, DemoSize.SMALL)
    finally:
        await engine.dispose()
