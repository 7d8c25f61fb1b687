"""The moving average after priced receipts, reorder alerts once per crossing, and the
lookup a scan shows (lots first expired first out, with their warnings)."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from tests.integration.stock.steps import applied, get, items, new_lot, on_hand, stores
from tests.phone import Phone

Client = TestClient[Litestar]


def _item(phone: Phone, item_id: str) -> dict[str, Any]:
    return next(i for i in items(phone, 200) if i["id"] == item_id)


def _everywhere(admin: Phone, item_id: str) -> int:
    return sum(
        b["on_hand"]
        for store in stores(admin).values()
        for b in get(admin, "/api/v1/stock/balances", store=store["id"])
        if b["item_id"] == item_id
    )


def test_priced_receipts_move_the_average_and_issues_are_valued_at_it(client: Client) -> None:
    admin, keeper = Phone(client, "A0001"), Phone(client, "K0001")
    main = stores(keeper)["MAIN"]["id"]
    item = items(keeper)[30]
    units, average = _everywhere(admin, item["id"]), item["unit_cost_cents"]
    assert units > 0
    applied(
        keeper,
        "receive",
        store_id=main,
        item_id=item["id"],
        quantity=units,
        unit_cost_cents=average + 1000,
    )
    # As many units again at 10.00 more: the average rises by half of it.
    assert _item(keeper, item["id"])["unit_cost_cents"] == average + 500
    applied(keeper, "receive", store_id=main, item_id=item["id"], quantity=3)  # no price
    assert _item(keeper, item["id"])["unit_cost_cents"] == average + 500


def _stock_alerts(phone: Phone, code: str) -> list[dict[str, Any]]:
    found = get(phone, "/api/v1/notifications", limit=100)["items"]
    return [n for n in found if n["kind"] == "stock_reorder" and n["title"].startswith(code)]


def test_a_reorder_alert_comes_once_per_crossing(client: Client) -> None:
    keeper, tech = Phone(client, "K0001"), Phone(client, "T0001")
    main = stores(keeper)["MAIN"]["id"]
    item = items(keeper)[31]
    point, code = item["reorder_point"], item["code"]
    lot = new_lot()  # the store's on hand of the item, all lots: the demo's plus this one
    applied(keeper, "receive", store_id=main, item_id=item["id"], quantity=point + 5, lot=lot)
    before = on_hand(keeper, main, item["id"], lot)
    in_store = sum(
        b["on_hand"]
        for b in get(keeper, "/api/v1/stock/balances", store=main)
        if b["item_id"] == item["id"]
    )
    issue = {"store_id": main, "item_id": item["id"], "lot": lot, "cost_centre": "CC-9"}
    assert before == point + 5
    assert in_store > point
    applied(tech, "issue", quantity=in_store - point - 1, **issue)  # one above: no alert
    assert _stock_alerts(keeper, code) == []
    applied(tech, "issue", quantity=1, **issue)  # at the reorder point: alert
    applied(tech, "issue", quantity=1, **issue)  # still low: no second alert
    assert len(_stock_alerts(keeper, code)) == 1
    applied(keeper, "receive", store_id=main, item_id=item["id"], quantity=10, lot=lot)
    applied(tech, "issue", quantity=10, **issue)  # rose above and fell again
    alerts = _stock_alerts(keeper, code)
    assert len(alerts) == 2
    assert "reorder point" in alerts[0]["body"]
    assert _stock_alerts(Phone(client, "T0001"), code) == []  # for the storekeepers only


def test_a_lookup_lists_lots_first_expired_first_out_with_warnings(client: Client) -> None:
    keeper = Phone(client, "K0001")
    items_by_lot = {}
    main = stores(keeper)["MAIN"]["id"]
    for balance in get(keeper, "/api/v1/stock/balances", store=main):
        if balance["lot"]:
            items_by_lot[balance["lot"]] = balance["item_id"]
    expired = get(keeper, "/api/v1/stock/lookup", item=items_by_lot["B2401"], store=main)
    assert [lot["lot"] for lot in expired["lots"]][:2] == ["B2401", "B2507"]
    assert expired["lots"][0]["warnings"] == ["expired"]
    assert expired["suggested_lot"] == "B2507"  # not the expired one
    assert "expired" in expired["warnings"]
    soon = get(keeper, "/api/v1/stock/lookup", item=items_by_lot["C1188"])
    assert soon["lots"][0]["lot"] == "C1188"
    assert soon["lots"][0]["warnings"] == ["expiring"]
    assert soon["suggested_lot"] == "C1188"  # expiring soon is used first
    recalled = get(keeper, "/api/v1/stock/lookup", item=items_by_lot["R0713"])
    assert [lot["lot"] for lot in recalled["lots"]][-1] == "R0840"  # no expiry: last
    assert "recalled" in recalled["lots"][0]["warnings"]
    assert recalled["suggested_lot"] == "R0840"
    gtin_item = next(i for i in items(keeper) if i["gtins"])
    by_gtin = get(keeper, "/api/v1/stock/lookup", gtin=gtin_item["gtins"][0])
    assert by_gtin["item"]["id"] == gtin_item["id"]
    both = keeper.http.get(
        "/api/v1/stock/lookup",
        headers=keeper.headers,
        params={"gtin": gtin_item["gtins"][0], "item": gtin_item["id"]},
    )
    assert (both.status_code, both.json()["code"]) == (422, "invalid_input")
    unknown = keeper.http.get(
        "/api/v1/stock/lookup", headers=keeper.headers, params={"gtin": "00000000000000"}
    )
    assert unknown.status_code == 404
