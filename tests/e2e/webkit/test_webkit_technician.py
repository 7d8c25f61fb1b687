"""A technician's day in WebKit (Debian's WebKitGTK, the engine of iOS Safari), offline from
the order list to the signature: the flow of tests/e2e/test_field_technician.py.

The order is set up through real pushes (tests/e2e/technician_steps.py), on SQLite and on
PostgreSQL. T0001 signs in online; then the phone's connection is cut (a TCP proxy that
refuses), the app reloads from its service worker, and T0001 accepts, starts, adds part A
from a photo of its EAN-13 label (WebKitGTK under Xvfb has no camera, and the scan sheet
says so; WebKit has no BarcodeDetector, so zxing-wasm reads it), part B with a
keyboard-wedge scanner (scanned twice: one scan, and the sheet says so), logs labour, picks
a 6 MP photo through the file input,
completes, and has R0001 confirm with a signature drawn with pointer events. Signal back, a
tap on Sync now: the desk's API shows the order confirmed with all of it, blobs included.

Screenshots go to artifacts/screens/webkit-technician-*.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from scanners.linear import linear_barcode
from tests.e2e.browser import FieldServer
from tests.e2e.field_steps import photo
from tests.e2e.technician_steps import (
    DECODER_HERE,
    HEAR_SCANS,
    Setup,
    check_server,
    ean13,
    prepare,
)
from tests.e2e.webkit.phone import SYNC_S, WebKitPhone
from tests.e2e.webkit.technician import (
    SHEET,
    add_part_by_label_photo,
    primary,
    sign_on_canvas,
    submit_sheet,
    tool,
    wedge_burst,
)
from tests.integration.work.loop import Cast, cast

pytestmark = pytest.mark.slow

RESOLUTION = "Mains inlet fuse blown, its holder scorched: replaced both, tested under load"
# What the phone queued offline: accept, start, two parts, labour, photo, complete, confirm.
OPS_OFFLINE = 8


@pytest.fixture
def phone_server(field_server_each_backend: FieldServer) -> FieldServer:
    return field_server_each_backend


@pytest.fixture
def scenario(phone_server: FieldServer) -> Iterator[tuple[Cast, Setup]]:
    with httpx.Client(base_url=phone_server.base, timeout=30) as http:
        c = cast(http)
        yield c, prepare(c)


def screenshot(phone: WebKitPhone, screen: str) -> None:
    phone.screenshot(f"webkit-technician-{screen}")


def add_part_by_wedge(phone: WebKitPhone, setup: Setup) -> None:
    tool(phone, "Add part")
    phone.wait_text(f"{SHEET} h2", "Add a part")  # listening from here
    code = ean13(setup.part_b)
    wedge_burst(phone, code)
    # The trigger pulled again on the same label within the window: one scan, and it says so.
    wedge_burst(phone, code)
    phone.wait_text(f"{SHEET} .picked strong", setup.part_b["name"])
    phone.wait_text(
        f"{SHEET} [role=status]",
        f"Already scanned: {code}. The same code again within 2 seconds counts once.",
    )
    screenshot(phone, "part-wedge-repeat")
    phone.tap(f"{SHEET} button.step", "One more")
    phone.until(
        lambda: phone.value_of(f"{SHEET} input[name=quantity]") == "2",
        "a quantity of 2",
    )
    submit_sheet(phone)


def test_technician_works_an_order_offline_in_webkit(
    webkit_phone: WebKitPhone, scenario: tuple[Cast, Setup], tmp_path: Path
) -> None:
    c, setup = scenario
    phone = webkit_phone

    # Online: sign in, the worker takes control, the first sync brings the order.
    phone.sign_in("T0001")
    card = f"a.order-card[data-key='{setup.order_id}']"
    phone.one(card)

    # Offline from here: the app opens from its worker to the work-order list.
    phone.reload_offline()
    assert phone.heading() == "My work orders"
    assert "Accepted by team" in phone.text_of(card)
    screenshot(phone, "orders")
    phone.tap(card)
    phone.until(
        lambda: phone.driver.current_url.endswith(f"#/orders/{setup.order_id}"), "the order"
    )
    primary(phone, "Accept", "Accepted")
    primary(phone, "Start work", "In progress")
    phone.until(lambda: phone.pending() == 2, "2 actions pending")

    # Part A from a photo of its label, part B with the wedge; the scanner hears every scan.
    phone.evaluate(HEAR_SCANS)
    a, b = ean13(setup.part_a), ean13(setup.part_b)
    label = tmp_path / "label-a.png"
    linear_barcode(a, "ean13").save(label)
    add_part_by_label_photo(phone, setup.part_a, label)
    # WebKit has no BarcodeDetector: zxing-wasm read the photo, on the page.
    assert phone.evaluate(DECODER_HERE) == {
        "barcodeDetector": False,
        "decoder": "wasm",
        "zxingOnPage": True,
    }
    add_part_by_wedge(phone, setup)
    phone.evaluate("() => window.stopHearingScans()")
    scans = [
        (s["text"], s["source"], s["symbology"], s["suppressed"])
        for s in phone.evaluate("() => window.heardScans")
    ]
    assert [scan for scan in scans if scan[0] in (a, b)] == [
        (a, "image", "ean_13", False),
        (b, "wedge", "unknown", False),
        (b, "wedge", "unknown", True),
    ]
    # Anything else is the tail of a burst whose keys came too slowly (sent again).
    assert all(s[1] == "wedge" and b.endswith(s[0]) for s in scans if s[0] not in (a, b))

    # Labour, a photo chosen through the file input (6 MP, kept at about 2 MP), completion.
    tool(phone, "Log labour")
    phone.fill(f"{SHEET} input[name=minutes]", "45")
    submit_sheet(phone)
    picture = photo(tmp_path / "socket.jpg", (3000, 2000))
    phone.driver.find_element("css selector", ".actions-panel input[type=file]").send_keys(
        str(picture)
    )
    phone.until(lambda: len(phone.shown("ul.thumbs img")) == 1, "the photo's thumbnail", SYNC_S)
    expected = [
        "Labour: 45 min",
        f"Part: 1 × {setup.part_a['name']}",
        f"Part: 2 × {setup.part_b['name']}",
        "Photo",
    ]
    phone.until(
        lambda: phone.texts(".card.unsent li") == expected,
        f"the unsent list {expected}",
    )
    phone.driver.execute_script("document.getElementById('photo-h').scrollIntoView()")
    screenshot(phone, "photo")
    phone.tap("button[data-key=primary]", "Complete")
    phone.wait_text(f"{SHEET} h2", "Complete the work order")
    phone.fill(f"{SHEET} textarea[name=resolution]", RESOLUTION)
    screenshot(phone, "complete")
    phone.tap(f"{SHEET} button[type=submit]")

    # The requester confirms on the technician's phone: employee number and signature.
    phone.wait_text(f"{SHEET} h2", "Requester’s confirmation")
    phone.fill(f"{SHEET} input[name=employee_no]", "r0001")  # the app takes it as R0001
    sign_on_canvas(phone, phone.one(f"{SHEET} canvas.signature-canvas"))
    phone.until(
        lambda: any("Signed." in text for text in phone.texts(f"{SHEET} .signature-tools")),
        "the pad signed",
    )
    screenshot(phone, "confirm-signature")
    submit_sheet(phone)
    phone.wait_text(".page-head .badge", "Confirmed")

    # Still offline: everything waits on the phone, and the status bar counts it (a sync
    # the app just tried may still be failing its way to "offline").
    phone.wait_state("offline")
    assert phone.pending() == OPS_OFFLINE
    phone.go("/settings")
    phone.wait_text("#s-sync + p", f"{OPS_OFFLINE} actions not sent yet")
    screenshot(phone, "settings")

    # Signal back: the outbox and both blobs go; the badge drops to nothing.
    phone.back_online()
    check_server(c, setup, phone.device_id(), resolution=RESOLUTION)
