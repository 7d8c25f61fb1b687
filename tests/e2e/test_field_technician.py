"""A technician's day in the field app, offline from the order list to the signature.

The order is set up through real pushes (tests/integration/work/loop.py): reported by R0001
for an asset of its department, dispatched to Electrical, assigned to T0001. T0001 signs in
online on a 360x740 touch phone whose camera (Chromium's fake device) shows part A's EAN-13;
then the network goes, the app reloads from its service worker, and T0001 accepts, starts,
adds part A with the camera (getUserMedia, zxing-wasm in its worker: Linux Chromium has no
BarcodeDetector), part B with a keyboard-wedge scanner (scanned twice: one scan, and the
sheet says so), logs labour, takes a 6 MP photo, completes, and has R0001 confirm with a
signature drawn by finger. Back online, the desk's API shows the order confirmed with all
of it, blobs included.

Screenshots of every screen passed through go to artifacts/screens/technician-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, expect

from tests.e2e.browser import FieldServer
from tests.e2e.field_steps import (
    SCREENS,
    SYNC_MS,
    device_id,
    go,
    heading,
    pending_badge,
    phone_context,
    photo,
    reload_offline,
    sheet,
    sign_in,
    sync_state,
    wait_synced,
)
from tests.e2e.technician_steps import (
    Setup,
    camera_browser,
    camera_feed,
    check_server,
    decoder_here,
    ean13,
    hear_scans,
    heard,
    prepare,
    screenshot,
    sign_with_finger,
    stop_hearing,
    wedge_burst,
)
from tests.integration.work.loop import Cast, cast

pytestmark = pytest.mark.slow

DECODE_WORKER = "/app/src/scan/decode-worker.js"
RESOLUTION = "Mains inlet fuse blown, its holder scorched: replaced both, tested under load"
# What the phone queued offline: accept, start, two parts, labour, photo, complete, confirm.
OPS_OFFLINE = 8


@pytest.fixture
def scenario(field_server_each_backend: FieldServer) -> Iterator[tuple[FieldServer, Cast, Setup]]:
    with httpx.Client(base_url=field_server_each_backend.base, timeout=30) as http:
        c = cast(http)
        yield field_server_each_backend, c, prepare(c)


@pytest.fixture
def phone(
    playwright: Playwright, scenario: tuple[FieldServer, Cast, Setup], tmp_path: Path
) -> Iterator[BrowserContext]:
    """A phone-sized touch context in a Chromium whose camera shows part A's barcode."""
    browser = camera_browser(playwright, camera_feed(ean13(scenario[2].part_a), tmp_path / "a.y4m"))
    context = phone_context(browser)
    try:
        yield context
    finally:
        context.close()
        browser.close()


def tool(page: Page, label: str) -> None:
    page.locator(".actions-panel .tools button", has_text=label).click()


def primary(page: Page, label: str, then_status: str) -> None:
    page.locator("button[data-key=primary]", has_text=label).click()
    expect(page.locator(".page-head .badge").first).to_have_text(then_status)


def add_part_by_camera(page: Page, setup: Setup) -> None:
    tool(page, "Add part")
    parts = sheet(page)
    expect(parts.locator("h2")).to_have_text("Add a part")
    parts.locator(".scan-button").click()
    scan = page.locator("dialog.scan-sheet[open]")
    expect(scan.locator(".scan-status")).to_have_text("Looking for a code…", timeout=SYNC_MS)
    screenshot(page, "part-scan-camera")
    # The code comes into view: the sheet closes itself and the part is chosen.
    expect(scan).to_have_count(0, timeout=SYNC_MS)
    expect(parts.locator(".picked strong")).to_have_text(setup.part_a["name"])
    screenshot(page, "part-scan")
    parts.locator("button[type=submit]").click()
    expect(sheet(page)).to_have_count(0)


def add_part_by_wedge(page: Page, setup: Setup) -> None:
    tool(page, "Add part")
    parts = sheet(page)
    expect(parts.locator("h2")).to_have_text("Add a part")  # listening from here
    code = ean13(setup.part_b)
    wedge_burst(page, code)
    # The trigger pulled again on the same label within the window: one scan, and it says so.
    wedge_burst(page, code)
    expect(parts.locator(".picked strong")).to_have_text(setup.part_b["name"])
    expect(parts.get_by_role("status")).to_have_text(
        f"Already scanned: {code}. The same code again within 2 seconds counts once."
    )
    screenshot(page, "part-wedge-repeat")
    parts.locator("button.step", has_text="One more").click()
    expect(parts.locator("input[name=quantity]")).to_have_value("2")
    parts.locator("button[type=submit]").click()
    expect(sheet(page)).to_have_count(0)


