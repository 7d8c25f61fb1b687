"""The change-log purge is a recurring job under the database lease: with three server
processes on one database it runs once per interval, on one of them, never twice."""

from __future__ import annotations

import asyncio
import time
from contextlib import ExitStack
from datetime import datetime
from itertools import pairwise
from pathlib import Path

from litestar.testing import TestClient
from sqlalchemy import text

from server.app import create_app
from server.db.engine import make_engine
from server.settings import DatabaseSettings
from tests.conftest import BASE_URL, settings_for
from tests.databases import load_small_demo, scratch_database
from tests.phone import Phone
from tests.servers import Server, server_env

INTERVAL = 3.0
RUNS = 5


def _query(url: str, sql: str) -> list[tuple[object, ...]]:
    async def read() -> list[tuple[object, ...]]:
        engine = make_engine(DatabaseSettings(url=url))
        try:
            async with engine.connect() as connection:
                return [tuple(row) for row in (await connection.execute(text(sql))).all()]
        finally:
            await engine.dispose()

    return asyncio.run(read())


def _runs(url: str) -> list[tuple[str, datetime]]:
    rows = _query(
        url, "SELECT holder, ran_at FROM job_run WHERE name = 'change-purge' ORDER BY ran_at"
    )
    return [(str(holder), _as_datetime(ran_at)) for holder, ran_at in rows]


def _as_datetime(value: object) -> datetime:
    # SQLite hands back the stored text; PostgreSQL a datetime.
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _make_changes(url: str, state: Path) -> None:
    with TestClient(create_app(settings_for(url, state)), base_url=BASE_URL) as client:
        phone = Phone(client, "T0001")
        phone.pull_all()
        asset_id = next(iter(phone.of_type("asset")))
        notes = [phone.op("asset.add_note", {"asset_id": asset_id, "text": "purged"})]
        assert phone.results(notes)[0]["status"] == "applied"


def test_three_servers_purge_the_change_log_once_per_interval(backend: str, tmp_path: Path) -> None:
    with scratch_database(backend, tmp_path) as url:
        asyncio.run(load_small_demo(url))
        _make_changes(url, tmp_path / "state")
        assert _query(url, "SELECT count(*) FROM sync_change")[0][0] > 0
        env = server_env(
            url,
            tmp_path / "state",
            ROUNDS_CHANGE_PURGE_INTERVAL_SECONDS=str(INTERVAL),
            ROUNDS_CHANGE_RETENTION_DAYS="0",  # every settled change is old enough
        )
        with ExitStack() as stack:
            for _ in range(3):
                server = Server(env, workers=1)
                server.start()
                stack.callback(server.stop)
            all_up = len(_runs(url))
            deadline = time.monotonic() + 120
            while len(_runs(url)) < all_up + RUNS and time.monotonic() < deadline:
                time.sleep(0.5)
        runs = _runs(url)
        assert _query(url, "SELECT count(*) FROM sync_change")[0][0] == 0  # it did purge

    assert len(runs) >= all_up + RUNS, runs
    assert len({holder for holder, _ in runs}) == 1  # the lease keeps it on one worker
    gaps = [(b - a).total_seconds() for (_, a), (_, b) in pairwise(runs)]
    # Never twice in one interval, never an interval skipped (allowing a loaded machine).
    assert all(INTERVAL * 0.8 <= gap < INTERVAL * 1.9 for gap in gaps), gaps
