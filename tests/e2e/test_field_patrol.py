"""A guard's night shift in the field app, offline, against real servers on both databases.

A new guard of the demo guard G0001's contractor (made by the test: at night G0001 is
clocked in already) signs in online on a 360x740 touch phone; the app goes offline and
reloads from its service worker. The guard clocks in by showing the clock point's QR code
(made by the test) to Chromium's fake camera, starts a round of a route with five or more
stops (inserted by the test: five checkpoints, then the site's security lodge, a clock
point), and scans five checkpoints by camera, the screen naming the next checkpoint each
time; reports one incident with a photo; ends the round; clocks out. Back online the sync
sends it all, and the server's database holds the round with its five scans, the incident
with its photo blob and both clock events; and once the server acknowledged them the phone
still shows the shift's clock times and the round's five scans, from the server's copies.

The camera plays its file from the start each time it opens, so before each scan the test
puts the next code in the file (written beside it and renamed over it, so a reader never
sees half a file).
"""

from __future__ import annotations

import json
import os
import re
import uuid
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Page, Playwright, expect

from tests.e2e.browser import FieldServer
from tests.e2e.camera_feed import y4m_of
from tests.e2e.field_steps import (
    SYNC_MS,
    heading,
    phone_context,
    photo,
    reload_offline,
    sign_in,
    wait_synced,
)
from tests.e2e.patrol_steps import STOPS, new_guard, night_route, query
from tests.e2e.technician_steps import LEAD_IN_S, camera_browser

pytestmark = pytest.mark.slow
SHIFT = re.compile(r"^Clocked out at \d\d:\d\d \(in at \d\d:\d\d\)$")


def show(code: str, feed: Path) -> Path:
    """The camera shows `code` as a QR code after LEAD_IN_S of white, from its next opening."""
    barcode = zxingcpp.create_barcode(code, zxingcpp.BarcodeFormat.QRCode)
    image = Image.fromarray(zxingcpp.write_barcode_to_image(barcode, scale=8)).convert("RGB")
    label = y4m_of(image, feed.with_suffix(".label")).read_bytes()
    blank = y4m_of(Image.new("RGB", (1, 1), "white"), feed.with_suffix(".blank")).read_bytes()
    header, frames = label.split(b"\n", 1)
    staged = feed.with_suffix(".next")
    staged.write_bytes(header + b"\n" + blank.split(b"\n", 1)[1] * (2 * LEAD_IN_S) + frames)
    os.replace(staged, feed)
    return feed


def scan(page: Page, feed: Path, code: str) -> None:
    show(code, feed)
    page.get_by_role("button", name="Scan", exact=False).first.click()


def test_a_night_round_offline_reaches_the_server_whole(
    playwright: Playwright, field_server_each_backend: FieldServer, tmp_path: Path
) -> None:
    server = field_server_each_backend
    route = night_route(server)
    stops, clock_code = route.stops, route.clock_code
    # A guard of G0001's contractor with no shift yet: at night the demo's G0001 is clocked in.
    employee_no = new_guard(server)
    feed = show(clock_code, tmp_path / "camera.y4m")
    browser = camera_browser(playwright, feed)
    context = phone_context(browser)
    try:
        page = context.new_page()
        sign_in(page, server, employee_no)
        expect(heading(page)).to_have_text("Patrol")
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        reload_offline(context, page)
        expect(heading(page)).to_have_text("Patrol")

        page.get_by_role("link", name="Clock in").click()
        expect(heading(page)).to_have_text("Clock in")
        scan(page, feed, clock_code)
        expect(page.locator(".clock-state")).to_contain_text("Clocked in since", timeout=SYNC_MS)

        card = page.locator(".routes li", has_text=route.name)
        page.locator("details", has=card).locator("summary").click()
        card.get_by_role("button", name="Start a round now").click()
        expect(page.locator(".next-name")).to_have_text(stops[0].name)
        round_url = page.url
        for index, stop in enumerate(stops[:STOPS]):
            expect(page.locator(".next-name")).to_have_text(stop.name)
            scan(page, feed, stop.qr_payload)
            expect(page.locator(".round-summary")).to_contain_text(
                f"{index + 1} of {len(stops)} scanned", timeout=SYNC_MS
            )
        expect(page.locator(".out-of-order")).to_have_count(0)

        page.get_by_role("link", name="Report incident").click()
        expect(heading(page)).to_have_text("Report incident")
        page.locator("select[name=category]").select_option("security")
        page.locator("textarea[name=text]").fill("Fire door on level 2 propped open")
        page.locator("input[type=file]").set_input_files(photo(tmp_path / "door.jpg"))
        expect(page.locator(".thumbs img")).to_have_count(1, timeout=SYNC_MS)
        page.get_by_role("button", name="Report", exact=True).click()
        expect(page.locator(".round-summary")).to_be_visible(timeout=SYNC_MS)

        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="End round").click()
        expect(heading(page)).to_have_text("Patrol")
        page.get_by_role("link", name="Clock out").click()
        show(clock_code, feed)
        scan(page, feed, clock_code)
        shift = page.locator(".clock-state")
        expect(shift).to_have_text(SHIFT, timeout=SYNC_MS)
        shift_words = shift.inner_text()

        context.set_offline(False)
        wait_synced(page)
        # Acknowledged, the guard's records are the server's copies: the phone still shows
        # the shift and the round as the guard left them.
        page.reload()
        expect(shift).to_have_text(shift_words)
        page.goto(round_url)
        expect(page.locator(".round-summary")).to_contain_text(
            f"{STOPS} of {len(stops)} scanned", timeout=SYNC_MS
        )
    finally:
        context.close()
        browser.close()

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
        "SELECT checkpoint_id, method FROM checkpoint_scan WHERE round_id = :r ORDER BY claimed_at",
        r=rounds[0]["id"],
    )
    assert [(uuid.UUID(str(s["checkpoint_id"])), s["method"]) for s in scans] == [
        (uuid.UUID(stop.id), "qr") for stop in stops[:STOPS]
    ]
    incidents = query(server, "SELECT photos FROM incident WHERE round_id = :r", r=rounds[0]["id"])
    assert len(incidents) == 1
    photos = incidents[0]["photos"]
    photos = photos if isinstance(photos, list) else json.loads(photos)
    assert len(photos) == 1
    assert query(server, "SELECT sha256 FROM blob WHERE sha256 = :s", s=photos[0])
    kinds = query(  # at the lodge, the clock point the test made
        server,
        "SELECT e.kind FROM clock_event e JOIN checkpoint c ON c.id = e.checkpoint_id"
        " WHERE e.user_id = :g AND c.qr_payload = :q ORDER BY e.claimed_at",
        g=guard,
        q=clock_code,
    )
    assert [k["kind"] for k in kinds] == ["in", "out"]
