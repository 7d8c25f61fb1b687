"""The inbox of a shared phone: each person who signs in on it sees only their own ops."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from tests.phone import Phone

Client = TestClient[Litestar]
NO_SUCH_ASSET = "00000000-0000-4000-8000-000000000000"


def _refused_note(phone: Phone, text: str) -> dict[str, Any]:
    op = phone.op("asset.add_note", {"asset_id": NO_SUCH_ASSET, "text": text})
    (result,) = phone.results([op])
    assert (result["status"], result["code"]) == ("rejected", "unknown_asset")
    return op


def _inbox(phone: Phone) -> set[str]:
    response = phone.http.get("/api/v1/sync/inbox", headers=phone.headers)
    assert response.status_code == 200, response.text
    return {entry["op_id"] for entry in response.json()}


def test_a_shared_phone_shows_each_user_only_their_own_ops(client: Client) -> None:
    day = Phone(client, "T0001")
    day_op = _refused_note(day, "day shift: socket sparks")
    # The phone changes hands at shift change: the night technician signs in on it.
    night = Phone(client, "T0002", device_id=day.device_id)
    night_op = _refused_note(night, "night shift: light out")

    assert _inbox(night) == {night_op["op_id"]}
    day.sign_in()  # the day technician has the phone back the next morning
    assert _inbox(day) == {day_op["op_id"]}
