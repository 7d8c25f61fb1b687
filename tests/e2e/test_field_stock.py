"""Stock in the field app, offline, against real servers on both databases.

The storekeeper K0001 signs in online on a 360x740 touch phone whose camera (Chromium's
fake device) shows a GS1 DataMatrix made by the test: (01) the GTIN of a demo item, (17)
an expiry, (10) a new lot. Offline, the app reloads from its service worker; on Receive
the camera reads the label (zxing-wasm in its worker), a line names the item, its lot and
expiry, and five units are received into Main Stores. Back online the sync sends it, and
the server's balance of Main Stores holds the lot with those five.

The storekeeper counts a bin blind, offline: a stocktake of one bin opened at the desk,
the bin's label and an item's EAN-13 read by a keyboard-wedge scanner, the number put
right by hand; nothing on the screen says what the records expect. After the sync the
desk's download of the stocktake has the line.

A technician, T0001, works an order offline and takes a part from the van they hold: the
part sheet says where from, the part line is a stock issue to the order. After the sync
the order's part cost is what left the van at the item's average cost, and the van's
balance is lower by what the order used.

Offline, the storekeeper also issues to a department (the lot first to expire suggested),
takes a unit back, moves one to a van and writes one off as damaged: the server's balances
move by exactly that. And when two phones take a van's last units offline, both records
stand: the van goes below zero on the server and on the phone, the order keeps its part,
and the storekeeper finds the exception at the desk.

Screenshots go to artifacts/screens/stock-*.png.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, expect

from server.db.demo import DEMO_PASSWORD
from tests.e2e.browser import FieldServer
from tests.e2e.field_steps import (
    SCREENS,
    SYNC_MS,
    heading,
    pending_badge,
    phone_context,
    reload_offline,
    sheet,
    sign_in,
    wait_synced,
)
from tests.e2e.stock_steps import (
    balances,
    camera_shows,
    done_lines,
    fresh_lot,
    get,
    gs1_datamatrix,
    on_hand,
    scan_lines,
    store_by_code,
)
from tests.e2e.technician_steps import camera_browser, ean13, wedge_burst
from tests.integration.console_client import CSRF_COOKIE
from tests.integration.work.loop import cast
from tests.phone import Phone

pytestmark = pytest.mark.slow


def screenshot(page: Page, screen: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=SCREENS / f"stock-{screen}.png", style="#toast { visibility: hidden !important; }"
    )


@pytest.fixture
def keeper(field_server_each_backend: FieldServer) -> Iterator[tuple[FieldServer, Phone]]:
    with httpx.Client(base_url=field_server_each_backend.base, timeout=30) as http:
        yield field_server_each_backend, Phone(http, "K0001")


def test_storekeeper_receives_a_lot_by_datamatrix_offline_and_the_server_holds_it(
    playwright: Playwright, keeper: tuple[FieldServer, Phone], tmp_path: Path
) -> None:
    server, k = keeper
    main = store_by_code(k, "MAIN")
    items = get(k, "/api/v1/items", limit=200)["items"]
    item = sorted((i for i in items if i["gtins"]), key=lambda i: str(i["code"]))[0]
    lot, expiry = fresh_lot()
    label = gs1_datamatrix(item["gtins"][0], expiry, lot)
    browser = camera_browser(playwright, camera_shows(label, tmp_path / "label.y4m"))
    context: BrowserContext = phone_context(browser)
    try:
        page = context.new_page()
        sign_in(page, server, "K0001")
        expect(heading(page)).to_have_text("Stock")  # a storekeeper's home
        page.wait_for_function("navigator.serviceWorker.controller !== null")

        reload_offline(context, page)
        expect(heading(page)).to_have_text("Stock")
        page.get_by_role("link", name="Receive").click()
        expect(heading(page)).to_have_text("Receive stock")
        page.get_by_role("button", name="Camera on").click()
        line = scan_lines(page).first
        expect(line).to_contain_text(item["name"], timeout=SYNC_MS)
        expect(line).to_contain_text(f"Lot {lot}")
        expect(line).to_contain_text(f"Expires {expiry.isoformat()}")
        expect(page.locator("input[name=lot]")).to_have_value(lot)
        expect(page.locator("input[name=expiry]")).to_have_value(expiry.isoformat())
        page.get_by_role("button", name="Camera off").click()
        page.locator("input[name=quantity]").fill("5")
        page.locator("input[name=quantity]").blur()
        screenshot(page, "receive")
        page.get_by_role("button", name="Receive", exact=True).click()
        expect(done_lines(page).first).to_contain_text(f"Received 5 × {item['name']} into MAIN")
        expect(pending_badge(page)).to_have_text("1")

        # The phone shows the lot it made offline, under the id the server will give it.
        page.goto(f"{server.app_url}#/stock/items/{item['id']}")
        expect(page.locator(".card", has_text=f"Lot {lot}").first).to_be_visible()
        screenshot(page, "item-offline")

        context.set_offline(False)
        wait_synced(page)
    finally:
        context.close()
        browser.close()
    rows = get(k, "/api/v1/stock/balances", store=main["id"])
    mine = [r for r in rows if r["item_id"] == item["id"] and r["lot"] == lot]
    assert [(r["on_hand"], r["expiry"]) for r in mine] == [(5, expiry.isoformat())]


def test_technician_issues_a_part_from_the_van_offline_and_cost_and_balance_agree(
    phone: BrowserContext, field_server_each_backend: FieldServer
) -> None:
    server = field_server_each_backend
    with httpx.Client(base_url=server.base, timeout=30) as http:
        c = cast(http)
        order_id = c.report("Ward light fitting flickers and buzzes", priority=3)
        c.to_technician(order_id)
        van = store_by_code(c.technician, "VAN-T0001")
        held = [
            b
            for b in get(c.technician, "/api/v1/stock/balances", store=van["id"])
            if b["on_hand"] >= 2
        ]
        assert held, "the demo van carries opening stock"
        part = get(c.technician, "/api/v1/stock/lookup", item=held[0]["item_id"])["item"]
        before = on_hand(c.technician, van["id"], part["id"])

        page = phone.new_page()
        sign_in(page, server, "T0001")
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        reload_offline(phone, page)
        page.goto(f"{server.app_url}#/orders/{order_id}")
        expect(page.locator(".page-head .badge").first).to_have_text("In progress")
        page.locator(".actions-panel .tools button", has_text="Add part").click()
        parts = sheet(page)
        expect(parts.locator(".part-source")).to_contain_text("VAN-T0001")
        parts.locator("input[type=search]").fill(part["code"])
        parts.locator("button.pick", has_text=part["name"]).click()
        expect(parts.locator(".picked strong")).to_have_text(part["name"])
        expect(parts.locator(".part-source")).to_contain_text(f"{before} on hand there")
        parts.locator("button.step", has_text="One more").click()
        screenshot(page, "van-part")
        parts.locator("button[type=submit]").click()
        expect(sheet(page)).to_have_count(0)
        expect(page.locator(".card.unsent li")).to_contain_text([f"Part: 2 × {part['name']}"])
        expect(pending_badge(page)).to_have_text("1")

        phone.set_offline(False)
        wait_synced(page)
        detail = c.detail(order_id)
        lines = [p for p in detail["parts"] if p["item_id"] == part["id"]]
        average = get(c.technician, "/api/v1/stock/lookup", item=part["id"])["item"][
            "unit_cost_cents"
        ]
        assert [(p["quantity"], p["cost_cents"]) for p in lines] == [(2, 2 * average)]
        assert detail["parts_cents"] == 2 * average
        assert on_hand(c.technician, van["id"], part["id"]) == before - 2
        expect(page.locator(".card.unsent")).to_have_count(0, timeout=SYNC_MS)
        assert re.search(r"#/orders/", page.url)


def desk(context: BrowserContext, server: FieldServer) -> Page:
    """The storekeeper signed in to the desk console in this browser (its own tab)."""
    page = context.new_page()
    page.goto(f"{server.base}/desk/login")
    page.fill("input[name=employee_no]", "K0001")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/desk/$"))
    return page


def open_stocktake(page: Page, server: FieldServer, store_id: str, bin_code: str) -> str:
    """A stocktake of one bin, opened with the console's own form post."""
    token = next(c["value"] for c in page.context.cookies() if c["name"] == CSRF_COOKIE)
    opened = page.request.post(
        f"{server.base}/desk/stock/stocktakes",
        form={"store_id": store_id, "bins": bin_code, "note": "Cycle count", "_csrf_token": token},
        max_redirects=0,
    )
    assert opened.status == 303, opened.text()
    return opened.headers["location"].rsplit("/", 1)[1]


