"""Clinical staff in the field app: report faults offline, then confirm and rate the repair.

R0001 (ICU, East Campus) signs in online; the app then opens with no network, takes two
reports (a room picked from the campus's rooms, with a photo; and equipment found by its
QR label) and sends them once the phone is back online. The repair is then driven by the
scripted phones of the desk, the lead and the technician (tests/integration/work/loop.py),
and R0001 confirms it with a drawn signature and rates it poorly on the phone, which opens
a callback for the desk.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.browser import FieldServer
from tests.e2e.field_steps import (
    SYNC_MS,
    UUID,
    device_id,
    draw_signature,
    go,
    heading,
    pending_badge,
    photo,
    reload_offline,
    screenshot,
    sheet,
    sign_in,
    until,
    wait_synced,
)
from tests.integration.work.loop import Cast, applied, cast

pytestmark = pytest.mark.slow

UNSENT = "New (not sent yet)"


def icu_room(c: Cast) -> dict[str, Any]:
    """A room of R0001's department inside a ward, from what R0001's scope holds."""
    me = c.requester.http.get("/api/v1/auth/me", headers=c.requester.headers).json()
    c.requester.pull_all()
    locations = c.requester.of_type("location")
    rooms = sorted(
        (
            row
            for row in locations.values()
            if row["department_id"] == me["department_id"]
            and row["kind"] == "room"
            and row["parent_id"] in locations
        ),
        key=lambda row: str(row["code"]),
    )
    return rooms[0] | {"ward": locations[rooms[0]["parent_id"]]["name"]}


def submit_report(page: Page) -> str:
    """Send the report form; the app opens the new order: its id."""
    page.locator(".report-form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"#/orders/{UUID}$"))
    return page.url.rsplit("/", 1)[1]


def blob_state(http: httpx.Client, c: Cast, sha256: str) -> httpx.Response:
    """HEAD of a blob, as the desk: 200 with Blob-Complete once the upload is whole."""
    return http.head(f"/api/v1/blobs/{sha256}", headers=c.desk.headers)


def test_requester_reports_offline_then_confirms_and_rates(
    phone: BrowserContext, field_server_each_backend: FieldServer, tmp_path: Path
) -> None:
    server = field_server_each_backend
    with httpx.Client(base_url=server.base, timeout=30) as http:
        c = cast(http)
        room = icu_room(c)
        asset = c.icu_asset()
        sites = {s["id"]: s["name"] for s in c.get("/api/v1/sites")}
        buildings = {b["id"]: b["name"] for b in c.get("/api/v1/buildings")}
        requester = c.requester.http.get("/api/v1/auth/me", headers=c.requester.headers).json()

        page = phone.new_page()
        sign_in(page, server, "R0001")
        expect(heading(page)).to_have_text("My department’s requests")
        reload_offline(phone, page)

        # 1. A room picked by hand (campus > building > room), with a photo, priority 2.
        page.locator("#tabs a[href='#/report']").click()
        expect(heading(page)).to_have_text("Report a fault")
        # R0001's scope holds one campus: the app asks for no campus, only the building.
        expect(page.locator("#r-site")).to_have_count(0)
        page.select_option("#r-building", label=buildings[room["building_id"]])
        page.fill("#r-room", room["code"])
        page.locator("#r-rooms button.pick", has_text=room["name"]).click()
        chosen = page.locator(".what-box .chosen")
        expect(chosen.locator("h3")).to_have_text(room["name"])
        path = " › ".join(
            [sites[room["site_id"]], buildings[room["building_id"]], room["ward"], room["name"]]
        )
        expect(chosen).to_contain_text(path)
        first_text = "Ceiling light flickers over the bed, no light at night"
        page.fill("#r-desc", first_text)
        page.locator("label.priority-choice.p2").click()
        expect(page.locator("input[name=priority][value='2']")).to_be_checked()
        page.set_input_files(".report-form input[type=file]", photo(tmp_path / "fault.jpg"))
        expect(page.locator(".report-form ul.thumbs img")).to_have_count(1, timeout=SYNC_MS)
        page.evaluate("window.scrollTo(0, 0)")
        screenshot(page, "report-form")
        screenshot(page, "report-form-full", full_page=True)
        first = submit_report(page)
        expect(page.locator(".page-head h1")).to_contain_text(UNSENT)

        # 2. Equipment by its QR label: the scan sheet, its code typed (a public card URL).
        go(page, "/report")
        page.locator(".what-box .scan-button").click()
        scan = page.locator("dialog.scan-sheet[open]")
        expect(scan).to_be_visible()
        scan.locator(".manual-entry input").fill(f"{server.base}/a/{asset['tag_code']}")
        scan.locator(".manual-entry button").click()
        expect(scan).to_have_count(0)
        expect(page.locator(".what-box .chosen h3")).to_have_text(asset["name"])
        second_text = "Door seal torn, steam escapes during the cycle"
        page.fill("#r-desc", second_text)
        page.locator("label.priority-choice.p4").click()
        second = submit_report(page)

        # Both wait on the phone, unnumbered, and the status bar counts them.
        page.locator("#tabs a[href='#/requests']").click()
        expect(heading(page)).to_have_text("My department’s requests")
        for order_id in (first, second):
            card = page.locator(f"a.order-card[data-key='{order_id}']")
            expect(card.locator(".order-number")).to_have_text(UNSENT)
            expect(card.locator(".badge")).to_have_text("Reported")
        expect(pending_badge(page)).to_have_text("2")
        screenshot(page, "requests-unsent")

        # Back online: the reports and the photo go, the server numbers the orders.
        phone.set_offline(False)
        wait_synced(page)
        for order_id in (first, second):
            number = page.locator(f"a.order-card[data-key='{order_id}'] .order-number")
            expect(number).not_to_have_text(UNSENT, timeout=SYNC_MS)
        screenshot(page, "requests-sent")

        browser_device = device_id(page)
        expected = {
            first: (room["id"], None, first_text, 2),
            second: (asset["location_id"], asset["id"], second_text, 4),
        }
        for order_id, (location_id, asset_id, text, priority) in expected.items():
            detail = c.detail(order_id)
            order = detail["order"]
            assert (order["location_id"], order["asset_id"]) == (location_id, asset_id)
            assert (order["description"], order["priority"]) == (text, priority)
            assert order["status"] == "reported"
            assert order["department_id"] == requester["department_id"]
            report = detail["timeline"][0]
            assert report["action"] == "report"
            assert report["actor"] == requester["name"]
            assert report["device_id"] == browser_device
        photos = [a for a in c.detail(first)["attachments"] if a["kind"] == "photo"]
        assert len(photos) == 1
        assert c.detail(second)["attachments"] == []
        probe = blob_state(http, c, photos[0]["sha256"])
        assert probe.status_code == 200
        assert probe.headers["Blob-Complete"] == "true"
        served = http.get(f"/api/v1/blobs/{photos[0]['sha256']}", headers=c.desk.headers)
        assert served.status_code == 200
        with Image.open(io.BytesIO(served.content)) as image:
            assert (image.format, image.size) == ("JPEG", (800, 600))

        # The repair, by the desk, the lead and the technician.
        c.to_technician(first)
        applied(c.technician, "complete", work_order_id=first, resolution="Replaced the ballast")

        # Opening the app again pulls the news: the request waits for R0001.
        page.reload()
        card = page.locator(f"a.order-card[data-key='{first}']")
        expect(card.locator(".cta")).to_have_text("Repair done: confirm it", timeout=SYNC_MS)
        card.click()
        page.locator("button[data-key=primary]", has_text="Confirm the repair").click()
        confirm = sheet(page)
        expect(confirm.locator("h2")).to_have_text("Confirm the repair")
        expect(confirm.locator("input[name=employee_no]")).to_have_value("R0001")
        draw_signature(page, confirm.locator("canvas.signature-canvas"))
        expect(confirm.locator(".signature-tools")).to_contain_text("Signed.")
        screenshot(page, "confirm-sheet")
        confirm.locator("button[type=submit]").click()

        # Confirmed, the rating follows in its own sheet: 2 stars, not fixed.
        rate = sheet(page)
        expect(rate.locator("h2")).to_have_text("Rate the repair")
        rate.locator("label.star").nth(1).click()
        expect(rate.locator(".star-words")).to_have_text("2 stars: poor")
        rate.locator("label.choice", has_text="No, not fixed").click()
        rate.locator("textarea[name=comment]").fill("Still flickers after dark")
        screenshot(page, "rate-sheet")
        rate.locator("button[type=submit]").click()
        expect(sheet(page)).to_have_count(0)
        expect(page.locator(".page-head .badge").first).to_have_text("Closed", timeout=SYNC_MS)
        until(lambda: c.detail(first)["order"]["status"] == "closed", "the rating")
        wait_synced(page)

        detail = c.detail(first)
        assert detail["order"]["status"] == "closed"
        extra = detail["extra"]
        assert (extra["rating"], extra["fixed"]) == (2, False)
        assert extra["rating_comment"] == "Still flickers after dark"
        assert extra["confirmed_by_id"] == requester["id"]
        assert blob_state(http, c, extra["signature_sha256"]).headers["Blob-Complete"] == "true"
        # A poor rating opens a callback for the desk.
        assert len(detail["callbacks"]) == 1
        assert [e["action"] for e in detail["timeline"]][-2:] == ["confirm", "rate"]
