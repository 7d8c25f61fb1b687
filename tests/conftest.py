"""Shared fixtures. Every test that touches the database runs on SQLite and on PostgreSQL.

With CI=true an unreachable PostgreSQL fails the run; elsewhere its tests are skipped
with the reason, so a laptop without PostgreSQL can still run the SQLite half.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.app import create_app
from server.db.demo import DEMO_PASSWORD
from server.settings import Settings, load_settings
from tests.blob_stores import S3Server, start_s3
from tests.databases import (
    BACKENDS,
    PG_MISSING,
    load_small_demo,
    missing_service,
    pg_reachable,
    scratch_database,
)

BASE_URL = "https://testserver.local"


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    if name == "postgresql" and not pg_reachable():
        missing_service(PG_MISSING)
    return name


@pytest.fixture
def empty_database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A freshly created and migrated database with no rows."""
    with scratch_database(backend, tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def demo_database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The small demo hospital, loaded once per backend; tests must not rely on changing it."""
    with scratch_database(backend, tmp_path_factory.mktemp(f"demo-{backend}")) as url:
        asyncio.run(load_small_demo(url))
        yield url


def settings_for(url: str, state_dir: Path, **overrides: str) -> Settings:
    env = {
        "ROUNDS_DATABASE_URL": url,
        "ROUNDS_STATE_DIR": str(state_dir),
        "ROUNDS_PUBLIC_URL": "https://rounds.example.org",
        # Tests deliver Web Push themselves; a background run would race them.
        "ROUNDS_PUSH_INTERVAL_SECONDS": "0",
        # Tests run planned-maintenance generation themselves.
        "ROUNDS_PM_INTERVAL_SECONDS": "0",
        "ROUNDS_SLA_INTERVAL_SECONDS": "0",  # tests run the check themselves, at chosen times
        "ROUNDS_PATROL_INTERVAL_SECONDS": "0",  # and the patrol evaluation, at chosen times
        "ROUNDS_CHANGE_PURGE_INTERVAL_SECONDS": "0",  # tests purge the change log themselves
        **overrides,
    }
    return load_settings(env)


@pytest.fixture(scope="session")
def demo_settings(demo_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return settings_for(demo_database_url, tmp_path_factory.mktemp("state"))


@pytest.fixture(scope="session")
def demo_app(demo_settings: Settings) -> Litestar:
    return create_app(demo_settings)


@pytest.fixture
def client(demo_app: Litestar) -> Iterator[TestClient[Litestar]]:
    """Real HTTP through the app against the demo hospital; a new cookie jar per test."""
    with TestClient(demo_app, base_url=BASE_URL) as test_client:
        yield test_client


def api_login(
    client: TestClient[Litestar], employee_no: str, password: str = DEMO_PASSWORD
) -> dict[str, str]:
    """Sign in through the API and return the Authorization header for the session."""
    response = client.post(
        "/api/v1/auth/login", json={"employee_no": employee_no, "password": password}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """A local server speaking the S3 protocol (moto), for the whole session."""
    yield from start_s3(tmp_path_factory.mktemp("moto") / "moto.log")


@pytest.fixture(scope="session", params=["local", "s3"])
def blob_store(request: pytest.FixtureRequest) -> str:
    """Tests that take this run once per blob store: local files and S3."""
    name: str = request.param
    return name


@pytest.fixture(scope="session")
def blob_store_settings(
    blob_store: str,
    demo_database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> Settings:
    """The demo hospital's settings with its blobs in the store under test."""
    env: dict[str, str] = {}
    if blob_store == "s3":
        s3: S3Server = request.getfixturevalue("s3_server")
        env = s3.env(s3.new_bucket())
    return settings_for(demo_database_url, tmp_path_factory.mktemp(f"state-{blob_store}"), **env)


@pytest.fixture(scope="session")
def blob_store_app(blob_store_settings: Settings) -> Litestar:
    return create_app(blob_store_settings)