def counted_lines(page: Page, server: FieldServer, stocktake_id: str) -> list[dict[str, str]]:
    """The stocktake's variance lines as the desk downloads them (the CSV's first sheet,
    after its "# variance" line)."""
    sheet_csv = page.request.get(f"{server.base}/desk/stock/stocktakes/{stocktake_id}?format=csv")
    assert sheet_csv.status == 200, sheet_csv.text()
    text = sheet_csv.text().lstrip("\ufeff")
    first = text.split("\n#", 1)[0].split("\n", 1)[1]
    return list(csv.DictReader(io.StringIO(first)))


def test_storekeeper_counts_a_bin_blind_offline_and_the_desk_has_the_count(
    phone: BrowserContext, keeper: tuple[FieldServer, Phone]
) -> None:
    server, k = keeper
    main = store_by_code(k, "MAIN")
    # A bin that holds an item with an EAN-13 label, from the server's own balances.
    for row in get(k, "/api/v1/stock/balances", store=main["id"]):
        item = get(k, "/api/v1/stock/lookup", item=row["item_id"])["item"]
        if row["bin_code"] and any(g.startswith("0") for g in item["gtins"]):
            bin_code = row["bin_code"]
            break
    else:
        raise AssertionError("Main Stores holds labelled stock in bins")
    console = desk(phone, server)
    stocktake_id = open_stocktake(console, server, main["id"], bin_code)

    page = phone.new_page()
    sign_in(page, server, "K0001")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    reload_offline(phone, page)
    page.get_by_role("link", name="Count a bin").click()
    expect(heading(page)).to_have_text("Count a bin")
    expect(page.locator(".note-box")).to_contain_text("does not show what the records expect")
    wedge_burst(page, bin_code)
    expect(page.locator(".picked-box .picked")).to_have_text(f"Bin {bin_code}")
    wedge_burst(page, ean13(item))
    line = page.locator("li.count-line")
    expect(line).to_have_count(1)
    expect(line).to_contain_text(item["name"])
    expect(line.locator("input")).to_have_value("1")
    line.locator("input").fill("3")
    line.locator("input").blur()  # the keyboard goes, and the tab bar comes back
    expect(page.locator("#main")).not_to_contain_text("on hand")  # blind: nothing expected
    screenshot(page, "count")
    page.get_by_role("button", name="Record this bin’s count").click()
    expect(done_lines(page).first).to_contain_text(f"Bin {bin_code}: 1 line counted")
    expect(pending_badge(page)).to_have_text("1")

    phone.set_offline(False)
    wait_synced(page)
    lines = counted_lines(console, server, stocktake_id)
    # The line this phone counted (lots of the item it did not count show as not counted).
    mine = [
        (r["bin"], r["counted"])
        for r in lines
        if r["item_code"] == item["code"] and r["status"] != "not_counted"
    ]
    assert mine == [(bin_code, "3")], lines


