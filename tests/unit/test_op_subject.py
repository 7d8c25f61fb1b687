"""What an op is about, as the op log records it for the desk's scoped queue."""

from __future__ import annotations

import doctest
import uuid

from server.domain.sync import subject
from server.domain.sync.subject import subject_of


def test_doctests_pass() -> None:
    assert doctest.testmod(subject).failed == 0


def test_an_op_is_about_the_row_its_aggregate_names() -> None:
    order_id = uuid.uuid4()
    args = {"work_order_id": str(order_id), "asset_id": str(uuid.uuid4())}
    assert subject_of("work_order.log_labour", args) == ("work_order", order_id)
    assert subject_of("", args) == (None, None)
    assert subject_of("work_order.note", ["not", "an", "object"]) == (None, None)
    assert subject_of("asset.add_note", {"asset_id": 42}) == (None, None)
