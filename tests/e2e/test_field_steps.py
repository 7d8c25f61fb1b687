"""The field app's screens keep what the user does and types, against a real server.

A gloved double tap on a step records one step (the outbox holds one op, the server one
event); an action the phone cannot store says so and keeps the button and the text; what
is typed in a sheet survives the browser's Back, and is gone once the action is recorded.
(A tab killed with a draft: test_field_drafts.py.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.e2e.browser import FieldServer
from tests.e2e.field_steps import (
    device_id,
    go,
    pending_badge,
    sheet,
    sign_in,
    sync_state,
    wait_synced,
)
from tests.integration.work.loop import Cast, applied, cast

pytestmark = pytest.mark.slow

NOTE = "Fan bearing noisy at start-up; check again when the ward is quiet"
# The client turns the browser's QuotaExceededError into storage_full (src/sync/client.js).
STORAGE_FULL = "There is no room left on this phone to keep this."


@pytest.fixture
def crew(field_server_each_backend: FieldServer) -> Iterator[tuple[FieldServer, Cast]]:
    with httpx.Client(base_url=field_server_each_backend.base, timeout=30) as http:
        yield field_server_each_backend, cast(http)


def assigned_order(c: Cast) -> str:
    """An order of R0001's department, dispatched to Electrical and assigned to T0001."""
    order_id = c.report("The nurse call panel beeps without a call")
    technician = c.technician.http.get("/api/v1/auth/me", headers=c.technician.headers).json()
    applied(c.desk, "dispatch", work_order_id=order_id, team_id=c.team_id("ELEC"))
    applied(c.lead, "assign", work_order_id=order_id, technician_id=technician["id"])
    return order_id


def open_order(page: Page, order_id: str) -> None:
    go(page, f"/orders/{order_id}")
    expect(page.locator(".page-head .eyebrow")).to_have_text("Work order")


def primary(page: Page) -> Locator:
    return page.locator("button[data-key=primary]")


def status_badge(page: Page) -> Locator:
    return page.locator(".page-head .badge").first


def events(c: Cast, order_id: str, device: str) -> list[str]:
    return [e["action"] for e in c.detail(order_id)["timeline"] if e["device_id"] == device]


def double_tap(page: Page, button: Locator) -> None:
    """Two taps at one spot, the second sent straight after the first, as a glove does."""
    box = button.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.touchscreen.tap(x, y)
    page.touchscreen.tap(x, y)


def test_a_double_tap_records_one_step(
    phone: BrowserContext, crew: tuple[FieldServer, Cast]
) -> None:
    server, c = crew
    order_id = assigned_order(c)
    page = phone.new_page()
    sign_in(page, server, "T0001")
    open_order(page, order_id)
    expect(primary(page)).to_have_text("Accept")

    phone.set_offline(True)
    expect(sync_state(page)).to_have_class(re.compile(r"\bsync-offline\b"))
    primary(page).dblclick()  # two clicks and a dblclick, back to back
    expect(status_badge(page)).to_have_text("Accepted")
    expect(primary(page)).to_contain_text("Start work")
    expect(pending_badge(page)).to_have_text("1")
    # The Start button that took Accept's place waits out the double tap, then works.
    expect(primary(page)).to_be_enabled()

    double_tap(page, primary(page))
    expect(status_badge(page)).to_have_text("In progress")
    expect(pending_badge(page)).to_have_text("2")
    expect(primary(page)).to_contain_text("Complete")
    expect(sheet(page)).to_have_count(0)  # the second tap did not open Complete's sheet

    phone.set_offline(False)
    wait_synced(page)
    assert events(c, order_id, device_id(page)) == ["accept", "start"]
    assert c.detail(order_id)["order"]["status"] == "in_progress"
    expect(page.locator(".status-bar .inbox-link .count.problems")).to_have_count(0)


# A full disk. Chromium ignores DevTools' quota override (Storage.overrideQuotaForOrigin)
# for these profiles, so the page's IndexedDB writes fail the way a full disk makes them
# fail, with QuotaExceededError, while `window.diskFull` is set.
FULL_DISK = """() => {
  for (const method of ['add', 'put']) {
    const real = IDBObjectStore.prototype[method];
    IDBObjectStore.prototype[method] = function (...args) {
      if (window.diskFull) throw new DOMException('The disk is full.', 'QuotaExceededError');
      return real.apply(this, args);
    };
  }
}"""


def disk_full(page: Page, full: bool) -> None:
    page.evaluate("(full) => { window.diskFull = full; }", full)


