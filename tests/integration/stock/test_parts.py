"""A work order's parts are ledger issues: what the order costs is what left the store."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select
from sqlmodel import col

from server.db.models import PartLine, StockMovement
from server.db.types import utcnow
from server.settings import Settings
from tests.integration.stock.steps import applied, get, on_hand, rows, send, stores
from tests.integration.work.loop import cast
from tests.phone import Phone

Client = TestClient[Litestar]


def _van_stock(phone: Phone, van: str) -> list[dict[str, Any]]:
    """Items the van holds loose (no lot, no bin) and only so, with a few in hand.

    The demo database is shared by the session, so earlier tests may have put lots of an
    item in the van; those items are left out, so that an issue without a lot can only
    come from the loose balance this test reads.
    """
    balances = get(phone, "/api/v1/stock/balances", store=van)
    places: dict[str, int] = {}
    for balance in balances:
        places[balance["item_id"]] = places.get(balance["item_id"], 0) + 1
    held = [
        b
        for b in balances
        if b["on_hand"] > 2
        and b["lot"] is None
        and b["bin_id"] is None
        and places[b["item_id"]] == 1
    ]
    assert len(held) >= 3, "the demo van carries stock"
    return held


def _line_and_movement(url: str, order_id: str) -> list[tuple[PartLine, StockMovement]]:
    found = rows(
        url,
        select(PartLine, StockMovement)
        .join(StockMovement, col(StockMovement.id) == col(PartLine.movement_id))
        .where(col(PartLine.work_order_id) == uuid.UUID(order_id))
        .order_by(col(PartLine.created_at)),
    )
    return [(line, movement) for line, movement in found]


def _icu_parts_cents(people: Any) -> int:
    """What this month's orders of the ICU cost in parts, as the monthly report says."""
    report = people.get("/api/v1/reports/monthly", month=utcnow().strftime("%Y-%m"))
    return sum(int(c["parts_cents"]) for c in report["costs"] if c["code"] == "ICU")


def test_parts_on_an_order_leave_the_van_at_the_moving_average(
    client: Client, demo_settings: Settings
) -> None:
    people = cast(client)
    tech = people.technician
    van = stores(tech)["VAN-T0001"]["id"]
    first, second, third = _van_stock(tech, van)[:3]
    icu_before = _icu_parts_cents(people)
    order_id = people.report("Theatre lights flicker")
    people.to_technician(order_id)

    applied(
        tech,
        "issue",
        store_id=van,
        item_id=first["item_id"],
        quantity=2,
        work_order_id=order_id,
        scan="(01)05012345678900",
    )
    # The first version of add_part names no store: it comes from the sender's van.
    result = tech.results(
        [
            tech.op(
                "work_order.add_part",
                {"work_order_id": order_id, "item_id": second["item_id"], "quantity": 1},
            )
        ]
    )[0]
    assert result["status"] == "applied", result
    applied(
        tech,
        "return",
        store_id=van,
        item_id=first["item_id"],
        quantity=1,
        work_order_id=order_id,
        reason="one spare",
    )

    assert on_hand(tech, van, first["item_id"]) == first["on_hand"] - 1
    assert on_hand(tech, van, second["item_id"]) == second["on_hand"] - 1
    assert on_hand(tech, van, third["item_id"]) == third["on_hand"]
    lines = _line_and_movement(demo_settings.database.url, order_id)
    assert [(line.quantity, movement.quantity) for line, movement in lines] == [
        (2, -2),
        (1, -1),
        (-1, 1),
    ]
    for line, movement in lines:
        assert line.cost_cents == -movement.value_cents == line.quantity * line.unit_cost_cents
        assert movement.work_order_id == line.work_order_id
    detail = people.detail(order_id)
    total = sum(line.cost_cents for line, _ in lines)
    assert detail["parts_cents"] == total > 0
    # The requesting department (ICU) is charged for the parts, through the ledger.
    assert _icu_parts_cents(people) == icu_before + total


def test_an_issue_to_an_order_cancelled_meanwhile_is_kept_and_the_part_still_left(
    client: Client, demo_settings: Settings
) -> None:
    people = cast(client)
    tech = people.technician
    order_id = people.report("Socket sparks")
    people.to_technician(order_id)
    van = stores(tech)["VAN-T0001"]["id"]
    held = _van_stock(tech, van)[0]
    offline = tech.op(
        "stock.issue",
        {
            "movement_id": str(uuid.uuid4()),
            "store_id": van,
            "item_id": held["item_id"],
            "quantity": 1,
            "work_order_id": order_id,
        },
    )
    cancel = people.desk.op("work_order.cancel", {"work_order_id": order_id, "reason": "Dup"})
    assert people.desk.results([cancel])[0]["status"] == "applied"

    result = tech.results([offline])[0]
    assert result["status"] == "conflict", result
    assert on_hand(tech, van, held["item_id"]) == held["on_hand"] - 1  # the van is one short
    [(line, movement)] = _line_and_movement(demo_settings.database.url, order_id)
    assert (line.late, line.billing, movement.quantity) == (True, "pending", -1)
    assert people.detail(order_id)["pending_cents"] == line.cost_cents


def test_a_technician_may_not_issue_to_an_order_outside_their_team(client: Client) -> None:
    people = cast(client)
    order_id = people.report("Socket sparks again")
    people.to_technician(order_id)
    colleague = Phone(client, "T0002")  # HVAC: the order is Electrical's
    van = stores(colleague)["VAN-T0002"]["id"]
    held = _van_stock(colleague, van)[0]
    result = send(
        colleague,
        "issue",
        store_id=van,
        item_id=held["item_id"],
        quantity=1,
        work_order_id=order_id,
    )
    assert (result["status"], result["code"]) == ("rejected", "unknown_work_order")
    assert on_hand(colleague, van, held["item_id"]) == held["on_hand"]


def test_a_storekeeper_issues_parts_to_an_order_at_the_counter(
    client: Client, demo_settings: Settings
) -> None:
    people = cast(client)
    keeper = Phone(client, "K0001")
    order_id = people.report("Theatre extract fan rattles")
    people.to_technician(order_id)
    # The order is in the storekeeper's replica (their site's orders), so the phone can pick it.
    assert any(order["id"] == order_id for order in get(keeper, "/api/v1/work-orders")["items"])
    main = stores(keeper)["MAIN"]["id"]
    held = next(
        b
        for b in get(keeper, "/api/v1/stock/balances", store=main)
        if b["on_hand"] > 2 and not b["lot"]
    )
    applied(
        keeper,
        "issue",
        store_id=main,
        bin_id=held["bin_id"],
        item_id=held["item_id"],
        quantity=2,
        work_order_id=order_id,
    )
    [(line, movement)] = _line_and_movement(demo_settings.database.url, order_id)
    # Billed at once: the store's own issue needs no decision by the desk.
    assert (line.billing, line.late, movement.quantity) == ("accepted", False, -2)
    assert people.detail(order_id)["parts_cents"] == line.cost_cents > 0
    assert on_hand(keeper, main, held["item_id"], bin_id=held["bin_id"]) == held["on_hand"] - 2
