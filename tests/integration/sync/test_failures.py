"""Failures in the field: a server killed mid-batch, the database down, an expired token."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import func, select
from sqlmodel import col

from server.app import create_app
from server.db.engine import make_engine
from server.db.models import SyncOp
from server.db.types import utcnow
from server.domain.accounts.tokens import AccessClaims, issue_access_token
from server.settings import DatabaseSettings, Settings
from tests.conftest import BASE_URL, settings_for
from tests.databases import PG_SERVER, load_small_demo, scratch_database
from tests.phone import Phone
from tests.servers import Server, server_env
from tests.tcp_proxy import TcpProxy

Client = TestClient[Litestar]


async def _count_ops(url: str, device_id: uuid.UUID) -> int:
    engine = make_engine(DatabaseSettings(url=url))
    try:
        async with engine.connect() as connection:
            found = await connection.scalar(
                select(func.count()).select_from(SyncOp).where(col(SyncOp.device_id) == device_id)
            )
            return int(found or 0)
    finally:
        await engine.dispose()


def _notes_batch(phone: Phone, http: Any, size: int) -> list[dict[str, Any]]:
    assets = http.get("/api/v1/assets", headers=phone.headers, params={"limit": 50}).json()["items"]
    return [
        phone.op(
            "asset.add_note", {"asset_id": assets[i % len(assets)]["id"], "text": f"kill-test {i}"}
        )
        for i in range(size)
    ]


def _wait_until_a_write_is_open(url: str, timeout_s: float = 30.0) -> None:
    """Return once another connection holds a write transaction open on the database:
    the push's, as nothing else writes meanwhile. Timing alone misses a fast batch."""
    deadline = time.monotonic() + timeout_s
    if url.startswith("sqlite"):
        probe = sqlite3.connect(url.split("///", 1)[1], timeout=0, isolation_level=None)
        try:
            while time.monotonic() < deadline:
                try:
                    probe.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError:  # locked: the push holds the write lock
                    return
                probe.execute("ROLLBACK")
                time.sleep(0.001)
        finally:
            probe.close()
    elif asyncio.run(_pg_write_opens(url, deadline)):
        return
    raise AssertionError("the push never opened its transaction")


async def _pg_write_opens(url: str, deadline: float) -> bool:
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        while time.monotonic() < deadline:
            writing = await connection.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
            )
            if writing:
                return True
            await asyncio.sleep(0.001)
        return False
    finally:
        await connection.close()


def test_a_server_killed_mid_batch_loses_nothing_and_applies_once(
    backend: str, tmp_path: Path
) -> None:
    with scratch_database(backend, tmp_path) as url:
        asyncio.run(load_small_demo(url))
        server = Server(server_env(url, tmp_path / "state"), workers=1)
        server.start()
        try:
            with httpx.Client(base_url=server.base, timeout=120) as http:
                phone = Phone(http, "T0001")
                batch = _notes_batch(phone, http, 500)
                outcome: dict[str, Any] = {}

                def send() -> None:
                    try:
                        outcome["response"] = phone.push(batch)
                    except httpx.TransportError as exc:
                        outcome["error"] = exc

                sender = threading.Thread(target=send)
                sender.start()
                _wait_until_a_write_is_open(url)
                threading.Event().wait(0.01)  # into the batch, far from its commit
                server.kill()
                sender.join(timeout=60)
                assert "error" in outcome, "the kill must land while the batch is in flight"
                # One transaction per batch: all of it or none of it is recorded.
                assert asyncio.run(_count_ops(url, phone.device_id)) in {0, len(batch)}

            server.start()
            with httpx.Client(base_url=server.base, timeout=120) as http:
                phone.http = http
                results = phone.results(batch)
                assert {r["status"] for r in results} <= {"applied", "duplicate"}
                assert asyncio.run(_count_ops(url, phone.device_id)) == len(batch)
                again = phone.results(batch)
                assert {r["status"] for r in again} == {"duplicate"}
        finally:
            server.stop()


@pytest.fixture
def proxied_client(tmp_path: Path) -> Iterator[tuple[Client, TcpProxy]]:
    """A server whose only way to PostgreSQL is a proxy the test can cut."""
    with scratch_database("postgresql", tmp_path) as url:
        asyncio.run(load_small_demo(url))
        host_port = PG_SERVER.rsplit("@", 1)[-1]
        host, port = host_port.split(":")
        proxy = TcpProxy(host, int(port))
        proxy.start()
        proxied_url = url.replace(host_port, f"127.0.0.1:{proxy.port}")
        app = create_app(settings_for(proxied_url, tmp_path / "state"))
        try:
            with TestClient(app, base_url=BASE_URL) as client:
                yield client, proxy
        finally:
            proxy.close()


def test_database_down_during_push_is_a_503_and_nothing_is_lost(
    proxied_client: tuple[Client, TcpProxy],
) -> None:
    """PostgreSQL only: SQLite lives in the server's own process and cannot go down alone."""
    client, proxy = proxied_client
    phone = Phone(client, "T0001")
    batch = _notes_batch(phone, client, 5)
    proxy.cut()
    response = phone.push(batch)
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"
    assert int(response.headers["retry-after"]) > 0
    proxy.start()
    results = phone.results(batch)
    assert [r["status"] for r in results] == ["applied"] * 5


def test_an_expired_token_keeps_the_queue_until_refreshed(
    client: Client, demo_settings: Settings
) -> None:
    phone = Phone(client, "T0002")
    me = client.get("/api/v1/auth/me", headers=phone.headers).json()
    batch = _notes_batch(phone, client, 3)
    phone.token = issue_access_token(
        AccessClaims(uuid.UUID(me["id"]), phone.device_id, uuid.uuid4()),
        secret=demo_settings.auth.secret_key,
        now=utcnow() - timedelta(days=7),  # a week in a basement
        lifetime=timedelta(minutes=15),
    )
    refused = phone.push(batch)
    assert refused.status_code == 401
    assert refused.json()["code"] == "token_expired"
    renewed = client.post("/api/v1/auth/refresh", json={"refresh_token": phone.refresh_token})
    assert renewed.status_code == 200
    phone.token = renewed.json()["access_token"]
    assert [r["status"] for r in phone.results(batch)] == ["applied"] * 3
