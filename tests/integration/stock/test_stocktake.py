"""A stocktake from the desk to the ledger: opened at the console, counted blind on phones
(`stock.count`), its variance list read over HTTP, approved by someone who did not count.

The store's stock (received two days ago, all in bins B1 and B2):

| bin | item | lot | received | counted (time)          | later movement  | expected | adjustment |
| B1  | P    | L1  | 10       | 9 (1 h ago), 8 (10 min) |                 | 10       | -2         |
| B1  | Q    |     | 5        | 5 (1 h ago)             | issue 2 (30 min)| 5        | 0          |
| B1  | R    |     | 4        | nobody                  |                 | 4        | -4         |
| B2  | Q    |     | 7        | 7 (50 min, supervisor)  |                 | 7        | 0          |

After approval: P/L1 8, Q in B1 3 (the later issue stands), R 0, Q in B2 7.
"""

from __future__ import annotations

import uuid

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select
from sqlmodel import col

from server.db import models as db
from server.settings import Settings
from tests.integration.stock.builders import (
    Move,
    Shelf,
    ago,
    balances,
    build_shelf,
    csv_sections,
    desk,
    form_post,
    post_moves,
    read,
)
from tests.phone import Phone

Client = TestClient[Litestar]
pytestmark = pytest.mark.db
RECEIVE, ISSUE = db.MovementKind.RECEIVE, db.MovementKind.ISSUE


def _stocked(settings: Settings) -> Shelf:
    shelf = build_shelf(settings, ["B1", "B2"], {"P": 250, "Q": 100, "R": 40})
    two_days = ago(days=2)
    post_moves(
        settings,
        shelf,
        Move(RECEIVE, "P", 10, two_days, "B1", "L1"),
        Move(RECEIVE, "Q", 5, two_days, "B1"),
        Move(RECEIVE, "R", 4, two_days, "B1"),
        Move(RECEIVE, "Q", 7, two_days, "B2"),
    )
    return shelf


def _open(client: Client, shelf: Shelf) -> uuid.UUID:
    browser = desk(client, "K0001")
    opened = form_post(
        browser, "/desk/stock/stocktakes", store_id=str(shelf.store_id), bins="B1 B2"
    )
    assert opened.status_code == 303, opened.text
    return uuid.UUID(opened.headers["location"].rsplit("/", 1)[1])


def _count(phone: Phone, stocktake: uuid.UUID, shelf: Shelf, **line: object) -> dict[str, object]:
    args: dict[str, object] = {
        "line_id": str(uuid.uuid4()),
        "stocktake_id": str(stocktake),
        "item_id": str(shelf.items[str(line["item"])]),
        "counted": line["counted"],
        "bin_id": str(shelf.bins[str(line["bin"])]),
    }
    if line.get("lot"):
        args["lot"] = line["lot"]
    return phone.op("stock.count", args, client_time=line["at"].isoformat())  # type: ignore[attr-defined]


def _variance(browser: Client, stocktake: uuid.UUID) -> dict[str, list[dict[str, str]]]:
    response = browser.get(f"/desk/stock/stocktakes/{stocktake}", params={"format": "csv"})
    assert response.status_code == 200, response.text
    return csv_sections(response.text)


def _figures(rows: list[dict[str, str]], shelf: Shelf) -> set[tuple[str, ...]]:
    names = {shelf.item_code(n): n for n in shelf.items}
    return {
        (
            r["status"],
            r["bin"],
            names[r["item_code"]],
            r["lot"],
            r["counted"],
            r["expected"],
            r["difference"],
        )
        for r in rows
    }


