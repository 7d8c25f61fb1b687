"""A storekeeper's scan looked up as the server reads it: the GS1 DataMatrix on a recalled
lot names the item and warns of the lot before anything is recorded."""

from __future__ import annotations

from datetime import date

from litestar import Litestar
from litestar.testing import TestClient

from tests.integration.stock.steps import get, items, stores
from tests.phone import Phone

Client = TestClient[Litestar]
GS = "\x1d"


def _item_of_lot(keeper: Phone, lot: str) -> dict[str, object]:
    main = stores(keeper)["MAIN"]["id"]
    item_id = next(
        b["item_id"] for b in get(keeper, "/api/v1/stock/balances", store=main) if b["lot"] == lot
    )
    return next(item for item in items(keeper, 200) if item["id"] == item_id)


def test_a_gs1_scan_names_the_item_and_warns_of_its_recalled_lot(client: Client) -> None:
    keeper = Phone(client, "K0001")
    item = _item_of_lot(keeper, "R0713")
    gtin = item["gtins"][0]  # type: ignore[index]
    scan = f"01{gtin}17{date.today().year % 100 + 1:02d}0630" + f"10R0713{GS}21SN1"
    found = get(keeper, "/api/v1/stock/lookup", scan=scan, symbology_id="]d2")
    assert found["item"]["id"] == item["id"]
    assert (found["scan"]["kind"], found["scan"]["lot"], found["scan"]["serial"]) == (
        "gs1",
        "R0713",
        "SN1",
    )
    assert found["scanned_lot_warnings"] == ["recalled"]
    assert found["suggested_lot"] == "R0840"  # never the recalled lot


def test_a_scan_that_breaks_its_standard_or_names_no_item_says_why(client: Client) -> None:
    keeper = Phone(client, "K0001")
    item = _item_of_lot(keeper, "B2401")
    gtin = str(item["gtins"][0])  # type: ignore[index]
    wrong_check = gtin[:-1] + str((int(gtin[-1]) + 1) % 10)

    def lookup(**params: str) -> tuple[int, str, str]:
        response = keeper.http.get("/api/v1/stock/lookup", headers=keeper.headers, params=params)
        body = response.json()
        return response.status_code, body["code"], body.get("extra", body).get("reason", "")

    assert lookup(scan=f"01{wrong_check}10B2401", symbology_id="]C1")[:2] == (
        422,
        "unreadable_scan",
    )
    assert lookup(scan="ELE-00042", symbology_id="]C0")[:2] == (422, "scan_names_no_item")
    assert lookup(scan=f"01{gtin}", gtin=gtin)[:2] == (422, "invalid_input")
