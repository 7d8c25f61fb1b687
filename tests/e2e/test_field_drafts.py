"""Drafts outlive the browser: text typed in a sheet and in the fault report form is there
after the browser was closed mid-typing and opened again on the same profile, and is gone
once the action is recorded. Against a real server, in Chromium with a profile on disk."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, expect

from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, FieldServer
from tests.e2e.field_steps import UUID, VIEWPORT, go, heading, sheet, sign_in, wait_synced
from tests.integration.work.loop import cast

pytestmark = pytest.mark.slow

RESOLUTION = "Replaced the call panel's relay; tested every bed's button"
REPORT = "Water drips from the ceiling tile above bed 4"

Phone = Callable[[], BrowserContext]


@pytest.fixture
def reopenable_phone(playwright: Playwright, tmp_path: Path) -> Iterator[Phone]:
    """Opens a phone-sized Chromium on one profile directory, again and again: closing it
    ends the browser, as Android does to a backgrounded tab, and its storage stays."""
    opened: list[BrowserContext] = []

    def open_phone() -> BrowserContext:
        context = playwright.chromium.launch_persistent_context(
            tmp_path / "profile",
            executable_path=CHROMIUM,
            args=list(CHROMIUM_ARGS),
            viewport=VIEWPORT,
            device_scale_factor=1,
            is_mobile=True,
            has_touch=True,
        )
        opened.append(context)
        return context

    yield open_phone
    for context in opened:
        context.close()


def in_progress_order(server: FieldServer) -> str:
    with httpx.Client(base_url=server.base, timeout=30) as http:
        c = cast(http)
        order_id = c.report("The nurse call panel beeps without a call")
        c.to_technician(order_id)
        return order_id


def open_order(page: Page, order_id: str) -> None:
    go(page, f"/orders/{order_id}")
    expect(page.locator(".page-head .eyebrow")).to_have_text("Work order")


def completion_sheet(page: Page) -> None:
    page.locator("button[data-key=primary]", has_text="Complete").click()
    expect(sheet(page).locator("h2")).to_have_text("Complete the work order")


def test_a_tab_killed_with_drafts_opens_with_them(
    reopenable_phone: Phone, field_server: FieldServer
) -> None:
    order_id = in_progress_order(field_server)
    phone = reopenable_phone()
    page = phone.pages[0] if phone.pages else phone.new_page()
    sign_in(page, field_server, "T0001")

    # Half a fault report: a room chosen, the description typed.
    go(page, "/report")
    page.fill("#r-room", "ward")
    page.locator("#r-rooms button.pick").first.click()
    room = page.locator(".what-box .chosen h3").inner_text()
    page.fill("#r-desc", REPORT)
    expect(page.locator(".report-form .draft-state")).to_contain_text("Draft kept on this phone")

    # Half a completion: the resolution typed, not yet sent.
    open_order(page, order_id)
    completion_sheet(page)
    sheet(page).locator("textarea[name=resolution]").fill(RESOLUTION)
    expect(sheet(page).locator(".draft-state")).to_contain_text("Draft kept on this phone")
    phone.close()  # the browser is gone, mid-task

    phone = reopenable_phone()
    page = phone.pages[0] if phone.pages else phone.new_page()
    page.goto(f"{field_server.app_url}#/orders/{order_id}")
    expect(page.locator(".page-head .eyebrow")).to_have_text("Work order")
    completion_sheet(page)
    expect(sheet(page).locator("textarea[name=resolution]")).to_have_value(RESOLUTION)

    go(page, "/report")
    expect(heading(page)).to_have_text("Report a fault")
    expect(page.locator("#r-desc")).to_have_value(REPORT)
    expect(page.locator(".what-box .chosen h3")).to_have_text(room)

    # Recorded: the report goes, and its draft with it.
    page.locator(".report-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(f"#/orders/{UUID}$"))
    reported = page.url.rsplit("/", 1)[1]
    wait_synced(page)
    go(page, "/report")
    expect(page.locator("#r-desc")).to_have_value("")
    expect(page.locator(".report-form .draft-state")).to_be_hidden()
    with httpx.Client(base_url=field_server.base, timeout=30) as http:
        assert cast(http).detail(reported)["order"]["description"] == REPORT
