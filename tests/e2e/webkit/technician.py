"""Steps of the technician's flow that differ in WebKit: a part scanned from a photo of its
label (WebKitGTK has no camera under Xvfb), a keyboard-wedge burst sent as WebDriver key
actions, and the requester's signature drawn with WebDriver pointer actions. The order's set-up and
the server's checks are the Chromium flow's own (tests/e2e/technician_steps.py).
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions import interaction
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.actions.pointer_input import PointerInput
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement

from tests.e2e.technician_steps import KEY_TIMES
from tests.e2e.webkit.phone import SYNC_S, WebKitPhone

SHEET = "dialog.sheet[open]:not(.scan-sheet)"
SCAN_SHEET = "dialog.scan-sheet[open]"
CAMERA_UNAVAILABLE = "The camera is not available here. Use a photo of the code, or type it."


def tool(phone: WebKitPhone, label: str) -> None:
    phone.tap(".actions-panel .tools button", label)


def primary(phone: WebKitPhone, label: str, then_status: str) -> None:
    phone.tap("button[data-key=primary]", label)
    phone.wait_text(".page-head .badge", then_status)


def submit_sheet(phone: WebKitPhone) -> None:
    phone.tap(f"{SHEET} button[type=submit]")
    phone.wait_gone(SHEET)


def add_part_by_label_photo(phone: WebKitPhone, item: dict[str, Any], label: Path) -> None:
    """The scan sheet finds no camera (WebKitGTK under Xvfb has none) and says so; a photo
    of the part's label, chosen through the sheet's file input, is read by zxing-wasm
    (WebKit has no BarcodeDetector), and the part is chosen."""
    tool(phone, "Add part")
    phone.wait_text(f"{SHEET} h2", "Add a part")
    phone.tap(f"{SHEET} .scan-button")
    phone.wait_text(f"{SCAN_SHEET} .scan-status", CAMERA_UNAVAILABLE)
    phone.driver.find_element("css selector", f"{SCAN_SHEET} input[type=file]").send_keys(
        str(label)
    )
    phone.wait_gone(SCAN_SHEET, SYNC_S)  # zxing-wasm loads on first use
    phone.wait_text(f"{SHEET} .picked strong", item["name"])
    submit_sheet(phone)


def wedge_burst(phone: WebKitPhone, code: str, *, attempts: int = 3) -> None:
    """A keyboard-wedge scanner reading `code` with no field focused: its digits and Enter
    as one WebDriver key sequence. As in Chromium, a burst whose keys reached the page more
    slowly than the wedge allows (a loaded machine; no hardware scanner does that) is not a
    scan, and is sent again once the wedge has given up on it."""
    for _ in range(attempts):
        limits = phone.evaluate(KEY_TIMES)
        assert phone.evaluate(
            "() => (document.activeElement?.blur(), document.activeElement === document.body)"
        )
        ActionChains(phone.driver).send_keys(code + Keys.ENTER).perform()
        times: list[float] = phone.until(
            lambda: (
                (found := phone.evaluate("() => window.keyTimes"))
                and len(found) == len(code) + 1
                and found
            ),
            "every key of the burst",
        )
        gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
        if max(gaps[:-1]) <= limits["maxGapMs"] and gaps[-1] <= limits["terminatorGapMs"]:
            return
        # The wedge drops a slow burst after its terminator gap: wait for that state.
        phone.evaluate(
            "(ms) => new Promise((resolve) => setTimeout(resolve, ms))",
            limits["terminatorGapMs"] + 50,
        )
    raise AssertionError(f"the keys of {attempts} bursts reached the page too slowly")


def sign_on_canvas(phone: WebKitPhone, canvas: WebElement) -> None:
    """A signature: one pointer down on the box, a zigzag across it, up."""
    width, height = canvas.size["width"], canvas.size["height"]
    # Offsets from the canvas's centre, as WebDriver's element origin has them.
    points = [
        (int(width * (0.8 * i / 24 - 0.4)), int(height * (-0.2 if i % 2 else 0.2)))
        for i in range(25)
    ]
    pen = PointerInput(interaction.POINTER_MOUSE, "pen")
    actions = ActionBuilder(phone.driver, mouse=pen, duration=20)
    actions.pointer_action.move_to(canvas, *points[0]).pointer_down()
    for x, y in points[1:]:
        actions.pointer_action.move_to(canvas, x, y)
    actions.pointer_action.pointer_up()
    actions.perform()
