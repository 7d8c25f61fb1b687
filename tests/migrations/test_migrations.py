"""Migrations build the schema from nothing on both databases and agree with the models."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from server.db.engine import make_engine
from server.db.migrate import alembic_config, upgrade
from server.db.models import metadata
from server.settings import DatabaseSettings
from tests.databases import scratch_database


def _inspect(url: str, check: Any) -> Any:
    async def run() -> Any:
        engine = make_engine(DatabaseSettings(url=url))
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(check)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def test_there_is_exactly_one_head() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite+aiosqlite://"))
    assert len(script.get_heads()) == 1


def test_upgrade_from_empty_creates_every_table(backend: str, tmp_path: Path) -> None:
    with scratch_database(backend, tmp_path, migrate=False) as url:
        assert _inspect(url, _tables) == set()
        upgrade(url)
        assert _inspect(url, _tables) == set(metadata.tables) | {"alembic_version"}


def test_models_and_migrations_agree(empty_database_url: str) -> None:
    assert _inspect(empty_database_url, _differences) == []


def test_downgrade_to_base_and_back(empty_database_url: str) -> None:
    config = alembic_config(empty_database_url)
    command.downgrade(config, "base")
    assert _inspect(empty_database_url, _tables) == {"alembic_version"}
    command.upgrade(config, "head")
    assert _inspect(empty_database_url, _differences) == []
