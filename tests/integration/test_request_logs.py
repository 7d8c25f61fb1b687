"""Request ids: taken from X-Request-ID or made, echoed in the response, and on every log
line of the request, in the text format and in JSON (read from a real server's log)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.app import create_app
from tests.conftest import BASE_URL, settings_for
from tests.servers import Server, server_env

Client = TestClient[Litestar]


def test_the_request_id_is_echoed_or_made(client: Client) -> None:
    sent = client.get("/healthz", headers={"X-Request-ID": "desk-7f3a.42"})
    assert sent.headers["x-request-id"] == "desk-7f3a.42"
    made = client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])
    assert made.headers["x-request-id"] != client.get("/healthz").headers["x-request-id"]
    # An id that could forge log lines is replaced, not logged.
    forged = client.get("/healthz", headers={"X-Request-ID": "x y\tinjected"})
    assert re.fullmatch(r"[0-9a-f]{32}", forged.headers["x-request-id"])
    missing = client.get("/no/such/page", headers={"X-Request-ID": "lost-1"})
    assert (missing.status_code, missing.headers["x-request-id"]) == (404, "lost-1")


def test_text_lines_carry_the_request_id(
    demo_database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocked = tmp_path / "blobs"
    blocked.write_text("in the way")
    settings = settings_for(demo_database_url, tmp_path, ROUNDS_BLOB_DIR=str(blocked))
    with TestClient(create_app(settings), base_url=BASE_URL) as client:
        capsys.readouterr()
        response = client.get("/readyz", headers={"X-Request-ID": "text-check-1"})
    assert response.status_code == 503
    lines = [line for line in capsys.readouterr().err.splitlines() if "rounds.health" in line]
    assert lines, "the failing check logs a warning"
    assert all("[text-check-1]" in line for line in lines), lines


JOB_INTERVALS = (
    "ROUNDS_PUSH_INTERVAL_SECONDS",
    "ROUNDS_SLA_INTERVAL_SECONDS",
    "ROUNDS_PM_INTERVAL_SECONDS",
    "ROUNDS_PATROL_INTERVAL_SECONDS",
    "ROUNDS_CHANGE_PURGE_INTERVAL_SECONDS",
)


@pytest.mark.slow
def test_json_lines_of_a_real_server_carry_the_request_id(
    demo_database_url: str, tmp_path: Path
) -> None:
    blocked = tmp_path / "blobs"
    blocked.write_text("in the way")
    url = demo_database_url
    state = tmp_path / "state"
    # No recurring jobs: this server shares the demo database, and a job lease it took would
    # keep that job from the tests that run after it for the lease's length (180 s).
    env = server_env(
        url,
        state,
        ROUNDS_LOG_FORMAT="json",
        ROUNDS_BLOB_DIR=str(blocked),
        **dict.fromkeys(JOB_INTERVALS, "0"),
    )
    server = Server(env, workers=1)
    server.start()
    try:
        response = httpx.get(
            f"{server.base}/readyz", headers={"X-Request-ID": "json-check-1"}, timeout=30
        )
        assert response.headers["x-request-id"] == "json-check-1"
        log = state / f"server-{server.port}.log"
        deadline = time.monotonic() + 30
        mine: list[dict[str, object]] = []
        while time.monotonic() < deadline and len({line["logger"] for line in mine}) < 2:
            entries = [json.loads(line) for line in log.read_text().splitlines() if line]
            mine = [entry for entry in entries if entry["request_id"] == "json-check-1"]
            time.sleep(0.1)
    finally:
        server.stop()
    loggers = {entry["logger"] for entry in mine}
    assert {"rounds.health", "uvicorn.access"} <= loggers, mine
    assert all({"time", "level", "message"} <= entry.keys() for entry in mine)
