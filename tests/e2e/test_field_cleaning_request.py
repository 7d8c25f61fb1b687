"""Ward staff ask for a terminal clean in the field app while offline, and see it done.

R0001 (ICU) signs in online, goes offline, and requests a terminal clean of a side room
after a discharge: the request shows at once, due within 120 minutes. Back online it
reaches the server; the cleaner (scripted over HTTP) scans the room at the start and the
end; after the next sync the ward's screen says when it was done, on time."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.browser import FieldServer
from tests.e2e.cleaning_steps import ward_room
from tests.e2e.field_steps import (
    SYNC_MS,
    heading,
    phone_context,
    reload_offline,
    sign_in,
    until,
    wait_synced,
)
from tests.e2e.patrol_steps import query
from tests.phone import Phone

pytestmark = pytest.mark.slow


def test_a_ward_asks_offline_and_sees_the_terminal_clean_done(
    chromium: Browser, field_server_each_backend: FieldServer
) -> None:
    server = field_server_each_backend
    room = ward_room(server)
    context = phone_context(chromium)
    try:
        page = context.new_page()
        sign_in(page, server, "R0001")
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        page.goto(server.app_url + "#/cleaning/request")
        expect(heading(page)).to_have_text("Cleaning requests")
        expect(
            page.locator("select[name=location_id] option", has_text=room.name).first
        ).to_be_attached(timeout=SYNC_MS)
        reload_offline(context, page)
        expect(heading(page)).to_have_text("Cleaning requests")
        form = page.locator(".terminal-form")
        form.locator("select[name=location_id]").select_option(room.location_id)
        form.locator("select[name=reason]").select_option("discharge")
        form.get_by_role("button", name="Request terminal clean").click()
        mine = page.locator(".cleaning-requests li", has_text=room.name)
        expect(mine).to_contain_text("To do")
        expect(mine).to_contain_text(re.compile(r"Due in (1 h 59 min|2 h)"))

        context.set_offline(False)
        wait_synced(page)
        until(
            lambda: bool(
                query(
                    server,
                    "SELECT id FROM cleaning_task WHERE location_id = :l",
                    l=_key(server, room.location_id),
                )
            ),
            "the request reached the server",
        )
        [task] = query(
            server,
            "SELECT id FROM cleaning_task WHERE location_id = :l",
            l=_key(server, room.location_id),
        )
        task_id = str(uuid.UUID(str(task["id"])))
        with httpx.Client(base_url=server.base, timeout=30) as http:
            cleaner = Phone(http, "C0001")
            record_id = str(uuid.uuid4())
            scan = {"payload": room.qr_payload, "method": "qr"}
            ops = [
                cleaner.op(
                    "cleaning.start", {"record_id": record_id, "task_id": task_id, "scan": scan}
                ),
                cleaner.op(
                    "cleaning.finish",
                    {
                        "record_id": record_id,
                        "task_id": task_id,
                        "scan": scan,
                        "product": "chlorine_nadcc",
                    },
                ),
            ]
            assert [r["status"] for r in cleaner.results(ops)] == ["applied", "applied"]

        page.reload()
        expect(mine).to_contain_text(re.compile(r"Done at \d\d:\d\d, on time"), timeout=SYNC_MS)
    finally:
        context.close()


def _key(server: FieldServer, location_id: str) -> str:
    """A UUID as the database holds it (SQLite: 32 hex digits)."""
    sqlite = "sqlite" in server.env["ROUNDS_DATABASE_URL"]
    return uuid.UUID(location_id).hex if sqlite else location_id
