"""A guard's night round in WebKit (Debian's WebKitGTK, the engine of iOS Safari), offline
from the clock-in to the clock-out: the flow of tests/e2e/test_field_patrol.py.

The route and a new guard of G0001's contractor are inserted by tests/e2e/patrol_steps.py
(five checkpoints, then the site's security lodge, a clock point), on SQLite and on
PostgreSQL. The guard signs in online; then
the phone's connection is cut (a TCP proxy that refuses) and the app reloads from its
service worker. WebKitGTK under Xvfb has no camera (the scan sheet says so), so the guard
scans the lodge's QR code and four checkpoints from photos of their labels, made by the
test and chosen through the scan sheet's file input (WebKit has no BarcodeDetector:
zxing-wasm reads them), and types the third checkpoint's code with a reason (its label is
torn); reports an incident with a photo; ends the round (the lodge is left unscanned: the
app asks first); and clocks out typing the lodge's code with a reason. Signal back, a tap on
Sync now: the server's database holds the round with its five scans (the typed one with
its reason), the incident with its photo blob and both clock events.

Screenshots go to artifacts/screens/webkit-guard-*.png.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from selenium.common.exceptions import (
    ElementClickInterceptedException,
    ElementNotInteractableException,
)
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

from tests.e2e.browser import FieldServer
from tests.e2e.field_steps import photo
from tests.e2e.patrol_steps import STOPS, NightRoute, new_guard, night_route, query
from tests.e2e.webkit.phone import STEP_S, SYNC_S, WebKitPhone
from tests.e2e.webkit.technician import CAMERA_UNAVAILABLE, SCAN_SHEET

pytestmark = pytest.mark.slow
SHIFT = re.compile(r"^Clocked out at \d\d:\d\d \(in at \d\d:\d\d\)$")
TYPED_STOP = 2  # the third stop's label is torn: its code is typed, with a reason
STOP_REASON = "Label torn off the door frame"
CLOCK_REASON = "Lodge label behind the new notice board"
# Clock in, start, five scans, the incident, end, clock out.
OPS_OFFLINE = 10


@pytest.fixture
def phone_server(field_server_each_backend: FieldServer) -> FieldServer:
    return field_server_each_backend


def screenshot(phone: WebKitPhone, screen: str) -> None:
    phone.screenshot(f"webkit-guard-{screen}")


def qr_label(code: str, path: Path) -> Path:
    """A photo of a checkpoint's QR label: the code with a white margin."""
    barcode = zxingcpp.create_barcode(code, zxingcpp.BarcodeFormat.QRCode)
    image = Image.fromarray(zxingcpp.write_barcode_to_image(barcode, scale=8)).convert("RGB")
    framed = Image.new("RGB", (image.width + 160, image.height + 160), "white")
    framed.paste(image, (80, 80))
    framed.save(path)
    return path


def scan_label(phone: WebKitPhone, code: str, tmp_path: Path) -> None:
    """Open the scan sheet, which finds no camera and says so, and choose a photo of the
    label; the sheet closes once the code is read (zxing-wasm loads on first use)."""
    label = qr_label(code, tmp_path / f"label-{uuid.uuid4().hex[:8]}.png")
    phone.tap(".checkpoint-scan .scan-button")
    phone.wait_text(f"{SCAN_SHEET} .scan-status", CAMERA_UNAVAILABLE)
    phone.driver.find_element("css selector", f"{SCAN_SHEET} input[type=file]").send_keys(
        str(label)
    )
    phone.wait_gone(SCAN_SHEET, SYNC_S)


def press(phone: WebKitPhone, element: WebElement) -> bool:
    """Tap `element` once it is brought to the middle, as a thumb would, clear of the fixed
    tab bar; False when something was still in the way."""
    phone.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    try:
        element.click()
    except (ElementClickInterceptedException, ElementNotInteractableException):
        return False
    return True


def type_code(phone: WebKitPhone, code: str, reason: str) -> None:
    """The code printed under the label, typed with the reason it could not be scanned."""
    panel = ".checkpoint-scan details.manual-checkpoint"

    def opened() -> bool:
        if phone.driver.execute_script("return document.querySelector(arguments[0])?.open", panel):
            return True
        summary = next(iter(phone.visible(f"{panel} summary")), None)
        if summary is not None:
            press(phone, summary)
        return False

    phone.until(opened, "the panel to type the code opened")
    enter(phone, f"{panel} input[name=manual_code]", code)
    enter(phone, f"{panel} input[name=manual_reason]", reason)
    phone.tap(f"{panel} button", "Record typed code")


def enter(phone: WebKitPhone, css: str, value: str) -> None:
    """Type into a field low on the screen: brought to the middle first, clear of the
    fixed tab bar, as a thumb would; until the field takes the keys."""

    def typed() -> bool:
        field = next(iter(phone.visible(css)), None)
        if field is None:
            return False
        phone.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", field)
        try:
            field.clear()
            field.send_keys(value)
        except ElementNotInteractableException:
            return False
        return phone.value_of(css) == value

    phone.until(typed, f"{css} to take {value!r}")


def start_round(phone: WebKitPhone, route: NightRoute) -> None:
    """From the home screen's list of the guard's routes, outside the schedule."""
    phone.tap("details.card summary", "Your routes")

    def started() -> bool:
        cards = phone.visible(".routes li", route.name)
        if not cards:
            return False
        return press(phone, cards[0].find_element("css selector", "button"))

    phone.until(started, f"the route {route.name} to start")
    phone.wait_text(".next-name", route.stops[0].name)