def test_technician_works_an_order_offline_and_the_server_gets_all_of_it(
    phone: BrowserContext,
    scenario: tuple[FieldServer, Cast, Setup],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server, c, setup = scenario
    page = phone.new_page()
    workers: list[str] = []
    page.on("worker", lambda worker: workers.append(urlsplit(worker.url).path))

    # Online: sign in, the worker takes control, the first sync brings the order.
    sign_in(page, server, "T0001")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    card = page.locator(f"a.order-card[data-key='{setup.order_id}']")
    expect(card).to_be_visible()

    # Offline from here: the app opens from its worker to the work-order list.
    reload_offline(phone, page)
    expect(heading(page)).to_have_text("My work orders")
    expect(card).to_contain_text("Accepted by team")
    screenshot(page, "orders")
    card.click()
    expect(page).to_have_url(re.compile(f"#/orders/{setup.order_id}$"))
    screenshot(page, "order")
    primary(page, "Accept", "Accepted")
    primary(page, "Start work", "In progress")
    expect(pending_badge(page)).to_have_text("2")

    # Part A with the camera, part B with the wedge; the scanner hears every scan.
    hear_scans(page)
    add_part_by_camera(page, setup)
    # Linux Chromium has no BarcodeDetector: zxing-wasm read the frames, in its worker.
    assert DECODE_WORKER in workers
    assert decoder_here(page) == {"barcodeDetector": False, "decoder": "wasm", "zxingOnPage": False}
    add_part_by_wedge(page, setup)
    stop_hearing(page)
    a, b = ean13(setup.part_a), ean13(setup.part_b)
    scans = [(s["text"], s["source"], s["symbology"], s["suppressed"]) for s in heard(page)]
    assert [scan for scan in scans if scan[0] in (a, b)] == [
        (a, "camera", "ean_13", False),
        (b, "wedge", "unknown", False),
        (b, "wedge", "unknown", True),
    ]
    # Anything else is the tail of a burst whose keys came too slowly (sent again).
    assert all(s[1] == "wedge" and b.endswith(s[0]) for s in scans if s[0] not in (a, b))

    # Labour, a photo from the phone's camera (6 MP, kept at about 2 MP), completion.
    tool(page, "Log labour")
    sheet(page).locator("input[name=minutes]").fill("45")
    sheet(page).locator("button[type=submit]").click()
    expect(sheet(page)).to_have_count(0)
    page.locator(".actions-panel input[type=file]").set_input_files(
        photo(tmp_path / "socket.jpg", (3000, 2000))
    )
    expect(page.locator("ul.thumbs img")).to_have_count(1, timeout=SYNC_MS)
    unsent = page.locator(".card.unsent li")
    expect(unsent).to_have_text(
        [
            "Labour: 45 min",
            f"Part: 1 × {setup.part_a['name']}",
            f"Part: 2 × {setup.part_b['name']}",
            "Photo",
        ]
    )
    page.locator("#photo-h").scroll_into_view_if_needed()
    screenshot(page, "photo")
    page.locator("button[data-key=primary]", has_text="Complete").click()
    done = sheet(page)
    expect(done.locator("h2")).to_have_text("Complete the work order")
    done.locator("textarea[name=resolution]").fill(RESOLUTION)
    screenshot(page, "complete")
    done.locator("button[type=submit]").click()

    # The requester confirms on the technician's phone: employee number and signature.
    confirm = sheet(page)
    expect(confirm.locator("h2")).to_have_text("Requester’s confirmation")
    confirm.locator("input[name=employee_no]").fill("r0001")  # the app takes it as R0001
    sign_with_finger(page, confirm.locator("canvas.signature-canvas"))
    expect(confirm.locator(".signature-tools")).to_contain_text("Signed.")
    screenshot(page, "confirm-signature")
    confirm.locator("button[type=submit]").click()
    expect(sheet(page)).to_have_count(0)
    expect(page.locator(".page-head .badge").first).to_have_text("Confirmed")

    # Still offline: everything waits on the phone, and the status bar counts it.
    expect(sync_state(page)).to_have_class(re.compile(r"\bsync-offline\b"))
    expect(pending_badge(page)).to_have_text(str(OPS_OFFLINE))
    screenshot(page, "status-offline")
    go(page, "/inbox")
    expect(heading(page)).to_have_text("Inbox")
    screenshot(page, "inbox")
    go(page, "/settings")
    expect(page.locator("#s-sync + p")).to_have_text(f"{OPS_OFFLINE} actions not sent yet")
    screenshot(page, "settings")

    # Back online: the outbox and both blobs go; the badge drops to nothing.
    phone.set_offline(False)
    wait_synced(page)
    check_server(c, setup, device_id(page), resolution=RESOLUTION)
    with capsys.disabled():
        print(f"\nscreenshots: {SCREENS}/technician-*.png")
