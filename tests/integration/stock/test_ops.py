"""Each stock op as a phone pushes it: what the ledger and the balances show afterwards."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select
from sqlmodel import col

from server.db.models import MovementKind, StockException, StockLot, StockMovement
from server.domain.stock.ops import transfer_in_id
from server.settings import Settings
from tests.integration.stock.steps import applied, get, items, new_lot, on_hand, rows, send, stores
from tests.phone import Phone

Client = TestClient[Litestar]


def _movements(url: str, lot: str) -> list[StockMovement]:
    found = rows(
        url,
        select(StockMovement)
        .join(StockLot, col(StockLot.id) == col(StockMovement.lot_id))
        .where(col(StockLot.lot) == lot)
        .order_by(col(StockMovement.recorded_at), col(StockMovement.kind)),
    )
    return [movement for (movement,) in found]


def _exceptions(url: str, lot: str) -> list[StockException]:
    found = rows(
        url,
        select(StockException)
        .join(StockLot, col(StockLot.id) == col(StockException.lot_id))
        .where(col(StockLot.lot) == lot),
    )
    return [row for (row,) in found]


def _department(phone: Phone, code: str) -> str:
    return str(next(d["id"] for d in get(phone, "/api/v1/departments") if d["code"] == code))


def test_receive_issue_return_transfer_and_adjust_move_the_balances(
    client: Client, demo_settings: Settings
) -> None:
    keeper, tech = Phone(client, "K0001"), Phone(client, "T0001")
    main, van = stores(keeper)["MAIN"]["id"], stores(keeper)["VAN-T0001"]["id"]
    item, lot = items(keeper)[10]["id"], new_lot()
    scan = f"\x1d0105012345678900\x1d10{lot}"
    applied(
        keeper,
        "receive",
        store_id=main,
        item_id=item,
        quantity=10,
        lot=lot,
        expiry="2031-05-31",
        reference="PO-7781",
        scan=scan,
    )
    icu = _department(keeper, "ICU")
    applied(tech, "issue", store_id=main, item_id=item, quantity=3, lot=lot, department_id=icu)
    applied(tech, "return", store_id=main, item_id=item, quantity=1, lot=lot, reason="unused")
    transfer = applied(
        keeper, "transfer", item_id=item, quantity=4, lot=lot, from_store_id=main, to_store_id=van
    )
    applied(keeper, "adjust", store_id=van, item_id=item, delta=-1, lot=lot, reason="damaged")

    assert (on_hand(keeper, main, item, lot), on_hand(keeper, van, item, lot)) == (4, 3)
    assert len(transfer["entity_versions"]) == 2  # both balances moved
    ledger = _movements(demo_settings.database.url, lot)
    assert sorted((m.kind, m.quantity) for m in ledger) == sorted(
        [
            (MovementKind.RECEIVE, 10),
            (MovementKind.ISSUE, -3),
            (MovementKind.RETURN, 1),
            (MovementKind.TRANSFER_OUT, -4),
            (MovementKind.TRANSFER_IN, 4),
            (MovementKind.ADJUST, -1),
        ]
    )
    receipt = next(m for m in ledger if m.kind == MovementKind.RECEIVE)
    assert (receipt.scan_text, receipt.reference) == (scan, "PO-7781")
    issue = next(m for m in ledger if m.kind == MovementKind.ISSUE)
    assert (str(issue.department_id), issue.value_cents) == (icu, -3 * issue.unit_cost_cents)
    out = next(m for m in ledger if m.kind == MovementKind.TRANSFER_OUT)
    into = next(m for m in ledger if m.kind == MovementKind.TRANSFER_IN)
    assert out.transfer_id == into.transfer_id == out.id
    assert into.id == transfer_in_id(out.id)


def test_a_movement_sent_again_under_another_op_is_not_posted_twice(client: Client) -> None:
    keeper = Phone(client, "K0001")
    main, item, lot = stores(keeper)["MAIN"]["id"], items(keeper)[11]["id"], new_lot()
    movement_id = str(uuid.uuid4())
    args: dict[str, Any] = {"store_id": main, "item_id": item, "quantity": 5, "lot": lot}
    applied(keeper, "receive", movement_id=movement_id, **args)
    applied(keeper, "receive", movement_id=movement_id, **args)
    assert on_hand(keeper, main, item, lot) == 5


def test_two_phones_issuing_the_last_unit_offline_both_keep_their_record(
    client: Client, demo_settings: Settings
) -> None:
    keeper = Phone(client, "K0001")
    first, second = Phone(client, "T0001"), Phone(client, "T0002")
    main, item, lot = stores(keeper)["MAIN"]["id"], items(keeper)[12]["id"], new_lot()
    applied(keeper, "receive", store_id=main, item_id=item, quantity=1, lot=lot)
    icu = _department(keeper, "ICU")
    # Both phones took the last unit while offline; each op is recorded before either syncs.
    issue = {"store_id": main, "item_id": item, "quantity": 1, "lot": lot, "department_id": icu}
    offline = [
        (phone, phone.op("stock.issue", {"movement_id": str(uuid.uuid4()), **issue}))
        for phone in (first, second)
    ]
    assert [phone.results([op])[0]["status"] for phone, op in offline] == ["applied", "applied"]

    assert on_hand(keeper, main, item, lot) == -1
    exceptions = _exceptions(demo_settings.database.url, lot)
    assert [(e.kind, e.on_hand) for e in exceptions] == [("negative_balance", -1)]
    # A third issue while the shortfall is still open adds to it, not to the storekeeper's list.
    applied(first, "issue", **issue)
    assert len(_exceptions(demo_settings.database.url, lot)) == 1
    assert on_hand(keeper, main, item, lot) == -2


def test_an_expiry_that_disagrees_with_the_lots_is_kept_for_the_storekeeper(
    client: Client, demo_settings: Settings
) -> None:
    keeper = Phone(client, "K0001")
    main, item, lot = stores(keeper)["MAIN"]["id"], items(keeper)[13]["id"], new_lot()
    receive = {"store_id": main, "item_id": item, "quantity": 2, "lot": lot}
    applied(keeper, "receive", expiry="2030-01-31", **receive)
    applied(keeper, "receive", expiry="2030-02-28", **receive)
    lots = rows(demo_settings.database.url, select(StockLot).where(col(StockLot.lot) == lot))
    assert [found.expiry.isoformat() for (found,) in lots] == ["2030-01-31"]
    exceptions = _exceptions(demo_settings.database.url, lot)
    assert [e.kind for e in exceptions] == ["expiry_mismatch"]
    assert "2030-02-28" in exceptions[0].detail
    assert on_hand(keeper, main, item, lot) == 4  # both deliveries are on the shelf


def test_issuing_an_expired_or_recalled_lot_is_applied_and_flagged(
    client: Client, demo_settings: Settings
) -> None:
    keeper, tech = Phone(client, "K0001"), Phone(client, "T0001")
    main = stores(keeper)["MAIN"]["id"]
    demo_lots = rows(
        demo_settings.database.url,
        select(StockLot).where(col(StockLot.lot).in_(("B2401", "R0713"))),
    )
    icu = _department(keeper, "ICU")
    for (lot,) in demo_lots:  # B2401 expired, R0713 recalled (server/db/demo/stock.py)
        places = [
            b for b in get(keeper, "/api/v1/stock/balances", store=main) if b["lot"] == lot.lot
        ]
        result = send(
            tech,
            "issue",
            store_id=main,
            bin_id=places[0]["bin_id"],
            item_id=str(lot.item_id),
            quantity=1,
            lot=lot.lot,
            department_id=icu,
        )
        assert result["status"] == "applied"
    kinds = {
        e.kind for code in ("B2401", "R0713") for e in _exceptions(demo_settings.database.url, code)
    }
    assert kinds == {"expired_lot", "recalled_lot"}
