"""Steps of the technician's end-to-end test (test_field_technician.py): the order set up
through real pushes, Chromium with a fake camera showing a part's EAN-13, screenshots, the
scans as the page's scanner hears them, a keyboard-wedge burst, a finger's signature, and
what the server holds once the phone has synced.
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image
from playwright.sync_api import Browser, Locator, Page, Playwright

from scanners.linear import linear_barcode
from tests.e2e.browser import launch_chromium
from tests.e2e.camera_feed import y4m_of
from tests.e2e.field_steps import SCREENS
from tests.integration.work.loop import Cast, applied

# Seconds of an empty white picture before the code: the scan sheet shows the camera running
# ("Looking for a code…") before the decoder can read anything, long enough for a screenshot.
LEAD_IN_S = 2


@dataclass(frozen=True)
class Setup:
    """An order of R0001's department, dispatched to Electrical and assigned to T0001
    (not yet accepted), and two stock items with GTINs."""

    order_id: str
    part_a: dict[str, Any]
    part_b: dict[str, Any]
    requester: dict[str, Any]  # R0001 as /auth/me describes them


def ean13(item: dict[str, Any]) -> str:
    """What an EAN-13 label on the item reads: its GTIN-14 that starts with 0, unpadded."""
    gtins: list[str] = item["gtins"]
    return next(gtin[1:] for gtin in gtins if gtin.startswith("0"))


def prepare(c: Cast) -> Setup:
    """Report, dispatch and assign through the scripted phones; pick two items with GTINs."""
    order_id = c.report("No power at the unit: the display stays dark", priority=2)
    technician = c.technician.http.get("/api/v1/auth/me", headers=c.technician.headers).json()
    applied(c.desk, "dispatch", work_order_id=order_id, team_id=c.team_id("ELEC"))
    applied(c.lead, "assign", work_order_id=order_id, technician_id=technician["id"])
    items = c.get("/api/v1/items", limit=200)["items"]
    labelled = [i for i in items if any(g.startswith("0") for g in i["gtins"])]
    assert len(labelled) >= 2, "the demo has items with GTIN-13 labels"
    part_a, part_b = sorted(labelled, key=lambda item: str(item["code"]))[:2]
    requester = c.requester.http.get("/api/v1/auth/me", headers=c.requester.headers).json()
    return Setup(order_id, part_a, part_b, requester)


def camera_feed(code: str, path: Path) -> Path:
    """A Y4M video for Chromium's fake camera: white for LEAD_IN_S, then the EAN-13 `code`
    in view (Chromium plays the file from its start each time the camera opens, in a loop)."""
    label = y4m_of(linear_barcode(code, "ean13"), path).read_bytes()
    blank = y4m_of(Image.new("RGB", (1, 1), "white"), path.with_name("blank.y4m")).read_bytes()
    header, frames = label.split(b"\n", 1)
    white = blank.split(b"\n", 1)[1]  # y4m_of writes half a second of frames at 10 per second
    path.write_bytes(header + b"\n" + white * (2 * LEAD_IN_S) + frames)
    return path


def camera_browser(playwright: Playwright, feed: Path) -> Browser:
    """Headless Debian Chromium whose camera plays `feed`, allowed without asking."""
    return launch_chromium(
        playwright,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={feed}",
    )


def screenshot(page: Page, screen: str) -> Path:
    """The phone's screen now into artifacts/screens/technician-<screen>.png; the toast
    ("Saved on this phone...") left out rather than waited for (it stays 4 s)."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    path = SCREENS / f"technician-{screen}.png"
    page.screenshot(path=path, style="#toast { visibility: hidden !important; }")
    return path


# The app's scanner is one module instance per page (src/scan/scanner.js): a listener added
# here hears every scan the screens hear, suppressed repeats included (which screens drop).
HEAR_SCANS = """async () => {
  const scanner = await import('/app/src/scan/scanner.js');
  window.heardScans = [];
  window.stopHearingScans = scanner.subscribe((event) => window.heardScans.push({
    text: event.text, source: event.source, symbology: event.symbology,
    suppressed: Boolean(event.suppressed),
  }));
}"""


def hear_scans(page: Page) -> None:
    page.evaluate(HEAR_SCANS)


def heard(page: Page) -> list[dict[str, Any]]:
    scans: list[dict[str, Any]] = page.evaluate("window.heardScans")
    return scans


def stop_hearing(page: Page) -> None:
    page.evaluate("window.stopHearingScans()")


