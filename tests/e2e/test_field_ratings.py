"""Clinical staff rate the contractors in the field app, offline, and the desk sees it.

R0001 (ICU, East Campus) signs in online and opens "Rate contractors" from the requests
screen; the phone then loses its network and the app is reloaded from its service worker.
Each contractor serving the campus is listed with no star chosen: sending without a score
is refused on the phone, in words. R0001 gives Sentinel Security 4 stars with a comment;
the rating shows at once, waiting to sync. Back online it goes, and the desk's
/desk/ratings page for this month shows ICU's 4 and the comment.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from server.db.demo import DEMO_PASSWORD
from tests.e2e.browser import FieldServer
from tests.e2e.field_steps import (
    SYNC_MS,
    heading,
    pending_badge,
    reload_offline,
    screenshot,
    sign_in,
    wait_synced,
)

pytestmark = pytest.mark.slow

AUDIT = (Path(__file__).parent / "layout_audit.js").read_text()
COMMENT = "Night patrols on time; the car park gate was left open once"


def audit(page: Page) -> None:
    found = page.evaluate(AUDIT)
    assert found["width"] <= 360, f"the page is {found['width']} px wide"
    assert found["h1"] == 1, found
    assert found["small"] == [], f"controls under 48 px: {found['small']}"
    assert found["unlabelled"] == [], f"fields without a label: {found['unlabelled']}"


def desk_ratings(context: BrowserContext, server: FieldServer) -> Page:
    """The desk signed in to the console in its own tab, on this month's ratings."""
    page = context.new_page()
    page.goto(f"{server.base}/desk/login")
    page.fill("input[name=employee_no]", "D0001")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/desk/$"))
    page.goto(f"{server.base}/desk/ratings?month={datetime.now(UTC):%Y-%m}")
    return page


def test_requester_rates_a_contractor_offline_and_the_desk_sees_it(
    phone: BrowserContext, field_server_each_backend: FieldServer
) -> None:
    server = field_server_each_backend
    page = phone.new_page()
    sign_in(page, server, "R0001")
    expect(heading(page)).to_have_text("My department’s requests")
    page.locator("a[data-go=ratings]").click()
    expect(heading(page)).to_have_text("Rate contractors")
    reload_offline(phone, page)
    expect(heading(page)).to_have_text("Rate contractors")

    security = page.locator("form.rating[data-contractor=SENTINEL]")
    expect(security).to_be_visible()
    expect(page.locator("form.rating[data-contractor=BRIGHTWAY]")).to_be_visible()
    # No score is chosen for anyone beforehand.
    expect(page.locator("form.rating input[type=radio]:checked")).to_have_count(0)
    expect(security.locator(".muted").last).to_have_text("Not rated yet this month.")
    audit(page)
    screenshot(page, "ratings-empty")

    security.locator("button[type=submit]").click()
    expect(security.locator("[role=alert]")).to_have_text("Choose 1 to 5 stars first.")
    expect(pending_badge(page)).to_have_count(0)

    security.locator("label.star").nth(3).click()
    expect(security.locator(".star-words")).to_have_text("4 stars: good")
    security.locator("textarea[name=comment]").fill(COMMENT)
    screenshot(page, "ratings-chosen")
    security.locator("button[type=submit]").click()

    rated = page.locator("form.rating[data-contractor=SENTINEL] .rated")
    expect(rated).to_have_attribute("data-rated", "4")
    expect(rated).to_contain_text("waiting to sync")
    expect(pending_badge(page)).to_have_text("1")
    screenshot(page, "ratings-offline")

    phone.set_offline(False)
    wait_synced(page)
    expect(rated).not_to_contain_text("waiting to sync", timeout=SYNC_MS)
    expect(rated).to_have_attribute("data-rated", "4")
    expect(page.locator("form.rating[data-contractor=SENTINEL] button[type=submit]")).to_have_text(
        "Change rating"
    )

    desk = desk_ratings(phone, server)
    row = desk.locator("[data-contractor=SENTINEL] tr[data-department=ICU]")
    expect(row).to_have_attribute("data-score", "4")
    expect(row).to_contain_text(COMMENT)
    expect(row).to_contain_text("Dr Sophie Walsh")
    expect(desk.locator("[data-contractor=SENTINEL] [data-mean]")).to_have_text("4.00")
