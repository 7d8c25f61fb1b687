"""A phone that starts a new incarnation sends its unacknowledged ops again, renumbered.

The server answers `duplicate` for the ones it already holds (from any stream); such an op
still takes its place in the new stream, so the ops numbered after it apply instead of
waiting forever on a gap (sync/PROTOCOL.md, "Push").
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from sync.chain import op_hash
from tests.phone import Phone

Client = TestClient[Litestar]


def _asset_id(phone: Phone) -> str:
    response = phone.http.get("/api/v1/assets", headers=phone.headers, params={"limit": 1})
    asset_id: str = response.json()["items"][0]["id"]
    return asset_id


def _renumbered(phone: Phone, ops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same ops in a new incarnation: seq from 1, the chain from empty, ids kept."""
    phone.incarnation, phone.seq, phone.last_hash = uuid.uuid4(), 0, ""
    moved = []
    for op in ops:
        phone.seq += 1
        body = {**op, "incarnation": str(phone.incarnation), "seq": phone.seq}
        body["prev_hash"] = phone.last_hash
        phone.last_hash = op_hash(body)
        moved.append(body)
    return moved


def _notes(phone: Phone, asset_id: str) -> str:
    phone.pull_all()
    notes: str = phone.of_type("asset")[asset_id].get("notes") or ""
    return notes


def test_duplicates_keep_their_place_so_the_ops_after_them_apply(client: Client) -> None:
    phone = Phone(client, "T0001")
    asset_id = _asset_id(phone)
    run = uuid.uuid4().hex[:8]  # other tests write notes on the same asset
    held = [
        phone.op("asset.add_note", {"asset_id": asset_id, "text": f"{run} held {i}"})
        for i in (1, 2)
    ]
    assert [r["status"] for r in phone.results(held)] == ["applied", "applied"]
    never_sent = phone.op("asset.add_note", {"asset_id": asset_id, "text": f"{run} never sent"})

    moved = _renumbered(phone, [*held, never_sent])
    results = phone.results(moved)
    assert [r["status"] for r in results] == ["duplicate", "duplicate", "applied"]
    assert [r["outcome"]["status"] for r in results[:2]] == ["applied", "applied"]

    # The stream went on from the duplicates: the next op follows, chained to them.
    after = phone.op("asset.add_note", {"asset_id": asset_id, "text": f"{run} after"})
    assert after["seq"] == 4
    assert [r["status"] for r in phone.results([after])] == ["applied"]
    notes = _notes(phone, asset_id)
    texts = ("held 1", "held 2", "never sent", "after")
    assert [notes.count(f"{run} {text}") for text in texts] == [
        1,
        1,
        1,
        1,
    ]
    assert phone.acked == 4


def test_a_stream_of_duplicates_alone_still_advances(client: Client) -> None:
    phone = Phone(client, "T0001")
    asset_id = _asset_id(phone)
    held = [phone.op("asset.add_note", {"asset_id": asset_id, "text": "once"})]
    assert phone.results(held)[0]["status"] == "applied"
    assert [r["status"] for r in phone.results(_renumbered(phone, held))] == ["duplicate"]
    # A later batch carries on at seq 2, not back at 1.
    after = phone.op("asset.add_note", {"asset_id": asset_id, "text": "later"})
    assert [r["status"] for r in phone.results([after])] == ["applied"]


def test_a_duplicate_out_of_place_does_not_move_the_stream(client: Client) -> None:
    phone = Phone(client, "T0001")
    asset_id = _asset_id(phone)
    first = phone.op("asset.add_note", {"asset_id": asset_id, "text": "first"})
    second = phone.op("asset.add_note", {"asset_id": asset_id, "text": "second"})
    assert [r["status"] for r in phone.results([first, second])] == ["applied", "applied"]
    # The same ops again (a lost response): duplicates, and seq 3 is still what comes next.
    assert [r["status"] for r in phone.results([second, first])] == ["duplicate", "duplicate"]
    third = phone.op("asset.add_note", {"asset_id": asset_id, "text": "third"})
    assert [r["status"] for r in phone.results([third])] == ["applied"]
