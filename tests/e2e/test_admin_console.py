"""The administration console in a real browser at a desk's size (1280x800): an admin
finds a user by typing (htmx swaps the results), creates one through the form (a refusal
first, then the one-time temporary password), and the pages are photographed for the docs
(into $ROUNDS_SHOTS_DIR when set, e.g. docs/figures; else the test's temporary folder).
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from server.db.demo import DEMO_PASSWORD
from tests.e2e.browser import FieldServer

pytestmark = pytest.mark.slow


def test_an_admin_finds_and_creates_users(
    chromium: Browser, field_server: FieldServer, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("ROUNDS_SHOTS_DIR") or tmp_path)
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"{field_server.base}/desk/login")
        page.fill("input[name=employee_no]", "A0001")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_url(re.compile(r"/desk/$"))

        page.click("nav >> text=Administration")
        page.wait_for_url(re.compile(r"/desk/admin/users$"))
        page.fill("input[name=q]", "T000")
        expect(page).to_have_url(re.compile(r"q=T000"))
        expect(page.locator("tr[data-user]").first).to_have_attribute(
            "data-user", re.compile("^T000")
        )
        expect(page.locator('tr[data-user="A0001"]')).to_have_count(0)
        page.fill("input[name=q]", "")
        expect(page.locator('tr[data-user="A0001"]')).to_have_count(1)
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / "admin-users.png"))

        number = f"E{uuid.uuid4().hex[:6].upper()}"
        page.click("text=New user")
        page.fill("input[name=employee_no]", number)
        page.fill("input[name=name]", "Chen Jing")
        page.click("#user-form button[type=submit]")  # no role ticked: refused
        expect(page.locator('[data-error-field="roles"]')).to_be_visible()
        page.check("input[name=roles][value=technician]")
        page.check("input[name=roles][value=team_lead]")
        page.click("#user-form button[type=submit]")
        secret = page.locator("[data-secret]")
        expect(secret).to_be_visible()
        assert len(secret.inner_text()) == 12
        expect(page.locator('tr[data-history-field="roles"]')).to_have_count(1)
        page.screenshot(path=str(shots / "admin-user-form.png"), full_page=False)
    finally:
        context.close()
