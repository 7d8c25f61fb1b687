"""/metrics: real requests move the counters; what describes the database is read from it
at the scrape; two server processes add up; the optional token is enforced."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import func, select, text
from sqlmodel import col

from server.app import create_app
from server.db.engine import make_engine
from server.db.models import Conflict
from server.settings import DatabaseSettings
from tests.conftest import BASE_URL, settings_for
from tests.databases import load_small_demo, scratch_database
from tests.metrics_text import Samples, parse, value
from tests.phone import Phone
from tests.servers import Server, server_env

Client = TestClient[Litestar]
LATENCY = "rounds_http_request_duration_seconds_count"
UUID_IN_PATH = re.compile(r"/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def scrape(client: Any, **headers: str) -> Samples:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return parse(response.text)


def open_conflicts(url: str) -> int:
    async def count() -> int:
        engine = make_engine_for(url)
        try:
            async with engine.connect() as connection:
                found = await connection.scalar(
                    select(func.count()).select_from(Conflict).where(col(Conflict.status) == "open")
                )
                return int(found or 0)
        finally:
            await engine.dispose()

    return asyncio.run(count())


def make_engine_for(url: str) -> Any:
    return make_engine(DatabaseSettings(url=url))


def test_requests_pushes_and_pulls_move_the_counters(
    client: Client, demo_database_url: str
) -> None:
    before = scrape(client)
    phone = Phone(client, "T0001")
    asset = client.get("/api/v1/assets", headers=phone.headers, params={"limit": 1}).json()
    asset_id = asset["items"][0]["id"]
    note = phone.op("asset.add_note", {"asset_id": asset_id, "text": "Belt squeals at start"})
    refused = phone.op("asset.add_note", {"asset_id": asset_id})  # no text: rejected
    statuses = [r["status"] for r in phone.results([note, refused])]
    page = phone.pull_page(limit=50)
    after = scrape(client)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert statuses[0] == "applied"
    assert moved("rounds_sync_push_ops_total", status="applied") == 1
    assert moved("rounds_sync_push_ops_total", status=statuses[1]) == 1
    assert moved("rounds_sync_pull_pages_total") == 1
    assert moved("rounds_sync_pull_rows_total") == len(page["changes"]) > 0
    assert moved(LATENCY, method="POST", route="/api/v1/sync/push", status="200") == 1
    assert moved(LATENCY, method="GET", route="/api/v1/sync/pull", status="200") == 1
    assert moved(LATENCY, method="GET", route="/api/v1/assets", status="200") == 1
    # By route template: one series for every asset (`/api/v1/assets/{asset_id:uuid}` when
    # one was read), never one per id.
    routes = {dict(labels).get("route", "") for _, labels in after}
    assert not any(UUID_IN_PATH.search(route) for route in routes), routes
    assert value(after, "rounds_sync_conflicts_open") == open_conflicts(demo_database_url)
    assert value(after, "rounds_sync_horizon_lag_seconds") >= 0


HELD_SECONDS = 0.5


def test_a_long_transaction_shows_as_horizon_lag(
    backend: str, client: Client, demo_database_url: str
) -> None:
    if backend == "sqlite":
        samples = scrape(client)
        assert value(samples, "rounds_sync_horizon_lag_transactions") == 0
        assert value(samples, "rounds_sync_horizon_lag_seconds") == 0
        return

    async def hold_then_scrape() -> Samples:
        engine = make_engine_for(demo_database_url)
        try:
            async with engine.connect() as held:
                await held.execute(text("SELECT pg_current_xact_id()"))  # takes an xid
                async with engine.begin() as other:  # a later transaction commits
                    await other.execute(text("SELECT pg_current_xact_id()"))
                # The held transaction is at least this old when the scrape reads it, so
                # the lag is measured, not rounding noise.
                await asyncio.sleep(HELD_SECONDS)
                return await asyncio.to_thread(scrape, client)
        finally:
            await engine.dispose()

    samples = asyncio.run(hold_then_scrape())
    assert value(samples, "rounds_sync_horizon_lag_transactions") >= 1
    assert value(samples, "rounds_sync_horizon_lag_seconds") >= HELD_SECONDS


def test_the_metrics_token_is_required_when_set(demo_database_url: str, tmp_path: Path) -> None:
    settings = settings_for(demo_database_url, tmp_path, ROUNDS_METRICS_TOKEN="s3cret-scrape")
    with TestClient(create_app(settings), base_url=BASE_URL) as client:
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert scrape(client, Authorization="Bearer s3cret-scrape")


@pytest.mark.slow
def test_two_server_processes_add_up(backend: str, tmp_path: Path) -> None:
    with scratch_database(backend, tmp_path) as url:
        asyncio.run(load_small_demo(url))
        env = server_env(
            url,
            tmp_path / "state",
            ROUNDS_SLA_INTERVAL_SECONDS="1",
            ROUNDS_PM_INTERVAL_SECONDS="0",
            ROUNDS_PATROL_INTERVAL_SECONDS="0",
            ROUNDS_PUSH_INTERVAL_SECONDS="0",
        )
        first, second = Server(env, workers=1), Server(env, workers=1)
        first.start()
        second.start()
        try:
            with (
                httpx.Client(base_url=first.base, timeout=30) as one,
                httpx.Client(base_url=second.base, timeout=30) as two,
            ):
                for http, pulls in ((one, 3), (two, 2)):
                    phone = Phone(http, "T0001")
                    for _ in range(pulls):
                        phone.pull_page(limit=20)
                route = {"method": "GET", "route": "/api/v1/sync/pull", "status": "200"}
                for http in (one, two):
                    samples = scrape(http)
                    assert value(samples, LATENCY, **route) == 5
                    assert value(samples, "rounds_sync_pull_pages_total") == 5
                # The SLA check runs every second on whichever process holds its lease.
                deadline = time.monotonic() + 60
                ran = 0.0
                while time.monotonic() < deadline and ran < 2:
                    samples = scrape(one)
                    ran = value(samples, "rounds_job_runs_total", job="sla-check", outcome="ran")
                    time.sleep(0.2)
                assert ran >= 2
                assert (
                    value(samples, "rounds_job_runs_total", job="sla-check", outcome="failed") == 0
                )
        finally:
            first.stop()
            second.stop()