def test_storekeeper_issues_returns_moves_and_adjusts_offline_and_the_ledger_agrees(
    phone: BrowserContext, keeper: tuple[FieldServer, Phone]
) -> None:
    server, k = keeper
    main = store_by_code(k, "MAIN")
    van = store_by_code(k, "VAN-T0001")
    # An item Main Stores holds in lots, labelled with an EAN-13.
    for row in get(k, "/api/v1/stock/balances", store=main["id"]):
        item = get(k, "/api/v1/stock/lookup", item=row["item_id"])["item"]
        if row["lot"] and row["on_hand"] >= 3 and any(g.startswith("0") for g in item["gtins"]):
            break
    else:
        raise AssertionError("Main Stores holds labelled stock in lots")
    in_main, in_van = on_hand(k, main["id"], item["id"]), on_hand(k, van["id"], item["id"])
    department = get(k, "/api/v1/departments")[0]
    label = ean13(item)

    page = phone.new_page()
    sign_in(page, server, "K0001")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    reload_offline(phone, page)

    # Issue two to a department: the lot first to expire is the one suggested.
    page.get_by_role("link", name="Issue", exact=True).click()
    expect(heading(page)).to_have_text("Issue stock")
    page.locator("select[name=department]").select_option(department["id"])
    wedge_burst(page, label)
    expect(page.locator(".picked")).to_contain_text(item["name"])
    expect(page.locator("select[name=lot] option").first).to_contain_text("first to expire")
    page.locator("button.step", has_text="One more").click()
    page.get_by_role("button", name="Issue", exact=True).click()
    expect(done_lines(page).first).to_contain_text(
        f"Issued 2 × {item['name']} to {department['name']}"
    )

    # One comes back from the department; one goes to T0001's van; one was found damaged.
    page.goto(f"{server.app_url}#/stock/move?kind=return&store={main['id']}")
    expect(heading(page)).to_have_text("Return, move or adjust")
    page.locator("select[name=department]").select_option(department["id"])
    wedge_burst(page, label)
    expect(page.locator(".picked")).to_contain_text(item["name"])
    page.get_by_role("button", name="Record the return").click()
    expect(done_lines(page).first).to_contain_text(f"Returned 1 × {item['name']}")

    page.get_by_role("link", name="Move", exact=True).click()
    page.locator("select[name=to_store]").select_option(van["id"])
    wedge_burst(page, label)
    expect(page.locator(".picked")).to_contain_text(item["name"])
    page.get_by_role("button", name="Record the move").click()
    expect(done_lines(page).first).to_contain_text(f"Moved 1 × {item['name']}")

    page.get_by_role("link", name="Adjust", exact=True).click()
    page.locator("select[name=adjust_reason]").select_option("damaged")
    wedge_burst(page, label)
    expect(page.locator(".picked")).to_contain_text(item["name"])
    screenshot(page, "adjust")
    page.get_by_role("button", name="Record the adjustment").click()
    expect(done_lines(page).first).to_contain_text(f"Adjusted {item['name']} by 1")
    expect(pending_badge(page)).to_have_text("4")

    phone.set_offline(False)
    wait_synced(page)
    assert on_hand(k, main["id"], item["id"]) == in_main - 2 + 1 - 1 - 1
    assert on_hand(k, van["id"], item["id"]) == in_van + 1


