"""/readyz names what is wrong when a dependency really fails: the database behind a cut
connection (or a file that cannot be opened), the blob directory blocked by a file, the
S3 server stopped, Redis refusing connections. /healthz stays the liveness probe."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.engine import make_url

from server.app import create_app
from server.settings import Settings
from tests.blob_stores import S3Server, start_s3
from tests.conftest import BASE_URL, settings_for
from tests.tcp_proxy import TcpProxy

Client = TestClient[Litestar]
Proxy = Callable[[int], TcpProxy]


def _client(settings: Settings) -> TestClient[Litestar]:
    return TestClient(create_app(settings), base_url=BASE_URL)


def _ready(client: Client) -> tuple[int, dict[str, object]]:
    response = client.get("/readyz")
    assert response.headers["cache-control"] == "no-store"
    body: dict[str, object] = response.json()
    return response.status_code, body


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    """Start a TCP proxy to a local port; every one is closed after the test."""
    made: list[TcpProxy] = []

    def make(port: int) -> TcpProxy:
        made.append(TcpProxy("127.0.0.1", port))
        made[-1].start()
        return made[-1]

    yield make
    for each in made:
        each.close()


def test_ready_lists_every_check(demo_database_url: str, tmp_path: Path) -> None:
    settings = settings_for(
        demo_database_url, tmp_path, ROUNDS_REDIS_URL="redis://127.0.0.1:6379/0"
    )
    with _client(settings) as client:
        status, body = _ready(client)
        assert client.get("/healthz").status_code == 200
    assert status == 200, body
    assert body == {
        "status": "ready",
        "failing": [],
        "checks": {
            "database": {"status": "ok"},
            "redis": {"status": "ok"},
            "blob_storage": {"status": "ok"},
        },
    }


def test_an_unreachable_database_is_named(
    backend: str, demo_database_url: str, tmp_path: Path, proxy: Proxy
) -> None:
    if backend == "postgresql":
        url = make_url(demo_database_url)
        through = proxy(url.port or 5432)
        settings = settings_for(url.set(port=through.port).render_as_string(False), tmp_path)
        with _client(settings) as client:
            assert _ready(client)[0] == 200
            through.cut()
            status, body = _ready(client)
            assert (status, body["failing"]) == (503, ["database"]), body
            through.start()
            assert _ready(client)[0] == 200
    else:
        missing = tmp_path / "no-such-directory" / "rounds.db"
        settings = settings_for(f"sqlite+aiosqlite:///{missing}", tmp_path)
        with _client(settings) as client:
            status, body = _ready(client)
        assert (status, body["failing"]) == (503, ["database"]), body
    checks = body["checks"]
    assert isinstance(checks, dict)
    assert checks["database"]["status"] == "failing"
    assert checks["blob_storage"] == {"status": "ok"}


def test_redis_cut_off_is_named(demo_database_url: str, tmp_path: Path, proxy: Proxy) -> None:
    through = proxy(6379)
    settings = settings_for(
        demo_database_url, tmp_path, ROUNDS_REDIS_URL=f"redis://127.0.0.1:{through.port}/0"
    )
    with _client(settings) as client:
        assert _ready(client)[0] == 200
        # New connections are refused; the live channel's open subscription is left alone
        # (cut, Litestar's Redis channel backend dies and fails the app's shutdown).
        through.refuse()
        status, body = _ready(client)
        assert (status, body["failing"]) == (503, ["redis"]), body
        through.start()
        assert _ready(client)[0] == 200


def test_a_blob_directory_that_cannot_be_written_is_named(
    demo_database_url: str, tmp_path: Path
) -> None:
    blocked = tmp_path / "blobs"
    blocked.write_text("a file where the blob directory should be")
    settings = settings_for(demo_database_url, tmp_path, ROUNDS_BLOB_DIR=str(blocked))
    with _client(settings) as client:
        status, body = _ready(client)
        assert client.get("/healthz").status_code == 200  # alive, just not ready
    assert (status, body["failing"]) == (503, ["blob_storage"]), body


def test_a_stopped_s3_server_is_named(demo_database_url: str, tmp_path: Path) -> None:
    server = start_s3(tmp_path / "moto.log")
    s3: S3Server = next(server)
    settings = settings_for(demo_database_url, tmp_path, **s3.env(s3.new_bucket()))
    with _client(settings) as client:
        assert _ready(client)[0] == 200
        server.close()  # moto_server is terminated
        status, body = _ready(client)
    assert (status, body["failing"]) == (503, ["blob_storage"]), body
