"""`rounds demo load --locale zh-CN`: the same hospital with Chinese names, codes unchanged,
and the console pages showing them. Real CLI, real HTTP, both databases."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.app import create_app
from tests.conftest import BASE_URL, api_login, settings_for
from tests.databases import scratch_database
from tests.integration.console_client import console_login, page_text
from tests.servers import ROUNDS, server_env

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def chinese_demo(backend: str, tmp_path: Path) -> Iterator[TestClient[Litestar]]:
    with scratch_database(backend, tmp_path) as url:
        loaded = subprocess.run(
            [ROUNDS, "demo", "load", "--size", "small", "--locale", "zh-CN"],
            env=server_env(url, tmp_path / "state"),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert loaded.returncode == 0, loaded.stderr
        app = create_app(settings_for(url, tmp_path / "app-state"))
        with TestClient(app, base_url=BASE_URL) as client:
            yield client


def all_chinese(names: list[str]) -> bool:
    return bool(names) and all(CHINESE.search(name) for name in names)


def test_a_chinese_load_names_everything_in_chinese_and_keeps_the_codes(
    chinese_demo: TestClient[Litestar],
) -> None:
    client = chinese_demo
    headers = api_login(client, "T0001")  # the same logins
    desk = api_login(client, "D0001")
    me = client.get("/api/v1/auth/me", headers=headers).json()
    assert me["employee_no"] == "T0001"
    assert CHINESE.search(me["name"])
    sites = client.get("/api/v1/sites", headers=desk).json()
    assert {s["code"] for s in sites} == {"EAST", "WEST"}
    assert {s["name"] for s in sites} == {"东院区", "西院区"}
    buildings = client.get("/api/v1/buildings", headers=desk).json()
    assert all_chinese([b["name"] for b in buildings])
    departments = client.get("/api/v1/departments", headers=desk).json()
    assert {d["code"]: d["name"] for d in departments}["ICU"] == "重症医学科"
    checkpoints = client.get("/api/v1/checkpoints", headers=desk, params={"limit": 200}).json()
    items = checkpoints["items"] if isinstance(checkpoints, dict) else checkpoints
    assert all_chinese([c["name"] for c in items])
    orders = client.get("/api/v1/work-orders", headers=desk, params={"limit": 200}).json()
    assert all_chinese([o["description"] for o in orders["items"]])


def test_the_console_pages_render_the_chinese_names(chinese_demo: TestClient[Litestar]) -> None:
    client = chinese_demo
    console_login(client, "D0001")
    client.cookies.set("rounds_lang", "zh")
    assets = page_text(client.get("/desk/assets").text)
    assert "设备台账" in assets
    assert re.search(r"输液泵|病床|监护仪|除颤仪|应急照明灯", assets), "asset names in Chinese"
    people = page_text(client.get("/desk/people").text)
    assert "夏碧雅" in people, "the desk user's Chinese name"
    assert "T0001" in people, "codes stay as they are"
    board = page_text(client.get("/desk/board").text)
    assert CHINESE.search(board)
    intake = page_text(client.get("/desk/board/new").text)
    assert "重症医学科" in intake, "the intake form's departments"
    hits = client.get("/desk/board/new/search", params={"q": "输液"})
    assert "输液泵" in page_text(hits.text), "search-as-you-type finds Chinese names"


def test_the_guards_chinese_incident_still_verifies(chinese_demo: TestClient[Litestar]) -> None:
    """The incident's words are hashed into the guard's chain in Chinese: nothing is
    reported as altered or mismatched, and its work order reads in Chinese."""
    client = chinese_demo
    manager = api_login(client, "M0001")
    contractor = client.get("/api/v1/auth/me", headers=manager).json()["contractor_id"]
    months = {(datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m") for days in (0, 8)}
    for month in sorted(months):
        response = client.get(
            "/api/v1/patrol/verification",
            headers=manager,
            params={"contractor_id": contractor, "month": month},
        )
        assert response.status_code == 200, response.text
        counts = response.json()["counts"]
        assert not {"altered_op", "chain_break", "record_mismatch"} & set(counts), counts
    orders = client.get(
        "/api/v1/work-orders", headers=api_login(client, "D0001"), params={"limit": 200}
    ).json()["items"]
    assert any("防火门关不上" in o["description"] for o in orders)
