"""The verification report and the statement check against real pushes, on both databases:
a tampered op and a removed op are chain breaks with their hashes; a contractor manager
never reads another contractor's guards."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import text

from server.app import create_app
from server.db.engine import make_engine
from server.settings import DatabaseSettings
from tests.conftest import BASE_URL, api_login, settings_for
from tests.databases import load_small_demo, scratch_database
from tests.phone import Phone

pytestmark = pytest.mark.db
Client = TestClient[Litestar]


@pytest.fixture(scope="module")
def world(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Client, str]]:
    directory = tmp_path_factory.mktemp(f"verify-{backend}")
    with scratch_database(backend, directory) as url:
        asyncio.run(load_small_demo(url))
        app = create_app(settings_for(url, directory / "state"))
        with TestClient(app, base_url=BASE_URL) as client:
            yield client, url


async def _sql(url: str, statement: str, **params: Any) -> list[Any]:
    engine = make_engine(DatabaseSettings(url=url))
    try:
        async with engine.begin() as conn:
            result = await conn.execute(text(statement), params)
            return list(result) if result.returns_rows else []
    finally:
        await engine.dispose()


def sql(url: str, statement: str, **params: Any) -> list[Any]:
    return asyncio.run(_sql(url, statement, **params))


def month() -> str:
    return datetime.now(UTC).strftime("%Y-%m")


def guard_id(client: Client) -> str:
    me = client.get("/api/v1/auth/me", headers=api_login(client, "G0001")).json()
    return str(me["id"])


def push_scans(client: Client, count: int) -> list[dict[str, Any]]:
    phone = Phone(client, "G0001")
    ops = [
        phone.op(
            "patrol.scan_checkpoint",
            {"scan_id": str(uuid.uuid4()), "payload": f"CP-{n}", "method": "qr"},
        )
        for n in range(count)
    ]
    assert len(phone.results(ops)) == count
    return ops


def report(client: Client, who: str = "D0001") -> dict[str, Any]:
    response = client.get(
        "/api/v1/patrol/verification",
        headers=api_login(client, who),
        params={"guard_id": guard_id(client), "month": month()},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_tampered_and_removed_ops_are_chain_breaks(world: tuple[Client, str]) -> None:
    client, url = world
    before = report(client)["counts"]
    assert not {"altered_op", "chain_break", "seq_gap"} & set(before)
    ops = push_scans(client, 5)
    assert not {"altered_op", "chain_break", "seq_gap"} & set(report(client)["counts"])

    edited = ops[1]["op_id"]
    stored = sql(url, "SELECT raw, op_hash FROM sync_op WHERE op_id = :id", id=_uuid(url, edited))
    raw, original_hash = stored[0]
    sql(
        url,
        "UPDATE sync_op SET raw = :raw WHERE op_id = :id",
        raw=raw.replace('"CP-1"', '"CP-9"'),
        id=_uuid(url, edited),
    )
    sql(url, "DELETE FROM sync_op WHERE op_id = :id", id=_uuid(url, ops[3]["op_id"]))

    found = report(client)["findings"]
    altered = [f for f in found if f["kind"] == "altered_op"]
    assert [f["record_ids"] for f in altered] == [[edited]]
    assert altered[0]["op_hashes"][0] == original_hash
    gaps = [f for f in found if f["kind"] == "seq_gap"]
    assert [f["record_ids"] for f in gaps] == [[ops[4]["op_id"]]]
    assert "Seqs 4 to 4" in gaps[0]["message"]

    # The statement check: the untouched op matches, the edited one is altered, a made-up
    # hash is unknown.
    check = client.post(
        "/api/v1/patrol/statement/check",
        headers=api_login(client, "M0001"),
        json={"text": f"{_hash(url, ops[0])}\n{original_hash}\n{'0' * 64}"},
    )
    assert check.status_code == 200, check.text
    assert [r["status"] for r in check.json()] == ["match", "altered", "unknown"]


def test_a_contractor_manager_sees_only_their_own_guards(world: tuple[Client, str]) -> None:
    client, url = world
    ops = push_scans(client, 1)
    assert report(client, "M0001")["guard_id"] == guard_id(client)
    for path in (
        "/api/v1/patrol/verification",
        "/api/v1/patrol/attendance",
        "/api/v1/patrol/statement",
    ):
        other = client.get(
            path,
            headers=api_login(client, "M0002"),
            params={"guard_id": guard_id(client), "month": month()},
        )
        assert other.status_code == 404, path
    # Another contractor's manager learns nothing of the hash either.
    check = client.post(
        "/api/v1/patrol/statement/check",
        headers=api_login(client, "M0002"),
        json={"lines": [{"op_hash": _hash(url, ops[0])}]},
    )
    assert [r["status"] for r in check.json()] == ["unknown"]
    own = client.get(
        "/api/v1/patrol/statement",
        headers=api_login(client, "G0001"),
        params={"guard_id": guard_id(client), "month": month()},
    )
    assert own.status_code == 200
    assert (
        client.get(
            "/api/v1/patrol/verification",
            headers=api_login(client, "G0001"),
            params={"guard_id": guard_id(client)},
        ).status_code
        == 403
    )


def _uuid(url: str, value: str) -> Any:
    return value.replace("-", "") if url.startswith("sqlite") else uuid.UUID(value)


def _hash(url: str, op: dict[str, Any]) -> str:
    rows = sql(url, "SELECT op_hash FROM sync_op WHERE op_id = :id", id=_uuid(url, op["op_id"]))
    return str(rows[0][0])
