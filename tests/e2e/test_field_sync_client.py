"""The field app's sync client in Chromium against real servers: the service worker sends
the outbox itself when no window of the app is open (Background Sync); a browser that lost
its device id renumbers the queue into a new stream; a sync's progress and the time of the
last one are on screen.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, expect

from server.db.demo import DEMO_PASSWORD
from tests.e2e.browser import FieldServer
from tests.e2e.field_steps import (
    SYNC_MS,
    device_id,
    photo,
    sign_in,
    until,
    wait_synced,
)
from tests.e2e.resilience_steps import add_note, phone_ops, primary, wait_pending
from tests.e2e.technician_steps import prepare
from tests.integration.work.loop import cast

pytestmark = pytest.mark.slow

# Every text the line under the status bar shows, in order (window.syncLines).
RECORD_SYNC_LINES = """(() => {
  window.syncLines = [];
  new MutationObserver(() => {
    const line = document.querySelector('.sync-detail');
    const text = line && !line.hidden ? line.textContent : '';
    if (text && text !== window.syncLines.at(-1)) window.syncLines.push(text);
  }).observe(document, { subtree: true, childList: true, characterData: true });
})();"""


def notes(server: FieldServer, order_id: str) -> list[str]:
    with httpx.Client(base_url=server.base, timeout=30) as http:
        return [note["text"] for note in cast(http).detail(order_id)["notes"]]


def test_with_no_window_open_the_service_worker_sends_the_outbox(
    phone: BrowserContext, start_field_server: Callable[[], FieldServer]
) -> None:
    server = start_field_server()
    with httpx.Client(base_url=server.base, timeout=30) as http:
        order_id = prepare(cast(http)).order_id
    page = phone.new_page()
    sign_in(page, server, "T0001")
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith(
        "/app/sw-module.js"
    ), "Chromium has Background Sync: the module worker"
    page.locator(f"a.order-card[data-key='{order_id}']").click()

    # A page of the same origin outside the app, for DevTools once the app is closed.
    host = phone.new_page()
    host.goto(f"{server.base}/healthz")

    # The server is out of reach: the note waits, and Background Sync is asked for.
    server.stop()
    text = "Noted in the plant room, no signal there"
    add_note(page, text)
    wait_pending(page, 1)
    tags = page.evaluate("navigator.serviceWorker.ready.then((r) => r.sync.getTags())")
    assert tags == ["rounds-sync"]

    # The app is closed.
    devtools = phone.new_cdp_session(host)
    registrations: list[str] = []
    devtools.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(
            entry["registrationId"]
            for entry in event["registrations"]
            if entry["scopeURL"].startswith(server.app_url) and not entry["isDeleted"]
        ),
    )
    devtools.send("ServiceWorker.enable")
    page.close()
    for _ in range(200):  # DevTools events arrive while Playwright waits
        if registrations:
            break
        host.wait_for_timeout(50)
    assert registrations, "DevTools reported the app's registration"

    # The network is back: the browser fires the sync, the worker sends the note itself.
    server.start()
    devtools.send(
        "ServiceWorker.dispatchSyncEvent",
        {
            "origin": server.base,
            "registrationId": registrations[-1],
            "tag": "rounds-sync",
            "lastChance": False,
        },
    )
    until(lambda: notes(server, order_id) == [text], "the note, sent by the worker")
    assert len(host.context.pages) == 1, "no window of the app was opened"
    ops = phone_ops(host, "T0001")
    assert ops["queued"] == [], "the worker pulled the ack too"
    assert [
        op["args"].get("text") for op in ops["retained"] if op["name"] == "work_order.note"
    ] == [text]


def test_a_lost_device_id_renumbers_the_queue_into_a_new_stream(
    phone: BrowserContext, field_server: FieldServer
) -> None:
    with httpx.Client(base_url=field_server.base, timeout=30) as http:
        order_id = prepare(cast(http)).order_id
    page = phone.new_page()
    sign_in(page, field_server, "T0001")
    page.locator(f"a.order-card[data-key='{order_id}']").click()
    primary(page, "Accept", "Accepted")
    wait_synced(page)
    old_device = device_id(page)
    before = phone_ops(page, "T0001")

    phone.set_offline(True)
    text = "Queued before the browser forgot this phone"
    add_note(page, text)
    wait_pending(page, 1)
    # The browser cleared localStorage (device id, last user) but kept IndexedDB.
    page.evaluate("localStorage.clear()")
    phone.set_offline(False)
    page.goto(field_server.app_url)
    page.fill("#si-emp", "T0001")
    page.fill("#si-pw", DEMO_PASSWORD)
    page.click("form.signin button[type=submit]")
    page.wait_for_function("!location.hash.startsWith('#/signin')", timeout=SYNC_MS)
    wait_synced(page)

    assert device_id(page) != old_device
    after = phone_ops(page, "T0001")
    assert after["incarnation"] != before["incarnation"]
    note = next(op for op in after["retained"] if op["name"] == "work_order.note")
    assert (note["incarnation"], note["seq"]) == (after["incarnation"], 1), "renumbered from 1"
    accept = next(op for op in after["retained"] if op["name"] == "work_order.accept")
    assert accept["incarnation"] == before["incarnation"], "acknowledged ops stay as they were"
    assert notes(field_server, order_id) == [text], "once, under the new device"


def test_a_first_sync_and_an_upload_show_their_progress_then_the_last_sync_time(
    phone: BrowserContext, field_server: FieldServer, tmp_path: Path
) -> None:
    with httpx.Client(base_url=field_server.base, timeout=30) as http:
        order_id = prepare(cast(http)).order_id
    phone.add_init_script(RECORD_SYNC_LINES)
    page = phone.new_page()
    sign_in(page, field_server, "T0001")
    page.locator(f"a.order-card[data-key='{order_id}']").click()
    page.locator(".actions-panel input[type=file]").set_input_files(
        photo(tmp_path / "meter.jpg", (3000, 2000))
    )
    page.wait_for_function(
        "window.syncLines.some((line) => line.startsWith('Uploading photos'))", timeout=SYNC_MS
    )
    wait_synced(page)
    expect(page.locator(".sync-detail")).to_have_text(re.compile(r"^Last synced "))
    lines: list[Any] = page.evaluate("window.syncLines")
    first = [line for line in lines if line.startswith("Downloading your data")]
    assert first, lines
    assert re.fullmatch(r"Downloading your data: [\d,]+ rows, page \d+", first[-1]), first
    assert int(first[-1].split(": ")[1].split(" ")[0].replace(",", "")) > 100, "the whole scope"
    assert "Sending actions: 1 of 1" in lines, lines
    uploads = [line for line in lines if line.startswith("Uploading photos")]
    assert uploads, lines
    assert re.fullmatch(r"Uploading photos: ([\d.]+ [KM]?B) of \1", uploads[-1]), lines
