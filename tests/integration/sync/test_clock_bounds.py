"""Phone clocks are bounded: a claimed time far ahead, or before the phone's previous claim,
is recorded as the server's receipt time and flagged, so service levels and reports are
not bent by a wrong clock; a field edit stamped a day ahead cannot win merges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from tests.integration.console_client import console_login
from tests.integration.work.loop import cast
from tests.phone import Phone

Client = TestClient[Litestar]


def _at(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).isoformat(timespec="milliseconds")


def _step(phone: Phone, name: str, order_id: str, when: timedelta, **args: Any) -> dict[str, Any]:
    op = phone.op(f"work_order.{name}", {"work_order_id": order_id, **args}, client_time=_at(when))
    result: dict[str, Any] = phone.results([op])[0]
    assert result["status"] == "applied", result
    return result


def _parsed(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_claims_ahead_or_running_backwards_become_the_receipt_time(client: Client) -> None:
    c = cast(client)
    order_id = c.report()
    technician = client.get("/api/v1/auth/me", headers=c.technician.headers).json()
    for phone, name, args in (
        (c.desk, "dispatch", {"team_id": c.team_id("ELEC")}),
        (c.lead, "assign", {"technician_id": technician["id"]}),
    ):
        _step(phone, name, order_id, timedelta(0), **args)
    _step(c.technician, "accept", order_id, timedelta(hours=2))  # clock two hours fast
    _step(c.technician, "start", order_id, timedelta(minutes=-10))  # right, if a bit late
    _step(c.technician, "hold", order_id, timedelta(minutes=-20), reason="Parts")  # backwards
    _step(c.technician, "resume", order_id, timedelta(minutes=-1))
    _step(c.technician, "complete", order_id, timedelta(days=1), resolution="New ballast")

    detail = c.detail(order_id)
    by_action = {e["action"]: e for e in detail["timeline"]}
    for action, flag in (("accept", "ahead"), ("hold", "backwards"), ("complete", "ahead")):
        event = by_action[action]
        assert event["clock_flag"] == flag
        assert event["claimed_at"] == event["received_at"]
    for action in ("start", "resume"):
        assert by_action[action]["clock_flag"] is None
        claimed = _parsed(by_action[action]["claimed_at"])
        assert claimed < _parsed(by_action[action]["received_at"]) - timedelta(seconds=30)
    # What service levels and reports read: not tomorrow, but when it reached the server.
    completed = _parsed(detail["extra"]["completed_at"])
    assert abs(completed - datetime.now(UTC)) < timedelta(minutes=5)
    arrived = _parsed(detail["extra"]["arrived_at"])
    assert arrived == _parsed(by_action["start"]["claimed_at"])


def test_the_console_marks_a_corrected_clock(client: Client) -> None:
    c = cast(client)
    order_id = c.report()
    _step(c.desk, "dispatch", order_id, timedelta(hours=3), team_id=c.team_id("ELEC"))
    console_login(client, "D0001")
    page = client.get(f"/desk/orders/{order_id}")
    assert page.status_code == 200
    assert 'data-clock="ahead"' in page.text
    assert "phone clock corrected" in page.text


def test_a_field_edit_stamped_a_day_ahead_is_refused(client: Client) -> None:
    phone = Phone(client, "T0001")
    # An asset no other test edits: this one's location clock runs an hour ahead after.
    asset = client.get(
        "/api/v1/assets", headers=phone.headers, params={"limit": 1, "offset": 71}
    ).json()
    asset_id, site_id = asset["items"][0]["id"], asset["items"][0]["site_id"]
    rooms = client.get(
        "/api/v1/locations", headers=phone.headers, params={"site_id": site_id, "limit": 3}
    ).json()["items"]
    now_ms = int(datetime.now(UTC).timestamp() * 1000)
    far = phone.op(
        "asset.set_location",
        {"asset_id": asset_id, "location_id": rooms[1]["id"]},
        hlc=f"{now_ms + 2 * 86_400_000:013d}:0000:{phone.device_id}",
    )
    near = phone.op(
        "asset.set_location",
        {"asset_id": asset_id, "location_id": rooms[2]["id"]},
        hlc=f"{now_ms + 3_600_000:013d}:0000:{phone.device_id}",
    )

    results = phone.results([far, near])

    assert (results[0]["status"], results[0]["code"]) == ("rejected", "clock_ahead")
    assert results[1]["status"] == "applied"
    detail = client.get(f"/api/v1/assets/{asset_id}", headers=phone.headers).json()
    assert detail["asset"]["location_id"] == rooms[2]["id"]