def test_a_stocktake_round_trip(
    demo_app: Litestar, client: Client, demo_settings: Settings
) -> None:
    shelf = _stocked(demo_settings)
    stocktake = _open(client, shelf)
    keeper, lead = Phone(client, "K0001"), Phone(client, "S0001")
    first = [
        _count(keeper, stocktake, shelf, item="P", lot="L1", bin="B1", counted=9, at=ago(hours=1)),
        _count(keeper, stocktake, shelf, item="Q", bin="B1", counted=5, at=ago(hours=1)),
    ]
    assert [r["status"] for r in keeper.results(first)] == ["applied", "applied"]
    assert (
        lead.results(
            [_count(lead, stocktake, shelf, item="Q", bin="B2", counted=7, at=ago(minutes=50))]
        )[0]["status"]
        == "applied"
    )
    post_moves(demo_settings, shelf, Move(ISSUE, "Q", -2, ago(minutes=30), "B1"))
    recount = _count(
        keeper, stocktake, shelf, item="P", lot="L1", bin="B1", counted=8, at=ago(minutes=10)
    )
    assert keeper.results([recount])[0]["status"] == "applied"

    supervisor = desk(client, "S0001")
    sections = _variance(supervisor, stocktake)
    assert _figures(sections["variance"], shelf) == {
        ("counted", "B1", "P", "L1", "8", "10", "-2"),
        ("counted", "B1", "Q", "", "5", "5", "0"),
        ("not_counted", "B1", "R", "", "0", "4", "-4"),
        ("counted", "B2", "Q", "", "7", "7", "0"),
    }
    assert _figures(sections["recounted"], shelf) == {
        ("recounted", "B1", "P", "L1", "9", "10", "-1")
    }
    page = supervisor.get(f"/desk/stock/stocktakes/{stocktake}")
    assert page.status_code == 200
    assert "Variance list" in page.text

    keeper_desk = desk(client, "K0001")
    early = form_post(keeper_desk, f"/desk/stock/stocktakes/{stocktake}/approve")
    assert early.status_code == 403  # a storekeeper is no approver
    submitted = form_post(keeper_desk, f"/desk/stock/stocktakes/{stocktake}/submit")
    assert submitted.status_code == 303
    refused = form_post(desk(client, "S0001"), f"/desk/stock/stocktakes/{stocktake}/approve")
    assert refused.status_code == 403
    assert "counted" in refused.text
    admin = desk(client, "A0001")
    for _ in range(2):  # approving twice writes nothing more
        approved = form_post(admin, f"/desk/stock/stocktakes/{stocktake}/approve")
        assert approved.status_code == 303, approved.text
    after = _variance(admin, stocktake)
    assert balances(demo_settings, shelf) == {
        ("B1", "P", "L1"): 8,
        ("B1", "Q", ""): 3,
        ("B1", "R", ""): 0,
        ("B2", "Q", ""): 7,
    }
    counts = read(
        demo_settings,
        select(db.StockMovement.quantity).where(col(db.StockMovement.stocktake_id) == stocktake),
    )
    assert sorted(q for (q,) in counts) == [-4, -2]
    assert ("counted", "B1", "P", "L1", "8", "10", "-2") in _figures(after["variance"], shelf)
    assert all(r["adjusted"] == "yes" for r in after["variance"] if r["difference"] != "0")


def test_a_count_after_approval_is_kept_and_flagged(
    demo_app: Litestar, client: Client, demo_settings: Settings
) -> None:
    shelf = _stocked(demo_settings)
    stocktake = _open(client, shelf)
    keeper = Phone(client, "K0001")
    counted = _count(keeper, stocktake, shelf, item="Q", bin="B2", counted=7, at=ago(hours=1))
    assert keeper.results([counted])[0]["status"] == "applied"
    keeper_desk = desk(client, "K0001")
    assert form_post(keeper_desk, f"/desk/stock/stocktakes/{stocktake}/submit").status_code == 303
    supervisor = desk(client, "S0001")
    assert form_post(supervisor, f"/desk/stock/stocktakes/{stocktake}/approve").status_code == 303
    late = _count(keeper, stocktake, shelf, item="R", bin="B1", counted=3, at=ago(minutes=1))
    assert keeper.results([late])[0]["status"] == "applied"  # kept, never dropped
    sections = _variance(supervisor, stocktake)
    assert _figures(sections["late"], shelf) == {("late", "B1", "R", "", "3", "4", "-1")}
    exceptions = supervisor.get("/desk/stock/exceptions", params={"format": "csv"})
    kinds = {(r["kind"], r["item_code"]) for r in csv_sections(exceptions.text)["exceptions"]}
    assert ("late_count", shelf.item_code("R")) in kinds
    assert (
        balances(demo_settings, shelf)[("B1", "R", "")] == 0
    )  # approval wrote R off; the late 3 waits


def test_counts_outside_the_senders_stores_are_refused_with_a_reason(
    demo_app: Litestar, client: Client, demo_settings: Settings
) -> None:
    shelf = _stocked(demo_settings)
    stocktake = _open(client, shelf)
    keeper = Phone(client, "K0001")
    unknown = keeper.op(
        "stock.count",
        {
            "line_id": str(uuid.uuid4()),
            "stocktake_id": str(uuid.uuid4()),
            "item_id": str(shelf.items["P"]),
            "counted": 1,
        },
    )
    technician = Phone(client, "T0001")
    not_a_counter = technician.op(
        "stock.count",
        {
            "line_id": str(uuid.uuid4()),
            "stocktake_id": str(stocktake),
            "item_id": str(shelf.items["P"]),
            "counted": 1,
        },
    )
    assert [(r["status"], r.get("code")) for r in keeper.results([unknown])] == [
        ("rejected", "unknown_stocktake")
    ]
    assert technician.results([not_a_counter])[0]["code"] == "forbidden"