def test_two_phones_take_the_last_units_offline_both_stand_and_the_storekeeper_sees_it(
    phone: BrowserContext, field_server_each_backend: FieldServer
) -> None:
    server = field_server_each_backend
    with httpx.Client(base_url=server.base, timeout=30) as http:
        c = cast(http)
        keeper = Phone(http, "K0001")
        order_id = c.report("Bedhead socket loose in bay 4", priority=3)
        c.to_technician(order_id)
        van = store_by_code(c.technician, "VAN-T0001")
        row = next(b for b in balances(c.technician, van["id"]) if b["on_hand"] >= 1)
        part = get(c.technician, "/api/v1/stock/lookup", item=row["item_id"])["item"]
        held = on_hand(c.technician, van["id"], part["id"])

        page = phone.new_page()
        sign_in(page, server, "T0001")
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        reload_offline(phone, page)

        # Meanwhile the storekeeper's phone takes everything the van holds of it to a ward.
        department = get(keeper, "/api/v1/departments")[0]
        for b in balances(keeper, van["id"]):
            if b["item_id"] == part["id"] and b["on_hand"] > 0:
                args = {
                    "movement_id": str(uuid.uuid4()),
                    "store_id": van["id"],
                    "item_id": part["id"],
                    "quantity": b["on_hand"],
                    "department_id": department["id"],
                }
                if b["bin_id"]:
                    args["bin_id"] = b["bin_id"]
                if b["lot"]:
                    args["lot"] = b["lot"]
                (result,) = keeper.results([keeper.op("stock.issue", args)])
                assert result["status"] == "applied", result
        assert on_hand(keeper, van["id"], part["id"]) == 0

        # The technician, offline, still sees the units on the phone and fits one.
        page.goto(f"{server.app_url}#/orders/{order_id}")
        page.locator(".actions-panel .tools button", has_text="Add part").click()
        parts = sheet(page)
        parts.locator("input[type=search]").fill(part["code"])
        parts.locator("button.pick", has_text=part["name"]).click()
        expect(parts.locator(".part-source")).to_contain_text(f"{held} on hand there")
        parts.locator("button[type=submit]").click()
        expect(sheet(page)).to_have_count(0)

        phone.set_offline(False)
        wait_synced(page)
        # Both records stand: the van is one below zero, and the order has its part.
        assert on_hand(keeper, van["id"], part["id"]) == -1
        assert [p["quantity"] for p in c.detail(order_id)["parts"]] == [1]
        page.goto(f"{server.app_url}#/stock/items/{part['id']}")
        # The van's line says so (under its lot too, when the part is kept by lot).
        expect(page.locator(".warn-text", has_text="-1 on hand").first).to_be_visible()
        screenshot(page, "below-zero")

        # The storekeeper has an exception to look at, at the desk.
        console = desk(phone, server)
        console.goto(f"{server.base}/desk/stock/exceptions")
        expect(console.locator("main")).to_contain_text(part["name"])
