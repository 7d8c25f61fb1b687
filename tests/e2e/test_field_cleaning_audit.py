"""A supervisor audits a finished clean in the field app, offline, on both databases.

The ward (R0001) asks for a terminal clean of a new side room and the demo cleaner C0001
does it (both scripted over HTTP). The demo supervisor S0001 signs in online on a 360x740
touch phone, the app goes offline and reloads from its service worker, and the supervisor
opens Audits, shows the room's door QR code (made by the test) to Chromium's fake camera,
which opens the room's finished clean. One item's ATP swab reads over the threshold, one
fluorescent marker was removed, one visual check passes: the screen shows the score the
server will compute (2 of 3: 67 %), and the supervisor asks for a re-clean. Back online,
the server holds the audit with that score and its items, and a new open re-clean task of
the same room, which the cleaner's phone then receives.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Playwright, expect

from server.domain.cleaning.terms import ATP_PASS_RLU
from tests.e2e.browser import FieldServer
from tests.e2e.cleaning_steps import finished_clean, ward_room
from tests.e2e.field_steps import SYNC_MS, phone_context, reload_offline, sign_in, wait_synced
from tests.e2e.patrol_steps import query
from tests.e2e.technician_steps import camera_browser
from tests.e2e.test_field_patrol import scan, show
from tests.phone import Phone

pytestmark = pytest.mark.slow


def db_id(server: FieldServer, value: str) -> str:
    return uuid.UUID(value).hex if "sqlite" in server.env["ROUNDS_DATABASE_URL"] else value


def test_an_audit_offline_with_an_atp_fail_reaches_the_server_with_its_score_and_a_reclean(
    playwright: Playwright, field_server_each_backend: FieldServer, tmp_path: Path
) -> None:
    server = field_server_each_backend
    room = ward_room(server)
    task_id = finished_clean(server, room)

    feed = show(room.qr_payload, tmp_path / "camera.y4m")
    browser = camera_browser(playwright, feed)
    context = phone_context(browser)
    try:
        page = context.new_page()
        sign_in(page, server, "S0001")
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        reload_offline(context, page)
        page.locator("#tabs").get_by_role("link", name="Audits").click()
        card = page.locator(".audit-task", has_text=room.name)
        expect(card).to_contain_text("Terminal clean", timeout=SYNC_MS)

        scan(page, feed, room.qr_payload)
        form = page.locator("form.audit-form")
        expect(form).to_be_visible(timeout=SYNC_MS)
        expect(page.locator("h1")).to_contain_text(room.name)
        expect(form).to_contain_text(f"An ATP swab passes at or under {ATP_PASS_RLU} RLU.")
        items = form.locator(".audit-item")
        swab, marker, look = items.nth(0), items.nth(1), items.nth(2)
        swab.locator("select").select_option("atp")
        swab.locator("input[type=number]").fill(str(ATP_PASS_RLU + 150))
        expect(swab.locator(".audit-verdict")).to_have_text("Fail")
        marker.locator("select").select_option("marker")
        marker.get_by_label("Marker removed").check()
        expect(marker.locator(".audit-verdict")).to_have_text("Pass")
        look.locator("select").select_option("visual")
        look.get_by_label("Clean", exact=True).check()
        expect(page.locator(".audit-score")).to_have_text("Score 67 % (2 of 3 passed)")
        form.get_by_label("Ask for a re-clean", exact=False).check()
        form.get_by_role("button", name="Save audit").click()
        expect(page.locator(".audit-saved")).to_have_text("Audit saved, score 67 %.")
        expect(page.locator(".audit-reclean")).to_contain_text("Re-clean requested")

        context.set_offline(False)
        wait_synced(page)
    finally:
        context.close()
        browser.close()

    [audit] = query(
        server,
        "SELECT kind, score, items, reclean_task_id, room_id FROM cleaning_audit"
        " WHERE task_id = :t",
        t=db_id(server, task_id),
    )
    assert (audit["kind"], audit["score"]) == ("supervisor", 67)
    items = audit["items"] if isinstance(audit["items"], list) else json.loads(audit["items"])
    assert [(i["method"], i["passed"], i["rlu"]) for i in items] == [
        ("atp", False, ATP_PASS_RLU + 150),
        ("marker", True, None),
        ("visual", True, None),
    ]
    assert audit["reclean_task_id"] is not None
    [again] = query(
        server,
        "SELECT status, reason, kind, room_id FROM cleaning_task WHERE id = :t",
        t=audit["reclean_task_id"],
    )
    assert (again["status"], again["reason"], again["kind"]) == ("open", "reclean", "terminal")
    assert str(again["room_id"]) == str(audit["room_id"])
    with httpx.Client(base_url=server.base, timeout=30) as http:
        cleaner = Phone(http, "C0001")
        cleaner.pull_all()
        reclean_id = str(uuid.UUID(str(audit["reclean_task_id"])))
        assert cleaner.of_type("cleaning_task")[reclean_id]["status"] == "open"
