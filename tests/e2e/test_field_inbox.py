"""The inbox in the user's language, against a real server: a confirmation with an employee
number that is no one from the requesting department is refused (`invalid_confirmation`);
the phone's inbox says so in its own words, in English and, after switching, in Chinese,
with the server's English words kept beside them."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import BrowserContext, expect

from tests.e2e.browser import FieldServer
from tests.e2e.field_steps import draw_signature, go, heading, problems_badge, sheet, sign_in
from tests.integration.work.loop import cast

pytestmark = pytest.mark.slow

EN = (
    "The confirmation could not be checked: the employee number is not someone from the"
    " requesting department."
)
ZH = "验收无法核实：该工号不属于报修科室。"


def test_a_refused_confirmation_is_told_in_the_users_language(
    phone: BrowserContext, field_server: FieldServer
) -> None:
    with httpx.Client(base_url=field_server.base, timeout=30) as http:
        c = cast(http)
        order_id = c.report("Bed 12's reading light flickers")
        c.to_technician(order_id)

    page = phone.new_page()
    sign_in(page, field_server, "T0001")
    go(page, f"/orders/{order_id}")
    page.locator("button[data-key=primary]", has_text="Complete").click()
    sheet(page).locator("textarea[name=resolution]").fill("Replaced the lamp holder")
    sheet(page).locator("button[type=submit]").click()
    confirm = sheet(page)
    expect(confirm.locator("h2")).to_have_text("Requester’s confirmation")
    confirm.locator("input[name=employee_no]").fill("Z9999")  # nobody's number
    draw_signature(page, confirm.locator("canvas.signature-canvas"))
    confirm.locator("button[type=submit]").click()
    expect(sheet(page)).to_have_count(0)
    expect(problems_badge(page)).to_have_text("1", timeout=30_000)

    page.locator(".status-bar .inbox-link").click()
    expect(heading(page)).to_have_text("Inbox")
    entry = page.locator("article.inbox-entry")
    expect(entry).to_have_count(1)
    expect(entry.locator("h2")).to_contain_text("Confirmation")
    expect(entry.locator("dd").first).to_have_text(EN)
    expect(entry.locator(".server-words p[lang=en]")).to_contain_text("Z9999")

    go(page, "/settings")
    page.locator("input[name=lang][value=zh-CN]").check()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    go(page, "/inbox")
    expect(heading(page)).to_have_text("消息")
    expect(entry.locator("dd").first).to_have_text(ZH)
    expect(entry.locator(".server-words summary")).to_have_text("服务器原文")
    expect(entry.locator(".server-words p[lang=en]")).to_contain_text("Z9999")
