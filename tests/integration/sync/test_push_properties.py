"""Property: whatever the network does, each op takes effect exactly once, in per-device order.

Several phones work on one asset. Hypothesis draws how their batches travel: delivered,
lost on the way, answered but the answer lost (the phone retries), or delivered twice.
At the end every phone drains its outbox, and the server's state must equal applying
each op once in each phone's seq order, with an outcome stored for every op.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import TestClient

from tests.phone import Phone

Client = TestClient[Litestar]
FATES = ("delivered", "lost", "answer_lost", "twice")


@dataclass
class Outbox:
    phone: Phone
    ops: list[dict[str, Any]] = field(default_factory=list)
    sent_up_to: int = 0  # index of the first op not known to be received

    def batch(self, size: int, skip: int) -> list[dict[str, Any]]:
        start = min(self.sent_up_to + skip, len(self.ops))
        return self.ops[start : start + size]

    def learn(self, results: list[dict[str, Any]]) -> None:
        for result in results:
            if result["status"] == "seq_gap":
                self.sent_up_to = result["expected_seq"] - 1
                return
            seq = next(op["seq"] for op in self.ops if op["op_id"] == result["op_id"])
            self.sent_up_to = max(self.sent_up_to, seq)


def _travel(client: Client, box: Outbox, batch: list[dict[str, Any]], fate: str) -> None:
    if not batch or fate == "lost":
        return
    response = box.phone.push(batch)
    assert response.status_code == 200, response.text
    if fate == "twice":
        response = box.phone.push(batch)
        assert response.status_code == 200
    if fate != "answer_lost":
        box.learn(response.json()["results"])


schedule = st.lists(
    st.tuples(st.integers(0, 2), st.integers(1, 4), st.integers(0, 2), st.sampled_from(FATES)),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops_per_phone=st.lists(st.integers(1, 6), min_size=2, max_size=3), plan=schedule)
def test_each_op_takes_effect_exactly_once_in_device_order(
    client: Client, ops_per_phone: list[int], plan: list[tuple[int, int, int, str]]
) -> None:
    run = uuid.uuid4().hex[:8]
    boxes = [Outbox(Phone(client, "T0001")) for _ in ops_per_phone]
    asset_id = client.get(
        "/api/v1/assets", headers=boxes[0].phone.headers, params={"limit": 1}
    ).json()["items"][0]["id"]
    for number, (box, count) in enumerate(zip(boxes, ops_per_phone, strict=True)):
        box.ops = [
            box.phone.op("asset.add_note", {"asset_id": asset_id, "text": f"{run}-p{number}-n{i}"})
            for i in range(count)
        ]

    for phone_index, size, skip, fate in plan:
        box = boxes[phone_index % len(boxes)]
        _travel(client, box, box.batch(size, skip), fate)
    for box in boxes:  # signal returns: every phone drains its outbox
        for _ in range(20):
            if box.sent_up_to >= len(box.ops):
                break
            _travel(client, box, box.batch(4, 0), "delivered")
        assert box.sent_up_to == len(box.ops)

    lines = [line for line in _notes(client, boxes[0].phone, asset_id) if run in line]
    for number, box in enumerate(boxes):
        mine = [line.rsplit("] ", 1)[1] for line in lines if f"{run}-p{number}-" in line]
        assert mine == [op["args"]["text"] for op in box.ops]  # once each, in seq order
        outcomes = box.phone.results(box.ops)  # every op has a stored outcome
        assert {r["status"] for r in outcomes} == {"duplicate"}
        assert {r["outcome"]["status"] for r in outcomes} == {"applied"}


def _notes(client: Client, phone: Phone, asset_id: str) -> list[str]:
    detail = client.get(f"/api/v1/assets/{asset_id}", headers=phone.headers).json()
    notes: str = detail["asset"]["notes"]
    return notes.splitlines()
