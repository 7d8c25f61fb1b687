"""The desk's "new request" form in Debian's Chromium: errors shown in place (a 422
swapped by htmx), search-as-you-type, a duplicate offered and the call added to it.

Leaves a screenshot of the offer at artifacts/screens/intake.png ($ROUNDS_SHOTS_DIR
overrides the folder; docs/figures/intake.png is one).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from server.db.demo import DEMO_PASSWORD
from tests.e2e.browser import ROOT, FieldServer

pytestmark = pytest.mark.slow
SHOTS = Path(os.environ.get("ROUNDS_SHOTS_DIR") or ROOT / "artifacts" / "screens")
WAIT_MS = 60_000
SEARCH_TRIES, SEARCH_WAIT_MS = 12, 5_000


@pytest.fixture
def desk(chromium: Browser, field_server: FieldServer) -> Iterator[Page]:
    """The desk user signed in, on a desk-sized screen."""
    context = chromium.new_context(viewport={"width": 1100, "height": 1400})
    page = context.new_page()
    page.goto(f"{field_server.base}/desk/login")
    page.fill("input[name=employee_no]", "D0001")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/desk/$"))
    yield page
    context.close()


def search_until(page: Page, text: str, hit: Locator) -> None:
    """Type into the search box until `hit` shows. After a 422 the form is swapped in anew,
    and htmx binds the box's trigger only once the swap settles: typing before that sends
    nothing, so the search is typed again rather than waited on for ever."""
    box = page.locator("#intake-q")
    for _ in range(SEARCH_TRIES):
        box.fill("")
        box.fill(text)
        try:
            expect(hit).to_be_visible(timeout=SEARCH_WAIT_MS)
            return
        except AssertionError:
            continue
    expect(hit).to_be_visible(timeout=WAIT_MS)


def pick_an_infusion_pump(page: Page) -> str:
    first = page.locator("#intake-hits label.hit[data-hit^='asset:']").first
    search_until(page, "Infusion pump", first)
    first.click()
    chosen = first.get_attribute("data-hit")
    assert chosen
    return chosen


def fill_the_call(page: Page, caller: str, phone: str) -> None:
    page.select_option("select[name=department_id]", label="ICU · Intensive Care Unit")
    page.fill("textarea[name=description]", "Pump alarms on start, will not run")
    page.select_option("select[name=priority]", "2")
    page.fill("input[name=caller_name]", caller)
    page.fill("input[name=caller_phone]", phone)


def test_intake_errors_duplicate_offer_and_call(desk: Page, field_server: FieldServer) -> None:
    page = desk
    page.goto(f"{field_server.base}/desk/board")
    page.click("a[data-intake]")
    page.wait_for_url(re.compile(r"/desk/board/new$"))
    # Submitted empty: htmx swaps the 422 answer, each message beside its field.
    page.click("#intake-form button.big")
    expect(page.locator("[data-error-field=caller_name]")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("[data-error-field=where]")).to_be_visible()
    assert page.url.endswith("/desk/board/new"), "the form stays, nothing was made"

    chosen = pick_an_infusion_pump(page)
    fill_the_call(page, "Nurse Jane Doyle", "+44 20 7946 0321")
    page.click("#intake-form button.big")
    # The demo may already hold open orders on the pump: then make a new one anyway.
    anyway = page.locator("button[name=decision][value=new]")
    order_page = re.compile(r"/desk/orders/[0-9a-f-]{36}$")
    page.wait_for_function(
        "() => /\\/desk\\/orders\\//.test(location.pathname) || "
        "document.querySelector('button[name=decision][value=new]') !== null",
        timeout=WAIT_MS,
    )
    if anyway.count():
        anyway.click()
    page.wait_for_url(order_page, timeout=WAIT_MS)
    first_order = page.url.rsplit("/", 1)[1]
    expect(page.locator("[data-section=calls]")).to_contain_text("Nurse Jane Doyle")

    # A second caller about the same pump: the open order is offered.
    page.goto(f"{field_server.base}/desk/board/new")
    again = page.locator(f"#intake-hits label.hit[data-hit='{chosen}']")
    search_until(page, "Infusion pump", again)
    again.click()
    fill_the_call(page, "Porter Sam Hill", "0161 496 0000")
    page.click("#intake-form button.big")
    offer = page.locator(f"[data-duplicate='{first_order}']")
    expect(offer).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("button[name=decision][value=new]")).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "intake.png"), full_page=True)

    offer.locator("button[name=decision]").click()
    page.wait_for_url(re.compile(rf"/desk/orders/{first_order}$"), timeout=WAIT_MS)
    calls = page.locator("[data-section=calls]")
    expect(calls).to_contain_text("Porter Sam Hill")
    expect(page.locator("tr[data-action=call]")).to_have_count(1)