def end_round(phone: WebKitPhone) -> None:
    """End round with the lodge unscanned: the app asks first, and the guard says yes."""
    phone.tap("button", "End round")
    prompt = WebDriverWait(phone.driver, STEP_S).until(expected_conditions.alert_is_present())
    assert "not scanned" in prompt.text, prompt.text
    prompt.accept()
    phone.until(lambda: phone.heading() == "Patrol", "the patrol home after the round")


def report_incident(phone: WebKitPhone, tmp_path: Path) -> None:
    phone.tap("a.button", "Report incident")
    phone.until(lambda: phone.heading() == "Report incident", "the incident form")
    Select(phone.one("select[name=category]")).select_by_value("security")
    phone.fill("textarea[name=text]", "Fire door on level 2 propped open")
    phone.driver.find_element("css selector", ".incident-form input[type=file]").send_keys(
        str(photo(tmp_path / "door.jpg"))
    )
    phone.until(lambda: len(phone.shown(".thumbs img")) == 1, "the photo's thumbnail", SYNC_S)
    screenshot(phone, "incident")
    phone.tap(".incident-form button[type=submit]", "Report")
    phone.one(".round-summary", timeout_s=SYNC_S)  # back on the round


def test_a_guards_night_round_offline_in_webkit(
    webkit_phone: WebKitPhone, phone_server: FieldServer, tmp_path: Path
) -> None:
    phone, route = webkit_phone, night_route(phone_server)
    stops = route.stops
    employee_no = new_guard(phone_server)  # of G0001's contractor, not yet clocked in

    # Online: sign in; the first sync brings the new route and its checkpoints.
    phone.sign_in(employee_no)
    assert phone.heading() == "Patrol"

    # Offline from here: the app opens from its worker.
    phone.reload_offline()
    assert phone.heading() == "Patrol"

    phone.tap("a", "Clock in")
    phone.until(lambda: phone.heading() == "Clock in", "the clock-in screen")
    scan_label(phone, route.clock_code, tmp_path)
    phone.until(
        lambda: any("Clocked in since" in text for text in phone.texts(".clock-state")),
        "clocked in",
        SYNC_S,
    )
    screenshot(phone, "clocked-in")

    start_round(phone, route)
    for index, stop in enumerate(stops[:STOPS]):
        phone.wait_text(".next-name", stop.name)
        if index == TYPED_STOP:
            type_code(phone, stop.qr_payload, STOP_REASON)
        else:
            scan_label(phone, stop.qr_payload, tmp_path)
        phone.until(
            lambda n=index + 1: any(
                f"{n} of {len(stops)} scanned" in text for text in phone.texts(".round-summary")
            ),
            f"{index + 1} of {len(stops)} scanned",
            SYNC_S,
        )
    assert not phone.shown(".out-of-order")
    screenshot(phone, "round")

    report_incident(phone, tmp_path)
    end_round(phone)

    phone.tap("a", "Clock out")
    phone.until(lambda: phone.heading() == "Clock out", "the clock-out screen")
    type_code(phone, route.clock_code, CLOCK_REASON)
    shift = phone.until(
        lambda: next((t for t in phone.texts(".clock-state") if SHIFT.match(t)), None),
        "the shift's clock times",
        SYNC_S,
    )
    screenshot(phone, "clocked-out")

    # Still offline: everything waits on the phone, and the status bar counts it (a sync
    # the app just tried may still be failing its way to "offline").
    phone.wait_state("offline")
    assert phone.pending() == OPS_OFFLINE

    # Signal back: the outbox and the photo go; the badge drops to nothing.
    phone.back_online()
    phone.go("/patrol")
    phone.until(lambda: shift in phone.texts(".clock-state"), "the shift from the server's copy")
    check_server(phone_server, route, employee_no)


def check_server(server: FieldServer, route: NightRoute, employee_no: str) -> None:
    """The server's records of the night, as the phone sent them."""
    guard = query(server, "SELECT id FROM app_user WHERE employee_no = :e", e=employee_no)[0]["id"]
    rounds = query(
        server,
        "SELECT p.id, p.status FROM patrol_round p JOIN route r ON r.id = p.route_id"
        " WHERE p.guard_id = :g AND r.code = :code",
        g=guard,
        code=route.code,
    )
    assert [r["status"] for r in rounds] == ["ended"]
    scans = query(
        server,
        "SELECT checkpoint_id, method, manual_reason FROM checkpoint_scan WHERE round_id = :r"
        " ORDER BY claimed_at, received_at",
        r=rounds[0]["id"],
    )
    found = [
        (uuid.UUID(str(s["checkpoint_id"])), s["method"], s["manual_reason"] or "") for s in scans
    ]
    typed = ("manual", STOP_REASON)
    assert found == [
        (uuid.UUID(stop.id), *(typed if n == TYPED_STOP else ("qr", "")))
        for n, stop in enumerate(route.stops[:STOPS])
    ]
    incidents = query(
        server, "SELECT category, text, photos FROM incident WHERE round_id = :r", r=rounds[0]["id"]
    )
    assert [(i["category"], i["text"]) for i in incidents] == [
        ("security", "Fire door on level 2 propped open")
    ]
    photos = incidents[0]["photos"]
    photos = photos if isinstance(photos, list) else json.loads(photos)
    assert len(photos) == 1
    assert query(server, "SELECT sha256 FROM blob WHERE sha256 = :s", s=photos[0])
    clocks = query(  # at the lodge, the clock point the test made
        server,
        "SELECT e.kind, e.method, e.manual_reason FROM clock_event e"
        " JOIN checkpoint c ON c.id = e.checkpoint_id"
        " WHERE e.user_id = :g AND c.qr_payload = :q ORDER BY e.claimed_at",
        g=guard,
        q=route.clock_code,
    )
    assert [(c["kind"], c["method"], c["manual_reason"] or "") for c in clocks] == [
        ("in", "qr", ""),
        ("out", "manual", CLOCK_REASON),
    ]
