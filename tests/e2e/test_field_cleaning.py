"""A terminal clean in the field app, offline, against real servers on both databases.

The ward (R0001, scripted over HTTP) asks for a terminal clean of a side room after a
discharge. The demo cleaner C0001 signs in online on a 360x740 touch phone, sees the task
at the top of "My tasks", and the app goes offline and reloads from its service worker.
The cleaner shows the room's QR code (made by the test) to Chromium's fake camera to
start, ticks the checklist, names the product, its concentration and quantity, takes a
photo, and scans the room again to finish. Back online the sync sends it all, and the
server holds the task done within its deadline, with the record, both scans and the photo.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Playwright, expect

from tests.e2e.browser import FieldServer
from tests.e2e.cleaning_steps import ward_room
from tests.e2e.field_steps import (
    SYNC_MS,
    heading,
    phone_context,
    photo,
    reload_offline,
    sign_in,
    wait_synced,
)
from tests.e2e.patrol_steps import query
from tests.e2e.technician_steps import camera_browser
from tests.e2e.test_field_patrol import scan, show
from tests.phone import Phone

pytestmark = pytest.mark.slow
DONE = re.compile(r"^Done at \d\d:\d\d, on time$")


def test_a_terminal_clean_offline_reaches_the_server_done_within_its_deadline(
    playwright: Playwright, field_server_each_backend: FieldServer, tmp_path: Path
) -> None:
    server = field_server_each_backend
    room = ward_room(server)
    task_id = str(uuid.uuid4())
    with httpx.Client(base_url=server.base, timeout=30) as http:
        nurse = Phone(http, "R0001")
        asked = nurse.op(
            "cleaning.request_terminal",
            {"task_id": task_id, "location_id": room.location_id, "reason": "discharge"},
        )
        assert nurse.results([asked])[0]["status"] == "applied"

    feed = show(room.qr_payload, tmp_path / "camera.y4m")
    browser = camera_browser(playwright, feed)
    context = phone_context(browser)
    try:
        page = context.new_page()
        sign_in(page, server, "C0001")
        expect(heading(page)).to_have_text("My tasks")
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        card = page.locator(".cleaning-task", has_text=room.name)
        expect(card).to_contain_text("Terminal clean", timeout=SYNC_MS)
        reload_offline(context, page)
        expect(heading(page)).to_have_text("My tasks")

        card.get_by_role("link", name="Open").click()
        expect(heading(page)).to_contain_text(room.name)
        scan(page, feed, room.qr_payload)
        expect(page.locator(".checklist")).to_be_visible(timeout=SYNC_MS)
        for box in page.locator(".checklist input[type=checkbox]").all():
            box.check()
        page.locator("select[name=product]").select_option("chlorine_nadcc")
        page.locator("input[name=concentration_ppm]").fill("1000")
        page.locator("input[name=quantity_ml]").fill("750")
        page.locator("input[type=file]").set_input_files(photo(tmp_path / "room.jpg"))
        expect(page.locator(".thumbs img")).to_have_count(1, timeout=SYNC_MS)
        show(room.qr_payload, feed)
        scan(page, feed, room.qr_payload)
        done = page.locator(".cleaning-done")
        expect(done).to_have_text(DONE, timeout=SYNC_MS)

        context.set_offline(False)
        wait_synced(page)
        page.reload()
        expect(done).to_have_text(DONE, timeout=SYNC_MS)
    finally:
        context.close()
        browser.close()

    [task] = query(
        server,
        "SELECT status, due_at, finished_at, record_id FROM cleaning_task WHERE id = :t",
        t=uuid.UUID(task_id).hex if "sqlite" in server.env["ROUNDS_DATABASE_URL"] else task_id,
    )
    assert task["status"] == "done"
    finished, due = (
        value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        for value in (task["finished_at"], task["due_at"])
    )
    assert finished <= due
    [record] = query(
        server,
        "SELECT start_method, end_method, end_room_mismatch, product, concentration_ppm,"
        " quantity_ml, checklist, photos, duration_seconds FROM cleaning_record WHERE id = :r",
        r=task["record_id"],
    )
    assert (record["start_method"], record["end_method"]) == ("qr", "qr")
    assert not record["end_room_mismatch"]
    assert (record["product"], record["concentration_ppm"], record["quantity_ml"]) == (
        "chlorine_nadcc",
        1000,
        750,
    )
    checklist = record["checklist"]
    checklist = checklist if isinstance(checklist, list) else json.loads(checklist)
    assert checklist
    assert all(tick["done"] for tick in checklist)
    photos = record["photos"]
    photos = photos if isinstance(photos, list) else json.loads(photos)
    assert len(photos) == 1
    assert query(server, "SELECT sha256 FROM blob WHERE sha256 = :s", s=photos[0])
