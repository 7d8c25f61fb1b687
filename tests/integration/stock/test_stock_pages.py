"""The desk's stock pages through HTTP: a lot's recall trace, ABC and turnover and
consumption against a month worked out by hand, and every page and download per role.

May 2032 (31 days), which nothing else touches. Costs: P 100, Q 1000, R 50, S 200 cents.

| item | before May       | in May                                        | consumed | value |
| P    | 10 on 20 April   | issue 4 to ICU on the 11th, return 1 the 21st | 3        | 300   |
| Q    | -                | receive 20 on the 1st, issue 10 to CC-9 the 16th | 10    | 10000 |
| R    | 100 on 20 April  | -                                             | 0        | 0     |
| S    | 8 on 20 April    | issue 8 to ICU on the 5th                     | 8        | 1600  |

S: 8 for 4 days, then none: 32 / 31 = 1.03 on average, turnover 32 / 8 = 4 days.

P ends the days at 10 (1st-10th), 6 (11th-20th), 7 (21st-31st): 237 / 31 = 7.65 on average,
turnover 237 / 3 = 79 days. Q: 20 for 15 days, 10 for 16: 460 / 31 = 14.84, turnover 46 days.
ABC of 11900: Q A, S B (84 % before it), P C, R C.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select
from sqlmodel import col

from server.db import models as db
from server.settings import Settings
from tests.conftest import api_login
from tests.integration.stock.builders import (
    Move,
    Shelf,
    ago,
    build_shelf,
    csv_sections,
    desk,
    form_post,
    post_moves,
    read,
)

Client = TestClient[Litestar]
pytestmark = pytest.mark.db
K = db.MovementKind
READERS = {"admin", "desk", "supervisor", "team_lead", "technician", "storekeeper"}
DEMO = {
    "admin": "A0001",
    "desk": "D0001",
    "supervisor": "S0001",
    "team_lead": "L0001",
    "technician": "T0001",
    "storekeeper": "K0001",
    "requester": "R0001",
    "guard": "G0001",
    "cleaner": "C0001",
    "contractor_manager": "M0001",
}
PAGES = [
    "/desk/stock",
    "/desk/stock/movements",
    "/desk/stock/exceptions",
    "/desk/stock/stocktakes",
    "/desk/stock/expiring",
    "/desk/stock/reorder",
    "/desk/stock/consumption",
    "/desk/stock/abc",
]


def may(day: int) -> datetime:
    return datetime(2032, 5, day, 12, tzinfo=UTC)


def _month(settings: Settings) -> Shelf:
    shelf = build_shelf(settings, ["B1"], {"P": 100, "Q": 1000, "R": 50, "S": 200})
    april = datetime(2032, 4, 20, tzinfo=UTC)
    post_moves(
        settings,
        shelf,
        Move(K.RECEIVE, "P", 10, april, "B1"),
        Move(K.RECEIVE, "R", 100, april, "B1"),
        Move(K.RECEIVE, "S", 8, april, "B1"),
        Move(K.RECEIVE, "Q", 20, may(1), "B1"),
        Move(K.ISSUE, "S", -8, may(5), "B1", department="ICU"),
        Move(K.ISSUE, "P", -4, may(11), "B1", department="ICU"),
        Move(K.ISSUE, "Q", -10, may(16), "B1", cost_centre="CC-9"),
        Move(K.RETURN, "P", 1, may(21), "B1", department="ICU"),
    )
    return shelf


def test_abc_turnover_and_consumption_of_a_hand_computed_month(
    client: Client, demo_settings: Settings
) -> None:
    shelf = _month(demo_settings)
    browser = desk(client, "S0001")
    abc = browser.get("/desk/stock/abc", params={"month": "2032-05", "format": "csv"})
    rows = {r["item_code"]: r for r in csv_sections(abc.text)["abc_turnover"]}
    figures = {
        name: (
            rows[shelf.item_code(name)]["suggested_class"],
            rows[shelf.item_code(name)]["consumption_12m_cents"],
            rows[shelf.item_code(name)]["month_consumed"],
            rows[shelf.item_code(name)]["average_on_hand"],
            rows[shelf.item_code(name)]["turnover_days"],
        )
        for name in "PQRS"
    }
    assert figures == {
        "P": ("C", "300", "3", "7.65", "79.0"),
        "Q": ("A", "10000", "10", "14.84", "46.0"),
        "R": ("C", "0", "0", "100.0", ""),
        "S": ("B", "1600", "8", "1.03", "4.0"),
    }
    consumption = browser.get(
        "/desk/stock/consumption", params={"month": "2032-05", "format": "csv"}
    )
    lines = {
        (r["department_code"], r["cost_centre"], r["units"], r["value_cents"])
        for r in csv_sections(consumption.text)["consumption_by_department"]
    }
    icu_cost_centre = read(
        demo_settings, select(db.Department.cost_centre).where(col(db.Department.code) == "ICU")
    )[0][0]
    assert lines == {("ICU", icu_cost_centre, "11", "1900"), ("", "CC-9", "10", "10000")}


def test_a_recall_traces_every_movement_and_tells_the_storekeepers(
    client: Client, demo_settings: Settings
) -> None:
    shelf = build_shelf(demo_settings, ["B1", "B2"], {"P": 300})
    order = read(
        demo_settings,
        select(db.WorkOrder.id, db.WorkOrder.number, db.Department.name)
        .join(db.Department, col(db.Department.id) == col(db.WorkOrder.department_id))
        .join(db.Site, col(db.Site.id) == col(db.WorkOrder.site_id))
        .where(col(db.Site.code) == "EAST")
        .limit(1),
    )[0]
    post_moves(
        demo_settings,
        shelf,
        Move(K.RECEIVE, "P", 10, ago(days=5), "B1", "L7"),
        Move(K.ISSUE, "P", -3, ago(days=4), "B1", "L7", work_order_id=order[0]),
        Move(K.TRANSFER_OUT, "P", -2, ago(days=3), "B1", "L7"),
        Move(K.TRANSFER_IN, "P", 2, ago(days=3), "B2", "L7"),
        Move(K.RETURN, "P", 1, ago(days=2), "B1", "L7", department="ICU"),
    )
    lot = shelf.lot("P", "L7")
    keeper = desk(client, "K0001")
    recalled = form_post(keeper, f"/desk/stock/lots/{lot}/recall", reason="Supplier notice 42")
    assert recalled.status_code == 303
    trace = csv_sections(keeper.get(f"/desk/stock/lots/{lot}", params={"format": "csv"}).text)
    assert [(r["kind"], r["bin"], r["quantity"], r["work_order"]) for r in trace["movements"]] == [
        ("receive", "B1", "10", ""),
        ("issue", "B1", "-3", order[1]),
        ("transfer_out", "B1", "-2", ""),
        ("transfer_in", "B2", "2", ""),
        ("return", "B1", "1", ""),
    ]
    assert trace["movements"][1]["department"] == order[2]
    assert {(r["bin"], r["on_hand"]) for r in trace["held"]} == {("B1", "6"), ("B2", "2")}
    told = read(
        demo_settings,
        select(db.User.employee_no)
        .join(db.Notification, col(db.Notification.user_id) == col(db.User.id))
        .where(col(db.Notification.url) == f"/desk/stock/lots/{lot}"),
    )
    assert [row[0] for row in told] == ["K0001"]
    on_hand = keeper.get("/desk/stock", params={"q": shelf.item_code("P"), "format": "csv"})
    assert {r["recalled"] for r in csv_sections(on_hand.text)["on_hand"]} == {"yes"}


def _west_storekeeper(client: Client) -> str:
    number = f"KW{uuid.uuid4().hex[:5]}"
    made = client.post(
        "/api/v1/people",
        headers=api_login(client, "A0001"),
        json={
            "employee_no": number,
            "name": "West Storekeeper",
            "password": "long enough",
            "roles": ["storekeeper"],
            "site_codes": ["WEST"],
        },
    )
    assert made.status_code == 201, made.text
    return number


@pytest.mark.parametrize("role", sorted(DEMO))
def test_every_stock_page_and_download_per_role(client: Client, role: str) -> None:
    browser = desk(client, DEMO[role])
    for path in PAGES:
        for fmt in ("", "csv", "xlsx"):
            response = browser.get(path, params={"format": fmt} if fmt else {})
            assert response.status_code == (200 if role in READERS else 403), (path, fmt)
            if role in READERS and fmt == "xlsx":
                assert response.content[:2] == b"PK"


def test_a_storekeeper_of_another_site_sees_nothing_of_this_one(
    client: Client, demo_settings: Settings
) -> None:
    shelf = build_shelf(demo_settings, ["B1"], {"P": 100})
    post_moves(demo_settings, shelf, Move(K.RECEIVE, "P", 5, ago(days=1), "B1", "L1"))
    west = desk(client, _west_storekeeper(client), "long enough")
    for path in PAGES:
        page = west.get(path, params={"format": "csv"})
        assert page.status_code == 200
        assert shelf.code not in page.text, path
        assert shelf.item_code("P") not in page.text, path
    trace = west.get(f"/desk/stock/lots/{shelf.lot('P', 'L1')}", params={"format": "csv"})
    assert csv_sections(trace.text)["movements"] == []
    opened = form_post(west, "/desk/stock/stocktakes", store_id=str(shelf.store_id))
    assert opened.status_code == 404
    east = desk(client, "K0001")
    assert shelf.code in east.get("/desk/stock", params={"format": "csv"}).text
