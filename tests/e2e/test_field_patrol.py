"""A guard's night shift in the field app, offline, against real servers on both databases.

The demo guard G0001 signs in online on a 360x740 touch phone; the app goes offline and
reloads from its service worker. The guard clocks in by showing the clock point's QR code
(made by the test) to Chromium's fake camera, starts a round of a route with five or more
stops, and scans five checkpoints by camera, the screen naming the next checkpoint each
time; reports one incident with a photo; ends the round; clocks out. Back online the sync
sends it all, and the server's database holds the round with its five scans, the incident
with its photo blob and both clock events.

The camera plays its file from the start each time it opens, so before each scan the test
puts the next code in the file (written beside it and renamed over it, so a reader never
sees half a file).
"""

from __future__ import annotations

import asyncio
import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Page, Playwright, expect
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

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
from tests.e2e.technician_steps import LEAD_IN_S, camera_browser

pytestmark = pytest.mark.slow


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


def query(server: FieldServer, sql: str, **params: Any) -> list[dict[str, Any]]:
    async def run() -> list[dict[str, Any]]:
        engine = create_async_engine(server.env["ROUNDS_DATABASE_URL"])
        try:
            async with engine.begin() as connection:
                result = await connection.execute(text(sql), params)
                return [dict(row._mapping) for row in result] if result.returns_rows else []
        finally:
            await engine.dispose()

    # Playwright's sync API keeps an event loop on this thread: the query runs on its own.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def route_and_clock_point(server: FieldServer) -> tuple[dict[str, Any], list[dict[str, Any]], str]:
    """The guard's route with the most stops (5 or more), its stops in order, and a clock
    point on its site (one is made a clock point when the demo has none)."""
    routes = query(
        server,
        "SELECT r.id, r.name, r.site_id, COUNT(*) AS n FROM route r"
        " JOIN route_checkpoint rc ON rc.route_id = r.id"
        " JOIN app_user u ON u.contractor_id = r.contractor_id AND u.employee_no = 'G0001'"
        " GROUP BY r.id, r.name, r.site_id ORDER BY n DESC",
    )
    route = routes[0]
    assert route["n"] >= 5, "the demo guard has a route of five stops or more"
    stops = query(
        server,
        "SELECT c.id, c.name, c.qr_payload FROM route_checkpoint rc"
        " JOIN checkpoint c ON c.id = rc.checkpoint_id WHERE rc.route_id = :r ORDER BY rc.position",
        r=route["id"],
    )
    points = query(
        server,
        "SELECT qr_payload FROM checkpoint WHERE clock_point = :yes AND site_id = :s",
        yes=True,
        s=route["site_id"],
    )
    if not points:
        # No clock point in the demo data: the route's last stop past the fifth becomes one.
        assert len(stops) > 5, "a clock point, or a route of six stops"
        spare = stops[-1]
        query(
            server,
            "UPDATE checkpoint SET clock_point = :yes WHERE id = :id",
            yes=True,
            id=spare["id"],
        )
        points = [spare]
    return route, stops, str(points[0]["qr_payload"])


def scan(page: Page, feed: Path, code: str) -> None:
    show(code, feed)
    page.get_by_role("button", name="Scan", exact=False).first.click()


def test_a_night_round_offline_reaches_the_server_whole(
    playwright: Playwright, field_server_each_backend: FieldServer, tmp_path: Path
) -> None:
    server = field_server_each_backend
    route, stops, clock_code = route_and_clock_point(server)
    feed = show(clock_code, tmp_path / "camera.y4m")
    browser = camera_browser(playwright, feed)
    context = phone_context(browser)
    try:
        page = context.new_page()
        sign_in(page, server, "G0001")
        expect(heading(page)).to_have_text("Patrol")
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        reload_offline(context, page)
        expect(heading(page)).to_have_text("Patrol")

        page.get_by_role("link", name="Clock in").click()
        expect(heading(page)).to_have_text("Clock in")
        scan(page, feed, clock_code)
        expect(page.locator(".clock-state")).to_contain_text("Clocked in since", timeout=SYNC_MS)

        card = page.locator(".routes li", has_text=str(route["name"]))
        page.locator("details", has=card).locator("summary").click()
        card.get_by_role("button", name="Start a round now").click()
        expect(page.locator(".next-name")).to_have_text(str(stops[0]["name"]))
        for index, stop in enumerate(stops[:5]):
            expect(page.locator(".next-name")).to_have_text(str(stop["name"]))
            scan(page, feed, str(stop["qr_payload"]))
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
        expect(page.locator(".round-summary")).to_be_visible()

        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="End round").click()
        expect(heading(page)).to_have_text("Patrol")
        page.get_by_role("link", name="Clock out").click()
        show(clock_code, feed)
        scan(page, feed, clock_code)
        expect(page.locator(".clock-state")).to_have_text("Not clocked in", timeout=SYNC_MS)

        context.set_offline(False)
        wait_synced(page)
    finally:
        context.close()
        browser.close()

    guard = query(server, "SELECT id FROM app_user WHERE employee_no = 'G0001'")[0]["id"]
    rounds = query(server, "SELECT id, status FROM patrol_round WHERE guard_id = :g", g=guard)
    assert [r["status"] for r in rounds] == ["ended"]
    scans = query(
        server,
        "SELECT checkpoint_id, method FROM checkpoint_scan WHERE round_id = :r ORDER BY claimed_at",
        r=rounds[0]["id"],
    )
    assert [(str(s["checkpoint_id"]), s["method"]) for s in scans] == [
        (str(stop["id"]), "qr") for stop in stops[:5]
    ]
    incidents = query(
        server, "SELECT photos, round_id FROM incident WHERE reported_by_id = :g", g=guard
    )
    assert len(incidents) == 1
    photos = incidents[0]["photos"]
    photos = photos if isinstance(photos, list) else json.loads(photos)
    assert len(photos) == 1
    assert query(server, "SELECT sha256 FROM blob WHERE sha256 = :s", s=photos[0])
    kinds = query(
        server, "SELECT kind FROM clock_event WHERE user_id = :g ORDER BY claimed_at", g=guard
    )
    assert [k["kind"] for k in kinds] == ["in", "out"]
