"""The cleaning screens at a cheap phone's size, in both languages: nothing wider than
360 px, every control 48 px, every field labelled (tests/e2e/test_field_layout.py's audit).
The cleaner's list, a task to start, a task in progress (checklist, product, photo, scan),
the ward's request screen, and the supervisor's audit screens."""

from __future__ import annotations

import uuid

import httpx
import pytest
from playwright.sync_api import Browser

from server.db.demo import DEMO_PASSWORD
from tests.e2e.browser import FieldServer
from tests.e2e.cleaning_steps import finished_clean, ward_room
from tests.e2e.test_field_layout import audit
from tests.phone import Phone

pytestmark = pytest.mark.slow


def _tasks(server: FieldServer) -> tuple[str, str]:
    """An open demo task to show, and another the cleaner has started."""
    with httpx.Client(base_url=server.base, timeout=30) as http:
        cleaner = Phone(http, "C0001")
        cleaner.pull_all()
        rooms = cleaner.of_type("cleaning_room")
        open_tasks = sorted(
            (t for t in cleaner.of_type("cleaning_task").values() if t["status"] == "open"),
            key=lambda t: str(t["id"]),
        )
        assert len(open_tasks) >= 2, "the demo makes today's routine cleans"
        shown, started = open_tasks[0], open_tasks[1]
        scan = {"payload": rooms[started["room_id"]]["qr_payload"], "method": "qr"}
        op = cleaner.op(
            "cleaning.start",
            {"record_id": str(uuid.uuid4()), "task_id": started["id"], "scan": scan},
        )
        assert cleaner.results([op])[0]["status"] == "applied"
        return str(shown["id"]), str(started["id"])


@pytest.mark.parametrize("locale", ["en-GB", "zh-CN"])
def test_the_cleaning_screens_fit_360_px_with_48_px_targets_and_labels(
    chromium: Browser, field_server: FieldServer, locale: str
) -> None:
    shown, started = _tasks(field_server)
    for who, screens in (
        ("C0001", ["#/cleaning", f"#/cleaning/tasks/{shown}", f"#/cleaning/tasks/{started}"]),
        ("R0001", ["#/cleaning/request"]),
    ):
        context = chromium.new_context(
            viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True, locale=locale
        )
        try:
            page = context.new_page()
            page.goto(field_server.app_url)
            page.fill("#si-emp", who)
            page.fill("#si-pw", DEMO_PASSWORD)
            page.click("form.signin button[type=submit]")
            page.wait_for_function("location.hash !== '#/signin' && location.hash !== ''")
            page.wait_for_selector(".status-bar")
            for screen in screens:
                page.goto(field_server.app_url + screen)
                if screen.endswith(started):
                    page.wait_for_selector(".checklist")
                elif "/tasks/" in screen:
                    page.wait_for_selector(".checkpoint-scan")
                elif screen.endswith("request"):
                    page.wait_for_selector(".terminal-form")
                audit(page, f"{who} {screen} ({locale})")
        finally:
            context.close()


@pytest.mark.parametrize("locale", ["en-GB", "zh-CN"])
def test_the_audit_screens_fit_360_px_with_48_px_targets_and_labels(
    chromium: Browser, field_server: FieldServer, locale: str
) -> None:
    """The supervisor's list of finished cleans and an audit with an ATP reading shown."""
    task = finished_clean(field_server, ward_room(field_server))
    context = chromium.new_context(
        viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True, locale=locale
    )
    try:
        page = context.new_page()
        page.goto(field_server.app_url)
        page.fill("#si-emp", "S0001")
        page.fill("#si-pw", DEMO_PASSWORD)
        page.click("form.signin button[type=submit]")
        page.wait_for_function("location.hash !== '#/signin' && location.hash !== ''")
        page.wait_for_selector(".status-bar")
        page.goto(field_server.app_url + "#/cleaning/audit")
        page.wait_for_selector(".audit-task")
        audit(page, f"S0001 #/cleaning/audit ({locale})")
        page.goto(field_server.app_url + f"#/cleaning/audit/{task}")
        page.wait_for_selector("form.audit-form")
        page.locator(".audit-item select").first.select_option("atp")
        audit(page, f"S0001 #/cleaning/audit/{task} ({locale})")
    finally:
        context.close()
