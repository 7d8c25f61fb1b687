"""One op never blocks a stream: whatever a phone sends, its valid ops still apply.

A poison op is one the server cannot apply: its database refuses a value (an id already
taken, a string longer than PostgreSQL's column), it names an op this server lacks, its
args do not fit, or it does not even parse. Each is stored with a refusal and the
stream moves past it; the batch never fails with a 500.
"""

from __future__ import annotations

import uuid
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import TestClient

from tests.conftest import api_login
from tests.phone import Phone

Client = TestClient[Litestar]
POISONS = ("taken_id", "long_clock", "unreadable", "unknown_op", "bad_args")


def _an_asset_and_location(phone: Phone) -> tuple[str, str]:
    asset = phone.http.get("/api/v1/assets", headers=phone.headers, params={"limit": 1}).json()
    item = asset["items"][0]
    return item["id"], item["location_id"]


def _notes(phone: Phone, asset_id: str) -> list[str]:
    detail = phone.http.get(f"/api/v1/assets/{asset_id}", headers=phone.headers).json()
    notes: str = detail["asset"]["notes"]
    return notes.splitlines()


def _report(phone: Phone, order_id: str, location_id: str, text: str) -> dict[str, Any]:
    return phone.op(
        "work_order.report",
        {"work_order_id": order_id, "location_id": location_id, "description": text},
    )


def _poison(phone: Phone, kind: str, asset_id: str, location_id: str, taken: str) -> Any:
    """An op the server cannot apply, of the given kind (a dict, or raw text for JSON that
    is not an op)."""
    if kind == "taken_id":  # the database refuses a second order under the same id
        return _report(phone, taken, location_id, "reported twice under one id")
    if kind == "long_clock":  # 90 characters into the field history's 80 on PostgreSQL
        op = phone.op("asset.add_note", {"asset_id": asset_id, "text": "long clock"})
        op["hlc"] = f"{op['hlc']}{'x' * 60}"
        return op
    if kind == "unreadable":  # the phone's own bug: client_time as a number
        op = phone.op("asset.add_note", {"asset_id": asset_id, "text": "unreadable"})
        op["client_time"] = 1_764_000_000
        return op
    if kind == "unknown_op":
        return phone.op("asset.teleport", {"asset_id": asset_id})
    return phone.op("asset.add_note", {"asset_id": asset_id, "text": ""})  # bad_args


def test_a_database_refusal_rejects_that_op_alone(client: Client, backend: str) -> None:
    phone = Phone(client, "T0001")
    asset_id, location_id = _an_asset_and_location(phone)
    order_id = str(uuid.uuid4())
    first = _report(phone, order_id, location_id, "Socket sparks in bay 3")
    before = phone.op("asset.add_note", {"asset_id": asset_id, "text": f"before {order_id}"})
    twice = _report(phone, order_id, location_id, "the same id again")
    long_clock = _poison(phone, "long_clock", asset_id, location_id, order_id)
    after = phone.op("asset.add_note", {"asset_id": asset_id, "text": f"after {order_id}"})

    response = phone.push([first, before, twice, long_clock, after])

    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["status"] for r in results[:3]] == ["applied", "applied", "rejected"]
    assert results[2]["code"] == "data_conflict"
    assert "desk" in results[2]["message"]
    if backend == "postgresql":  # SQLite does not bound the length of a string
        assert (results[3]["status"], results[3]["code"]) == ("rejected", "invalid_data")
    assert results[4]["status"] == "applied"
    assert response.json()["last_seq"] == after["seq"]
    desk = api_login(client, "D0001")
    order = client.get(f"/api/v1/work-orders/{order_id}", headers=desk).json()
    assert order["order"]["description"] == "Socket sparks in bay 3"
    lines = _notes(phone, asset_id)
    assert sum(f"before {order_id}" in line for line in lines) == 1
    assert sum(f"after {order_id}" in line for line in lines) == 1
    inbox = client.get("/api/v1/sync/inbox", headers=phone.headers).json()
    assert twice["op_id"] in {entry["op_id"] for entry in inbox}


def test_an_unreadable_op_with_a_readable_seq_keeps_its_place(client: Client) -> None:
    phone = Phone(client, "T0001")
    asset_id, location_id = _an_asset_and_location(phone)
    first = phone.op("asset.add_note", {"asset_id": asset_id, "text": "first"})
    broken = _poison(phone, "unreadable", asset_id, location_id, "")
    third = phone.op("asset.add_note", {"asset_id": asset_id, "text": "third"})

    results = phone.results([first, broken, third])

    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert results[1]["code"] == "invalid_op"
    # Sent again, the unreadable op is known by its id: nothing waits behind it.
    again = phone.results([broken, third])
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    assert again[0]["outcome"]["code"] == "invalid_op"


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    plan=st.lists(st.sampled_from(("valid", *POISONS)), min_size=1, max_size=14),
    batch_sizes=st.lists(st.integers(1, 5), min_size=1, max_size=6),
)
def test_poison_ops_never_stop_the_valid_ones(
    client: Client, plan: list[str], batch_sizes: list[int]
) -> None:
    phone = Phone(client, "T0001")
    run = uuid.uuid4().hex[:8]
    asset_id, location_id = _an_asset_and_location(phone)
    taken = str(uuid.uuid4())
    assert phone.results([_report(phone, taken, location_id, f"{run} taken")])[0]["status"] == (
        "applied"
    )
    ops: list[dict[str, Any]] = []
    valid: list[str] = []
    for index, kind in enumerate(plan):
        if kind == "valid":
            text = f"{run}-{index}"
            valid.append(text)
            ops.append(phone.op("asset.add_note", {"asset_id": asset_id, "text": text}))
        else:
            ops.append(_poison(phone, kind, asset_id, location_id, taken))

    sent = 0
    sizes = iter(batch_sizes * (len(ops) + 1))
    while sent < len(ops):
        batch = ops[sent : sent + next(sizes)]
        response = phone.push(batch)
        assert response.status_code == 200, response.text
        results = response.json()["results"]
        assert "seq_gap" not in {r["status"] for r in results}
        assert {r["status"] for r in results} <= {"applied", "rejected"}
        sent += len(batch)
    assert response.json()["last_seq"] == len(ops) + 1  # the stream moved past every op

    mine = [line.rsplit("] ", 1)[1] for line in _notes(phone, asset_id) if f"] {run}-" in line]
    assert mine == valid  # each valid op once, in seq order
    stored = phone.results(ops)  # every op, poison included, is kept with its outcome
    assert {r["status"] for r in stored} == {"duplicate"}
    expected = {"applied" if kind == "valid" else "rejected" for kind in plan}
    if "long_clock" in plan:
        expected.add("applied")  # SQLite keeps the long clock string
    assert {r["outcome"]["status"] for r in stored} <= expected
    assert [
        r["outcome"]["status"] for r, kind in zip(stored, plan, strict=True) if kind == "valid"
    ] == ["applied"] * len(valid)
