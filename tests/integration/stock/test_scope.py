"""Who may move which stock, and what each phone's replica holds of it."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from tests.integration.stock.steps import items, new_lot, send, stores
from tests.phone import Phone

Client = TestClient[Litestar]


@pytest.mark.parametrize(
    ("who", "verb", "store", "expected"),
    [
        ("T0001", "receive", "MAIN", "forbidden"),  # receiving is the storekeeper's
        ("L0001", "adjust", "MAIN", "forbidden"),
        ("R0001", "issue", "MAIN", "forbidden"),
        ("T0003", "issue", "MAIN", "unknown_store"),  # West Campus only
        ("T0002", "issue", "VAN-T0001", "unknown_store"),  # a colleague's van
        ("T0001", "issue", "VAN-T0003", "unknown_store"),
        ("K0001", "issue", "WEST", "unknown_store"),  # East Campus storekeeper
        ("T0001", "issue", "VAN-T0001", "applied"),
        ("K0001", "issue", "VAN-T0001", "applied"),  # the site's storekeeper keeps vans too
        ("S0001", "adjust", "VAN-T0003", "applied"),
        ("T0003", "issue", "WEST", "applied"),
    ],
)
def test_stock_moves_only_in_the_senders_stores(
    client: Client, who: str, verb: str, store: str, expected: str
) -> None:
    admin, phone = Phone(client, "A0001"), Phone(client, who)
    store_id, item = stores(admin)[store]["id"], items(admin)[20]["id"]
    if verb == "adjust":
        args = {"delta": 1, "reason": "found"}
    else:
        args = {"quantity": 1, "cost_centre": "CC-4410"} if verb == "issue" else {"quantity": 1}
    result = send(phone, verb, store_id=store_id, item_id=item, lot=new_lot(), **args)
    assert result.get("code", result["status"]) == expected, result


def test_bad_stock_ops_are_refused_with_their_reason(client: Client) -> None:
    keeper = Phone(client, "K0001")
    main, other = stores(keeper)["MAIN"]["id"], stores(keeper)["VAN-T0001"]["id"]
    item = items(keeper)[21]["id"]
    bin_of_main = next(
        b["bin_id"]
        for b in keeper.http.get(
            "/api/v1/stock/balances", headers=keeper.headers, params={"store": main}
        ).json()
        if b["bin_id"]
    )
    no_target = send(keeper, "issue", store_id=main, item_id=item, quantity=1)
    two_targets = send(
        keeper,
        "issue",
        store_id=main,
        item_id=item,
        quantity=1,
        cost_centre="CC1",
        department_id=keeper.http.get("/api/v1/departments", headers=keeper.headers).json()[0][
            "id"
        ],
    )
    wrong_bin = send(
        keeper, "receive", store_id=other, bin_id=bin_of_main, item_id=item, quantity=1
    )
    no_item = send(keeper, "receive", store_id=main, item_id=main, quantity=1)
    assert [r.get("code") for r in (no_target, two_targets, wrong_bin, no_item)] == [
        "invalid_args",
        "invalid_args",
        "unknown_bin",
        "unknown_item",
    ]


def test_a_storekeepers_replica_holds_the_stock_of_their_site(client: Client) -> None:
    admin, keeper, west_tech = (
        Phone(client, "A0001"),
        Phone(client, "K0001"),
        Phone(client, "T0003"),
    )
    by_code = stores(admin)
    keeper.pull_all()
    west_tech.pull_all()

    def held(phone: Phone) -> set[str]:
        codes = {store["id"]: code for code, store in by_code.items()}
        return {codes[b["store_id"]] for b in phone.of_type("stock_balance").values()}

    assert held(keeper) == {"MAIN", "VAN-T0001", "VAN-T0002"}
    assert held(west_tech) == {"WEST", "VAN-T0003"}  # their own van among them
    east_bins = {b["store_id"] for b in keeper.of_type("bin").values()}
    assert east_bins == {by_code["MAIN"]["id"]}
    assert not west_tech.of_type("bin").keys() & keeper.of_type("bin").keys()
    # Lots are the catalogue's: everyone who reads stock has them, the recalled one too.
    lots = {lot["lot"]: lot for lot in keeper.of_type("stock_lot").values()}
    assert lots.keys() == {lot["lot"] for lot in west_tech.of_type("stock_lot").values()}
    assert lots["R0713"]["recalled_at"] is not None
    guard = Phone(client, "G0001")  # reads no stock
    guard.pull_all()
    assert not guard.of_type("stock_lot")
    assert not guard.of_type("stock_balance")


def test_a_movement_reaches_the_replicas_of_its_site_only(client: Client) -> None:
    keeper, east_tech, west_tech = (
        Phone(client, "K0001"),
        Phone(client, "T0001"),
        Phone(client, "T0003"),
    )
    for phone in (keeper, east_tech, west_tech):
        phone.pull_all()
    main, item, lot = stores(keeper)["MAIN"]["id"], items(keeper)[22]["id"], new_lot()
    result = send(keeper, "receive", store_id=main, item_id=item, quantity=7, lot=lot)
    [key] = result["entity_versions"]
    balance_id = key.split(":", 1)[1]
    east_tech.pull_all()
    west_tech.pull_all()
    assert east_tech.of_type("stock_balance")[balance_id]["on_hand"] == 7
    assert balance_id not in west_tech.of_type("stock_balance")
    assert lot in {found["lot"] for found in west_tech.of_type("stock_lot").values()}
