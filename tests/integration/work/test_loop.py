"""The closed repair loop, node by node, through the ops the phones push."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import TestClient

from tests.integration.work.loop import applied, cast, fake_sha, send

Client = TestClient[Litestar]


def test_the_full_loop_records_every_node_and_charges_the_department(client: Client) -> None:
    c = cast(client)
    order_id = c.report()
    c.to_technician(order_id)
    item = c.get("/api/v1/items", limit=1)["items"][0]
    rate_card = c.get("/api/v1/rate-card")
    applied(c.technician, "log_labour", work_order_id=order_id, minutes=90)
    applied(c.technician, "add_part", work_order_id=order_id, item_id=item["id"], quantity=2)
    applied(c.technician, "attach", work_order_id=order_id, sha256=fake_sha("photo"))
    applied(c.technician, "hold", work_order_id=order_id, reason="Waiting for a fuse")
    applied(c.technician, "resume", work_order_id=order_id)
    applied(c.technician, "complete", work_order_id=order_id, resolution="Replaced fuse F2")
    applied(
        c.technician,
        "confirm",
        work_order_id=order_id,
        employee_no="R0001",
        signature_sha256=fake_sha("signature"),
    )
    applied(c.requester, "rate", work_order_id=order_id, score=5, fixed=True, comment="Quick")

    detail = c.detail(order_id)
    assert detail["order"]["status"] == "closed"
    assert [e["action"] for e in detail["timeline"]] == [
        "report",
        "dispatch",
        "assign",
        "accept",
        "start",
        "log_labour",
        "add_part",
        "attach",
        "hold",
        "resume",
        "complete",
        "confirm",
        "rate",
    ]
    assert all(e["actor"] and e["received_at"] and e["claimed_at"] for e in detail["timeline"])
    assert all(e["device_id"] for e in detail["timeline"])
    electrical = next(
        line
        for line in rate_card["lines"]
        if line["trade"] == "electrical" and line["grade"] == "technician"
    )
    assert detail["labour_cents"] == round(electrical["hourly_rate_cents"] * 90 / 60)
    assert detail["parts_cents"] == 2 * item["unit_cost_cents"]
    assert detail["total_cents"] == detail["labour_cents"] + detail["parts_cents"]
    assert {a["kind"] for a in detail["attachments"]} == {"photo", "signature"}
    assert detail["extra"]["rating"] == 5
    assert detail["callbacks"] == []


def test_a_poor_rating_opens_a_callback_and_the_callback_can_reopen(client: Client) -> None:
    c = cast(client)
    order_id = c.report()
    c.to_technician(order_id)
    applied(c.technician, "complete", work_order_id=order_id, resolution="Reset")
    applied(
        c.technician,
        "confirm",
        work_order_id=order_id,
        employee_no="R0001",
        signature_sha256=fake_sha("s2"),
    )
    applied(
        c.requester, "rate", work_order_id=order_id, score=2, fixed=False, comment="Still beeps"
    )
    callbacks = c.detail(order_id)["callbacks"]
    assert len(callbacks) == 1
    assert callbacks[0]["status"] == "open"
    assert "not fixed" in callbacks[0]["reason"]

    result = send(
        c.desk,
        "callback",
        callback_id=callbacks[0]["id"],
        outcome="reopen",
        note="Ward says the alarm persists",
    )
    assert result["status"] == "applied"
    detail = c.detail(order_id)
    assert detail["order"]["status"] == "dispatched"
    assert detail["callbacks"][0]["outcome"] == "reopen"
    assert detail["callbacks"][0]["called_by_id"]
    assert detail["extra"]["rating"] is None


def test_illegal_moves_are_refused_with_clear_codes(client: Client) -> None:
    c = cast(client)
    order_id = c.report()
    early = send(c.technician, "complete", work_order_id=order_id, resolution="x")
    assert (early["status"], early["code"]) == (
        "rejected",
        "unknown_work_order",
    )  # not his team's yet
    desk_complete = send(c.desk, "complete", work_order_id=order_id, resolution="x")
    assert (desk_complete["status"], desk_complete["code"]) == ("rejected", "invalid_transition")
    c.to_technician(order_id)
    wrong_rater = send(c.requester, "rate", work_order_id=order_id, score=4, fixed=True)
    assert wrong_rater["code"] == "invalid_transition"
    applied(c.technician, "complete", work_order_id=order_id, resolution="Done")
    stranger = send(
        c.technician,
        "confirm",
        work_order_id=order_id,
        employee_no="R0002",
        signature_sha256=fake_sha("s3"),
    )
    assert stranger["code"] == "invalid_confirmation"
    nobody = send(
        c.technician,
        "confirm",
        work_order_id=order_id,
        employee_no="NOBODY",
        signature_sha256=fake_sha("s3"),
    )
    assert nobody["code"] == "invalid_confirmation"
    applied(
        c.technician,
        "confirm",
        work_order_id=order_id,
        employee_no="R0001",
        signature_sha256=fake_sha("s3"),
    )
    no_score = send(c.requester, "rate", work_order_id=order_id, fixed=True)
    assert no_score["code"] == "invalid_args"  # no default rating
    twice = send(c.technician, "start", work_order_id=order_id)
    assert twice["code"] == "invalid_transition"
    guard = send(c.desk, "dispatch", work_order_id=order_id, team_id=c.team_id("ELEC"))
    assert guard["code"] == "invalid_transition"
