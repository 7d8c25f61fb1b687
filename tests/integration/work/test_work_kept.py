"""Work is kept, not rejected: what a technician records while the order moves on is kept
on it as a late report with a conflict for the desk, and is charged only when the desk
accepts it. Only the assignee or the lead of the order's team bill lines directly."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from tests.integration.work.loop import Cast, applied, cast, fake_sha, new_person, send, whoami
from tests.phone import Phone

Client = TestClient[Litestar]
MOVED = "The work order was moved to another team meanwhile"
NOT_BILLABLE = "Only the assignee or the lead of the order's team may bill work on this order"


def lines(detail: dict[str, Any], kind: str) -> list[tuple[int, bool, str]]:
    amount = "minutes" if kind == "labour" else "quantity"
    return [(line[amount], line["late"], line["billing"]) for line in detail[kind]]


def item_of(c: Cast) -> dict[str, Any]:
    item: dict[str, Any] = c.get("/api/v1/items", limit=1)["items"][0]
    return item


def test_work_on_an_order_moved_to_another_team_is_kept_for_the_desk(client: Client) -> None:
    c = cast(client)
    order_id = c.report()
    technician = whoami(c.technician)
    applied(c.desk, "dispatch", work_order_id=order_id, team_id=c.team_id("ELEC"))
    applied(c.lead, "assign", work_order_id=order_id, technician_id=technician["id"])
    item = item_of(c)
    # Offline on site: the technician accepts, starts, logs labour, a part, a photo, a note.
    ref = {"work_order_id": order_id}
    ops = [
        c.technician.op("work_order.accept", ref),
        c.technician.op("work_order.start", ref),
        c.technician.op("work_order.log_labour", {**ref, "minutes": 40}),
        c.technician.op("work_order.add_part", {**ref, "item_id": item["id"], "quantity": 2}),
        c.technician.op("work_order.attach", {**ref, "sha256": fake_sha(f"moved {order_id}")}),
        c.technician.op("work_order.note", {**ref, "text": "Cable chewed behind the bed"}),
    ]
    # Meanwhile the desk moves the order to HVAC: it leaves the technician's sight.
    applied(c.desk, "dispatch", work_order_id=order_id, team_id=c.team_id("HVAC"))

    results = c.technician.results(ops)
    assert [r["status"] for r in results] == ["conflict"] * 6, results
    assert all(r["message"].startswith(MOVED) for r in results)
    detail = c.detail(order_id)
    assert (detail["order"]["status"], detail["order"]["team_id"]) == (
        "dispatched",
        c.team_id("HVAC"),
    )
    assert lines(detail, "labour") == [(40, True, "pending")]
    assert lines(detail, "parts") == [(2, True, "pending")]
    assert [a["late"] for a in detail["attachments"]] == [True]
    assert any(n["text"] == "Cable chewed behind the bed" and n["late"] for n in detail["notes"])
    # Nothing is charged until the desk decides; what waits is shown beside the total.
    assert (detail["labour_cents"], detail["parts_cents"], detail["total_cents"]) == (0, 0, 0)
    kept = sum(line["cost_cents"] for line in [*detail["labour"], *detail["parts"]])
    assert detail["pending_cents"] == kept > 0
    late = [e for e in detail["timeline"] if e["late"]]
    assert [e["action"] for e in late] == [
        "accept",
        "start",
        "log_labour",
        "add_part",
        "attach",
        "note",
    ]
    assert {(e["actor"], e["device_id"]) for e in late} == {
        (technician["name"], str(c.technician.device_id))
    }
    queue = c.get("/api/v1/conflicts", status="open", kind="conflict", limit=200)["items"]
    ours = {i["op_id"]: i for i in queue if i["op_id"] in {op["op_id"] for op in ops}}
    assert len(ours) == 6
    assert {i["entity_id"] for i in ours.values()} == {order_id}
    # The technician still cannot read the order: the kept work does not widen their scope.
    gone = client.get(f"/api/v1/work-orders/{order_id}", headers=c.technician.headers)
    assert gone.status_code == 404


def test_someone_never_tied_to_the_order_learns_nothing(client: Client) -> None:
    c = cast(client)
    order_id = c.report()
    applied(c.desk, "dispatch", work_order_id=order_id, team_id=c.team_id("HVAC"))
    for name, args in (("log_labour", {"minutes": 30}), ("note", {"text": "Guessing"})):
        guessed = send(c.technician, name, work_order_id=order_id, **args)
        nowhere = send(c.technician, name, work_order_id=str(uuid.uuid4()), **args)
        assert (guessed["status"], guessed["code"]) == ("rejected", "unknown_work_order")
        assert (guessed["code"], guessed["message"]) == (nowhere["code"], nowhere["message"])
    detail = c.detail(order_id)
    assert (detail["labour"], detail["notes"]) == ([], [])


def test_labour_and_parts_after_confirmation_or_closing_are_kept_pending(client: Client) -> None:
    c = cast(client)
    order_id = c.report()
    c.to_technician(order_id)
    item = item_of(c)
    ref = {"work_order_id": order_id}
    offline = [
        c.technician.op("work_order.log_labour", {**ref, "minutes": 25}),
        c.technician.op("work_order.add_part", {**ref, "item_id": item["id"], "quantity": 1}),
    ]
    # The same technician finishes on a second phone and the requester confirms on it.
    second = Phone(client, "T0001")
    applied(second, "complete", work_order_id=order_id, resolution="Replaced the socket")
    applied(
        second,
        "confirm",
        work_order_id=order_id,
        employee_no="R0001",
        signature_sha256=fake_sha(f"sig {order_id}"),
    )
    results = c.technician.results(offline)
    assert [r["status"] for r in results] == ["conflict", "conflict"], results
    assert all(r["message"].startswith("The work order was confirmed meanwhile") for r in results)

    applied(c.requester, "rate", work_order_id=order_id, score=4, fixed=True)
    closed = send(c.technician, "log_labour", work_order_id=order_id, minutes=10)
    assert closed["status"] == "conflict", closed
    assert closed["message"].startswith("The work order was closed meanwhile")
    detail = c.detail(order_id)
    assert lines(detail, "labour") == [(25, True, "pending"), (10, True, "pending")]
    assert lines(detail, "parts") == [(1, True, "pending")]
    assert detail["total_cents"] == 0
    assert detail["order"]["status"] == "closed"


def test_the_team_lead_bills_and_a_colleague_waits_for_the_desk(client: Client) -> None:
    c = cast(client)
    order_id = c.report()
    c.to_technician(order_id)
    lead = send(c.lead, "log_labour", work_order_id=order_id, minutes=20)
    assert lead["status"] == "applied", lead
    colleague = new_person(client, "technician", team_code="ELEC", site_codes=["EAST"])
    helped = send(colleague, "log_labour", work_order_id=order_id, minutes=50)
    assert helped["status"] == "conflict", helped
    assert helped["message"].startswith(NOT_BILLABLE)
    assert helped["conflict_id"]

    detail = c.detail(order_id)
    by = {line["technician_id"]: line for line in detail["labour"]}
    assert by[whoami(c.lead)["id"]]["billing"] == "accepted"
    assert by[whoami(colleague)["id"]]["billing"] == "pending"
    assert detail["labour_cents"] == by[whoami(c.lead)["id"]]["cost_cents"]
    assert detail["pending_cents"] == by[whoami(colleague)["id"]]["cost_cents"]