def test_an_action_the_phone_cannot_store_says_so_and_keeps_what_was_typed(
    phone: BrowserContext, crew: tuple[FieldServer, Cast]
) -> None:
    server, c = crew
    order_id = assigned_order(c)
    page = phone.new_page()
    page.add_init_script(f"({FULL_DISK})()")
    sign_in(page, server, "T0001")
    open_order(page, order_id)
    phone.set_offline(True)

    # A full disk: the step is refused by the browser's storage, and the screen says why.
    disk_full(page, True)
    primary(page).click()
    alert = page.locator(".actions-panel .alert")
    expect(alert).to_contain_text(STORAGE_FULL)
    expect(primary(page)).to_have_text("Accept")
    expect(primary(page)).to_be_enabled()
    expect(pending_badge(page)).to_have_count(0)

    # A note typed on a full disk is refused too; the sheet stays open with the text.
    page.locator(".actions-panel .tools button", has_text="Add note").click()
    note = sheet(page)
    note.locator("textarea[name=text]").fill(NOTE)
    note.locator("button[type=submit]").click()
    expect(note.locator(".alert")).to_contain_text(STORAGE_FULL)
    expect(note.locator("textarea[name=text]")).to_have_value(NOTE)
    expect(note.locator("button[type=submit]")).to_be_enabled()

    # Space again: the same taps go through.
    disk_full(page, False)
    note.locator("button[type=submit]").click()
    expect(sheet(page)).to_have_count(0)
    primary(page).click()
    expect(status_badge(page)).to_have_text("Accepted")
    expect(alert).to_be_hidden()
    expect(pending_badge(page)).to_have_text("2")

    phone.set_offline(False)
    wait_synced(page)
    assert events(c, order_id, device_id(page)) == ["note", "accept"]


def test_text_typed_in_a_sheet_survives_back_and_goes_once_recorded(
    phone: BrowserContext, crew: tuple[FieldServer, Cast]
) -> None:
    server, c = crew
    order_id = assigned_order(c)
    page = phone.new_page()
    sign_in(page, server, "T0001")
    phone.set_offline(True)
    go(page, "/orders")
    open_order(page, order_id)

    page.locator(".actions-panel .tools button", has_text="Add note").click()
    note = sheet(page)
    note.locator("textarea[name=text]").fill(NOTE)
    expect(note.locator(".draft-state")).to_contain_text("Draft kept on this phone")

    # The phone's Back: the sheet goes with the screen; coming back, the text is there.
    page.go_back()
    expect(sheet(page)).to_have_count(0)
    expect(page).to_have_url(re.compile("#/orders$"))
    page.go_forward()
    expect(page.locator(".page-head .eyebrow")).to_have_text("Work order")
    page.locator(".actions-panel .tools button", has_text="Add note").click()
    again = sheet(page)
    expect(again.locator("textarea[name=text]")).to_have_value(NOTE)
    expect(again.locator(".draft-state")).to_contain_text("Draft kept on this phone")

    # Recorded: the note is on its way and the draft is gone.
    again.locator("button[type=submit]").click()
    expect(sheet(page)).to_have_count(0)
    expect(page.locator(".card.unsent li")).to_have_text([f"Note: {NOTE}"])
    page.locator(".actions-panel .tools button", has_text="Add note").click()
    expect(sheet(page).locator("textarea[name=text]")).to_have_value("")
    expect(sheet(page).locator(".draft-state")).to_be_hidden()
    phone.set_offline(False)
    wait_synced(page)
    notes = [n["text"] for n in c.detail(order_id)["notes"]]
    assert notes == [NOTE]


def test_a_double_tap_on_a_sheet_submit_records_it_once(
    phone: BrowserContext, crew: tuple[FieldServer, Cast]
) -> None:
    server, c = crew
    order_id = assigned_order(c)
    page = phone.new_page()
    sign_in(page, server, "T0001")
    open_order(page, order_id)
    phone.set_offline(True)
    page.locator(".actions-panel .tools button", has_text="Add note").click()
    note = sheet(page)
    note.locator("textarea[name=text]").fill(NOTE)
    double_tap(page, note.locator("button[type=submit]"))
    expect(sheet(page)).to_have_count(0)
    expect(page.locator(".card.unsent li")).to_have_text([f"Note: {NOTE}"])
    expect(pending_badge(page)).to_have_text("1")
    phone.set_offline(False)
    wait_synced(page)
    assert events(c, order_id, device_id(page)) == ["note"]
