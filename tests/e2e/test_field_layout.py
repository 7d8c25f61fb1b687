"""The field app at a cheap phone's size: nothing wider than 360 px, every control a
thumb can hit (48 px), every field labelled, one heading per screen, in both languages."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page

from server.db.demo import DEMO_PASSWORD
from tests.e2e.browser import FieldServer
from tests.e2e.field_steps import wait_synced
from tests.phone import Phone

pytestmark = pytest.mark.slow

AUDIT = (Path(__file__).parent / "layout_audit.js").read_text()


SCREENS = ["#/orders", "#/orders/{order}", "#/report", "#/inbox", "#/settings"]


def audit(page: Page, where: str) -> None:
    page.wait_for_selector("main h1")
    found = page.evaluate(AUDIT)
    assert found["width"] <= 360, f"{where}: the page is {found['width']} px wide"
    assert found["h1"] == 1, (where, found)
    assert found["main"] == 1, (where, found)
    assert found["nav"] >= 1, (where, found)
    assert found["small"] == [], f"{where}: controls under 48 px: {found['small']}"
    assert found["unlabelled"] == [], f"{where}: fields without a label: {found['unlabelled']}"


@pytest.mark.parametrize("locale", ["en-GB", "zh-CN"])
def test_every_main_screen_fits_360_px_with_48_px_targets_and_labels(
    chromium: Browser, field_server: FieldServer, locale: str
) -> None:
    context = chromium.new_context(
        viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True, locale=locale
    )
    try:
        page = context.new_page()
        page.goto(field_server.app_url)
        audit(page, "sign in")
        page.fill("#si-emp", "T0001")
        page.fill("#si-pw", DEMO_PASSWORD)
        page.click("form.signin button[type=submit]")
        card = page.wait_for_selector(".order-card")
        assert card is not None
        order = (card.get_attribute("href") or "").removeprefix("#/orders/")
        assert page.evaluate("document.documentElement.lang").startswith(locale[:2])
        for screen in SCREENS:
            page.goto(field_server.app_url + screen.format(order=order))
            audit(page, f"{screen} ({locale})")
    finally:
        context.close()


STOCK_SCREENS = [
    "#/stock",
    "#/stock/receive",
    "#/stock/issue",
    "#/stock/count",
    "#/stock/move?kind=return",
    "#/stock/move?kind=transfer",
    "#/stock/move?kind=adjust",
    "#/stock/items",
    "#/stock/items/{item}",
]


@pytest.mark.parametrize("locale", ["en-GB", "zh-CN"])
def test_the_storekeepers_screens_fit_360_px_with_48_px_targets_and_labels(
    chromium: Browser, field_server: FieldServer, locale: str
) -> None:
    context = chromium.new_context(
        viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True, locale=locale
    )
    try:
        page = context.new_page()
        page.goto(field_server.app_url)
        page.fill("#si-emp", "K0001")
        page.fill("#si-pw", DEMO_PASSWORD)
        page.click("form.signin button[type=submit]")
        page.wait_for_function("location.hash === '#/stock'")
        with httpx.Client(base_url=field_server.base, timeout=30) as http:
            keeper = Phone(http, "K0001")
            found = http.get("/api/v1/items", headers=keeper.headers, params={"limit": 1})
            item = found.json()["items"][0]["id"]
        for screen in STOCK_SCREENS:
            page.goto(field_server.app_url + screen.format(item=item))
            audit(page, f"{screen} ({locale})")
    finally:
        context.close()


@pytest.mark.parametrize("locale", ["en-GB", "zh-CN"])
def test_the_guards_screens_fit_360_px_with_48_px_targets_and_labels(
    chromium: Browser, field_server: FieldServer, locale: str
) -> None:
    context = chromium.new_context(
        viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True, locale=locale
    )
    try:
        page = context.new_page()
        page.goto(field_server.app_url)
        page.fill("#si-emp", "G0001")
        page.fill("#si-pw", DEMO_PASSWORD)
        page.click("form.signin button[type=submit]")
        page.wait_for_function("location.hash === '#/patrol'")
        page.wait_for_selector(".routes li", state="attached")
        page.locator("details:has(.routes) summary").click()  # the routes, opened
        audit(page, f"#/patrol ({locale})")
        for screen in ("#/patrol/clock", "#/patrol/incident"):
            page.goto(field_server.app_url + screen)
            audit(page, f"{screen} ({locale})")
        # A round started by hand, its screen and its incident form, then ended again.
        page.goto(field_server.app_url + "#/patrol")
        page.locator("details:has(.routes) summary").click()
        page.locator(".routes li button").first.click()
        page.wait_for_selector(".round-summary")
        round_url = page.url
        audit(page, f"#/patrol/rounds/<id> ({locale})")
        page.goto(round_url.replace("#/patrol/rounds/", "#/patrol/incident?round="))
        audit(page, f"#/patrol/incident?round=<id> ({locale})")
        page.goto(round_url)
        page.once("dialog", lambda dialog: dialog.accept())
        page.locator("main .actions button").click()
        page.wait_for_function("location.hash === '#/patrol'")
        wait_synced(page)  # the round ended on the server too, for the next locale's phone
    finally:
        context.close()
