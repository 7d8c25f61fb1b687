"""What happens when the desk and a technician disagree while the phone is offline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from litestar import Litestar
from litestar.testing import TestClient

from tests.integration.work.loop import applied, cast, fake_sha, send
from tests.phone import Phone

Client = TestClient[Litestar]


def test_desk_cancels_while_the_technician_completes_offline(client: Client) -> None:
    c = cast(client)
    order_id = c.report()
    c.to_technician(order_id)
    # Offline: the technician records labour, a photo and completion; none is sent yet.
    labour = c.technician.op("work_order.log_labour", {"work_order_id": order_id, "minutes": 45})
    photo = c.technician.op(
        "work_order.attach", {"work_order_id": order_id, "sha256": fake_sha("p")}
    )
    done = c.technician.op(
        "work_order.complete", {"work_order_id": order_id, "resolution": "Swapped PSU"}
    )
    applied(c.desk, "cancel", work_order_id=order_id, reason="Duplicate of another order")

    results = c.technician.results([labour, photo, done])
    assert [r["status"] for r in results] == ["conflict", "conflict", "conflict"]
    assert all(r["conflict_id"] for r in results)

    detail = c.detail(order_id)
    assert detail["order"]["status"] == "cancelled"
    assert [line["late"] for line in detail["labour"]] == [True]
    assert [a["late"] for a in detail["attachments"]] == [True]
    assert any("Swapped PSU" in n["text"] and n["late"] for n in detail["notes"])
    inbox = client.get("/api/v1/sync/inbox", headers=c.technician.headers).json()
    assert {e["op_id"] for e in inbox} >= {labour["op_id"], photo["op_id"], done["op_id"]}
    queue = client.get("/api/v1/conflicts", headers=c.desk.headers, params={"status": "open"})
    assert queue.status_code == 200


def test_two_technicians_complete_the_same_order(client: Client) -> None:
    c = cast(client)
    order_id = c.report()
    c.to_technician(order_id)
    other = Phone(client, "L0001")  # the lead reassigns to himself and finishes first
    lead = client.get("/api/v1/auth/me", headers=other.headers).json()
    late = c.technician.op("work_order.complete", {"work_order_id": order_id, "resolution": "Mine"})
    applied(c.lead, "assign", work_order_id=order_id, technician_id=lead["id"])
    applied(other, "accept", work_order_id=order_id)
    applied(other, "start", work_order_id=order_id)
    applied(other, "complete", work_order_id=order_id, resolution="Lead fixed it")

    result = c.technician.results([late])[0]
    assert result["status"] == "conflict"
    detail = c.detail(order_id)
    assert detail["extra"]["resolution"] == "Lead fixed it"
    assert any("Mine" in n["text"] and n["late"] for n in detail["notes"])


def test_a_note_is_appended_whatever_the_state(client: Client) -> None:
    c = cast(client)
    order_id = c.report()
    applied(c.desk, "cancel", work_order_id=order_id, reason="Not a fault")
    assert (
        send(c.requester, "note", work_order_id=order_id, text="Thanks anyway")["status"]
        == "applied"
    )
    assert [n["text"] for n in c.detail(order_id)["notes"]] == ["Thanks anyway"]


def test_field_owners_the_phone_owns_actual_times_the_desk_owns_the_schedule(
    client: Client,
) -> None:
    c = cast(client)
    order_id = c.report(priority=3)
    technician = client.get("/api/v1/auth/me", headers=c.technician.headers).json()
    applied(c.desk, "dispatch", work_order_id=order_id, team_id=c.team_id("ELEC"))
    applied(c.lead, "assign", work_order_id=order_id, technician_id=technician["id"])
    due_before = c.detail(order_id)["extra"]["response_due_at"]
    # On site with no signal: the phone records the arrival now, and sends it later.
    arrived = datetime.now(UTC) - timedelta(minutes=25)
    ops = [
        c.technician.op("work_order.accept", {"work_order_id": order_id}),
        c.technician.op("work_order.start", {"work_order_id": order_id}),
    ]
    for op in ops:
        op["client_time"] = arrived.isoformat()
    assert [r["status"] for r in c.technician.results(ops)] == ["applied", "applied"]
    detail = c.detail(order_id)
    assert datetime.fromisoformat(detail["extra"]["arrived_at"]) == arrived
    assert detail["extra"]["response_due_at"] == due_before  # the desk's schedule stands
    start = next(e for e in detail["timeline"] if e["action"] == "start")
    assert start["claimed_at"] < start["received_at"]
