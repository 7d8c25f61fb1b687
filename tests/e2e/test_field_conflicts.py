"""The field app when the world moves on while it is offline, against a real server.

(a) The desk cancels an order while the technician, offline, logs labour and completes it:
back online, the phone's inbox shows both actions as conflicts in its own words (the
server's beside them) and what to do, and the server keeps the technician's work on the
cancelled order as late.
(b) One user with two tabs open, each recording a note offline: one tab syncs for both,
each note reaches the server once, and both tabs end up showing both notes.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, Request, expect

from tests.e2e.browser import FieldServer
from tests.e2e.field_steps import (
    SYNC_MS,
    device_id,
    go,
    heading,
    pending_badge,
    problems_badge,
    screenshot,
    sheet,
    sign_in,
    sync_state,
    wait_synced,
)
from tests.integration.work.loop import applied, cast

pytestmark = pytest.mark.slow

CONFLICT_ADVICE = "The order changed while you were offline"
CONFLICT_TEXT = "The work order changed while you were offline; what you recorded is kept on it."


def open_order(page: Page, order_id: str) -> None:
    go(page, f"/orders/{order_id}")
    expect(page.locator(".page-head .eyebrow")).to_have_text("Work order")


def test_desk_cancels_while_the_technician_completes_offline(
    phone: BrowserContext, field_server_each_backend: FieldServer
) -> None:
    server = field_server_each_backend
    with httpx.Client(base_url=server.base, timeout=30) as http:
        c = cast(http)
        order_id = c.report(description="Defibrillator fails its self-test")
        c.to_technician(order_id)

        page = phone.new_page()
        sign_in(page, server, "T0001")
        open_order(page, order_id)
        expect(page.locator(".page-head .badge").first).to_have_text("In progress")

        # Offline on site: 45 minutes of labour, then the completion.
        phone.set_offline(True)
        expect(sync_state(page)).to_have_class(re.compile(r"\bsync-offline\b"))
        page.locator(".actions-panel .tools button", has_text="Log labour").click()
        labour = sheet(page)
        labour.locator("button.chip", has_text="45 min").click()
        labour.locator("button[type=submit]").click()
        expect(sheet(page)).to_have_count(0)
        page.locator("button[data-key=primary]", has_text="Complete").click()
        complete = sheet(page)
        expect(complete.locator("h2")).to_have_text("Complete the work order")
        complete.locator("textarea[name=resolution]").fill("Replaced the battery pack")
        complete.locator("button[type=submit]").click()
        # The requester is not there to sign: the confirmation is left for later.
        on_site = sheet(page)
        expect(on_site.locator("h2")).to_have_text("Requester’s confirmation")
        on_site.locator(".sheet-actions button", has_text="Cancel").click()
        expect(sheet(page)).to_have_count(0)
        expect(page.locator(".page-head .badge").first).to_have_text("Completed")
        expect(pending_badge(page)).to_have_text("2")

        # Meanwhile the desk cancels the order.
        applied(c.desk, "cancel", work_order_id=order_id, reason="Duplicate of another order")

        phone.set_offline(False)
        expect(problems_badge(page)).to_have_text("2", timeout=SYNC_MS)
        wait_synced(page)
        # The phone now shows the order as the server has it.
        expect(page.locator(".page-head .badge").first).to_have_text("Cancelled", timeout=SYNC_MS)

        # The server: cancelled, the technician's work kept on it as late.
        detail = c.detail(order_id)
        assert detail["order"]["status"] == "cancelled"
        assert [(line["minutes"], line["late"]) for line in detail["labour"]] == [(45, True)]
        report = [n for n in detail["notes"] if "Replaced the battery pack" in n["text"]]
        assert [n["late"] for n in report] == [True]
        assert detail["extra"]["completed_at"] is None
        # Kept, not charged: the labour waits for the desk's decision.
        [line] = detail["labour"]
        assert (line["billing"], detail["total_cents"]) == ("pending", 0)
        assert detail["pending_cents"] == line["cost_cents"] > 0
        queue = c.get("/api/v1/conflicts", status="open", kind="all", limit=200)["items"]
        ours = {
            item["op_name"]: item
            for item in queue
            if item["entity_id"] == order_id and item["device_id"] == device_id(page)
        }
        assert sorted(ours) == ["work_order.complete", "work_order.log_labour"]
        assert {item["kind"] for item in ours.values()} == {"conflict"}

        # The inbox: each action, marked a conflict, in the phone's words by its code (the
        # server's own words beside them), with advice.
        page.locator(".status-bar .inbox-link").click()
        expect(heading(page)).to_have_text("Inbox")
        entries = page.locator("article.inbox-entry")
        expect(entries).to_have_count(2)
        for name, action in [
            ("work_order.log_labour", "Labour"),
            ("work_order.complete", "Completion"),
        ]:
            entry = entries.filter(has=page.locator("h2", has_text=re.compile(rf"^{action} · ")))
            expect(entry).to_have_class(re.compile(r"\bconflict\b"))
            expect(entry.locator(".badge")).to_have_text("Conflict")
            message = ours[name]["message"]
            assert message
            expect(entry.locator("dd").first).to_have_text(CONFLICT_TEXT)
            expect(entry.locator(".server-words p[lang=en]")).to_have_text(message)
            expect(entry).to_contain_text(CONFLICT_ADVICE)
            expect(entry.locator("a.button")).to_have_attribute("href", f"#/orders/{order_id}")
        completion = entries.filter(has=page.locator("h2", has_text="Completion"))
        expect(completion).to_contain_text("Replaced the battery pack")
        screenshot(page, "inbox-conflict")

        # The desk accepts the labour: the department is charged for it, and at the phone's
        # next sync its inbox keeps only the completion, which the desk has yet to decide.
        labour_item = ours["work_order.log_labour"]["id"]
        accepted = http.post(
            f"/api/v1/conflicts/{labour_item}/resolve",
            headers=c.desk.headers,
            json={"resolution": "accept"},
        )
        assert accepted.status_code == 200, accepted.text
        assert c.detail(order_id)["total_cents"] == line["cost_cents"]
        phone.set_offline(True)
        expect(sync_state(page)).to_have_class(re.compile(r"\bsync-offline\b"))
        phone.set_offline(False)
        expect(problems_badge(page)).to_have_text("1", timeout=SYNC_MS)


def note_in(page: Page, text: str) -> None:
    page.locator(".actions-panel .tools button", has_text="Add note").click()
    note = sheet(page)
    note.locator("textarea[name=text]").fill(text)
    note.locator("button[type=submit]").click()
    expect(sheet(page)).to_have_count(0)


class Pushes:
    """The sync pushes one page sends from now on (its own fetches, not another tab's):
    every attempt, and the ops of those the server answered."""

    def __init__(self, page: Page) -> None:
        self.attempts = 0
        self.answered: list[dict[str, Any]] = []
        page.on("request", self._sent)
        page.on("requestfinished", self._answered)

    @staticmethod
    def _is_push(request: Request) -> bool:
        return request.method == "POST" and request.url.endswith("/api/v1/sync/push")

    def _sent(self, request: Request) -> None:
        if self._is_push(request):
            self.attempts += 1

    def _answered(self, request: Request) -> None:
        response = request.response() if self._is_push(request) else None
        if response is not None and response.status == 200:
            self.answered.extend(json.loads(request.post_data or "{}")["ops"])


def test_two_tabs_offline_sync_once_through_one_leader(
    phone: BrowserContext, field_server_each_backend: FieldServer
) -> None:
    server = field_server_each_backend
    with httpx.Client(base_url=server.base, timeout=30) as http:
        c = cast(http)
        order_id = c.report(description="Bed lift jams halfway up")

        first = phone.new_page()
        sign_in(first, server, "R0001")
        second = phone.new_page()
        second.goto(server.app_url)  # the same user's app, opened from the same storage
        expect(heading(second)).to_have_text("My department’s requests")
        wait_synced(second)
        tabs = (first, second)
        for tab in tabs:
            open_order(tab, order_id)
        sent = {tab: Pushes(tab) for tab in tabs}

        phone.set_offline(True)
        notes = ["Bed moved to bay 2 meanwhile", "Porters asked to keep it clear"]
        for tab, text in zip(tabs, notes, strict=True):
            expect(sync_state(tab)).to_have_class(re.compile(r"\bsync-offline\b"))
            note_in(tab, text)
        # Each tab sees both notes waiting, and counts both.
        for tab in tabs:
            expect(tab.locator("section.unsent li")).to_have_text(
                [f"Note: {text}" for text in notes]
            )
            expect(pending_badge(tab)).to_have_text("2")
        second.locator("section.unsent").scroll_into_view_if_needed()
        screenshot(second, "two-tabs-offline")

        phone.set_offline(False)
        for tab in tabs:
            wait_synced(tab)
            expect(tab.locator("section.unsent")).to_have_count(0, timeout=SYNC_MS)
            timeline = tab.locator("ol.timeline .detail")
            expect(timeline).to_have_text(notes, timeout=SYNC_MS)

        # One tab, the leader, pushed for both; the other never tried.
        leader, follower = sorted(tabs, key=lambda tab: -sent[tab].attempts)
        assert sent[follower].attempts == 0
        assert sent[leader].answered
        pushed = {op["op_id"]: op for op in sent[leader].answered}
        assert [op["args"]["text"] for op in pushed.values()] == notes

        # The server took each note once, in the order they were written.
        texts = [n["text"] for n in c.detail(order_id)["notes"]]
        assert texts == notes
        second.locator("ol.timeline").scroll_into_view_if_needed()
        screenshot(second, "two-tabs-synced")