DECODER_HERE = """async () => {
  const camera = await import('/app/src/scan/camera.js');
  return {
    barcodeDetector: typeof BarcodeDetector !== 'undefined',
    decoder: await camera.chooseDecoder(),
    zxingOnPage: camera.isZxingLoaded(),
  };
}"""


def decoder_here(page: Page) -> dict[str, Any]:
    """Whether this browser has a BarcodeDetector (Linux Chromium has none), which decoder
    the camera module picks, and whether zxing-wasm was loaded on the page itself (not
    when its worker did the reading)."""
    found: dict[str, Any] = page.evaluate(DECODER_HERE)
    return found


def sign_with_finger(page: Page, canvas: Locator) -> None:
    """A signature drawn on the touch screen: one finger, down, a zigzag, up."""
    box = canvas.bounding_box()
    assert box is not None
    left, top, width, height = box["x"], box["y"], box["width"], box["height"]
    points = [
        (left + width * (0.1 + 0.8 * i / 24), top + height * (0.3 if i % 2 else 0.7))
        for i in range(25)
    ]
    touch = page.context.new_cdp_session(page)
    try:
        for kind, (x, y) in [
            ("touchStart", points[0]),
            *(("touchMove", point) for point in points[1:]),
        ]:
            touch.send(
                "Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": x, "y": y}]}
            )
        touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    finally:
        touch.detach()


# Keydown times as the page sees them (window, capture phase: before the wedge on document).
KEY_TIMES = """() => {
  window.keyTimes = [];
  if (!window.timingKeys) {
    window.timingKeys = true;
    window.addEventListener('keydown', (event) => window.keyTimes.push(event.timeStamp), true);
  }
  return import('/app/src/scan/wedge.js').then((wedge) => wedge.WEDGE_DEFAULTS);
}"""


def wedge_burst(page: Page, code: str, *, attempts: int = 3) -> None:
    """A keyboard-wedge scanner reading `code`, no field focused: its digits 5 ms apart,
    then Enter. Playwright's keys cross a process boundary each: on a busy machine one may
    reach the page later than the wedge's longest gap, which no hardware scanner does; such
    a burst is not a scan, and is sent again (once the wedge has given up on it)."""
    for _ in range(attempts):
        limits = page.evaluate(KEY_TIMES)
        assert page.evaluate(
            "document.activeElement?.blur(), document.activeElement === document.body"
        )
        page.keyboard.type(code, delay=5)
        page.keyboard.press("Enter")
        times: list[float] = page.evaluate("window.keyTimes")
        assert len(times) == len(code) + 1
        gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
        if max(gaps[:-1]) <= limits["maxGapMs"] and gaps[-1] <= limits["terminatorGapMs"]:
            return
        page.wait_for_timeout(limits["terminatorGapMs"] + 50)
    raise AssertionError(f"the keys of {attempts} bursts reached the page too slowly")


def image_of(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


def check_server(c: Cast, setup: Setup, device: str, *, resolution: str) -> None:
    """What the desk reads: completed and confirmed by R0001, with parts, labour, photo
    and signature, every step from this browser's device."""
    detail = c.detail(setup.order_id)
    extra = detail["extra"]
    assert detail["order"]["status"] == "confirmed"
    assert extra["completed_at"] is not None
    assert extra["resolution"] == resolution
    assert extra["confirmed_by_id"] == setup.requester["id"]
    steps = [(e["action"], e["device_id"]) for e in detail["timeline"]]
    assert [action for action, _ in steps][-8:] == [
        "accept",
        "start",
        "add_part",
        "add_part",
        "log_labour",
        "attach",
        "complete",
        "confirm",
    ], steps
    assert all(dev == device for _, dev in steps[-8:])
    assert sorted((p["item_id"], p["quantity"]) for p in detail["parts"]) == sorted(
        [(setup.part_a["id"], 1), (setup.part_b["id"], 2)]
    )
    assert [line["minutes"] for line in detail["labour"]] == [45]

    photos = [a for a in detail["attachments"] if a["kind"] == "photo"]
    assert len(photos) == 1
    with image_of(blob(c, photos[0]["sha256"])) as picture:
        assert picture.format == "JPEG"
        width, height = picture.size
        assert 1_900_000 <= width * height <= 2_002_000, picture.size  # about 2 MP
        assert abs(width / height - 1.5) < 0.01  # the 3:2 picture, not cropped
    with image_of(blob(c, extra["signature_sha256"])) as signature:
        assert signature.format == "PNG"


def blob(c: Cast, sha256: str) -> bytes:
    response = c.desk.http.get(f"/api/v1/blobs/{sha256}", headers=c.desk.headers)
    assert response.status_code == 200, response.text
    content: bytes = response.content
    return content
