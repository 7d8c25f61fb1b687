"""Imports change master data, so they get a demo hospital of their own per backend."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.ext.asyncio import AsyncSession

from server.app import create_app
from server.db.engine import make_engine, make_session_factory
from server.settings import Settings
from tests.conftest import BASE_URL, settings_for
from tests.databases import load_small_demo, scratch_database

T = TypeVar("T")


@pytest.fixture(scope="module")
def import_settings(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    directory = tmp_path_factory.mktemp(f"imports-{backend}")
    with scratch_database(backend, directory) as url:
        asyncio.run(load_small_demo(url))
        yield settings_for(url, directory / "state")


@pytest.fixture(scope="module")
def import_client(import_settings: Settings) -> Iterator[TestClient[Litestar]]:
    with TestClient(app=create_app(import_settings), base_url=BASE_URL) as client:
        yield client


def run_in_session(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """`work` in a transaction of its own, committed (as the CLI and console do)."""

    async def run() -> T:
        engine = make_engine(settings.database)
        try:
            async with make_session_factory(engine)() as session:
                result = await work(session)
                await session.commit()
                return result
        finally:
            await engine.dispose()

    return asyncio.run(run())


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
