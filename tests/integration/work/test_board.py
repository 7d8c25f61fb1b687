"""The desk's dispatch board, order page and callback queue, and live updates over SSE."""

from __future__ import annotations

import asyncio
import re
import threading
import time
import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update
from sqlmodel import col

from server.db.engine import make_engine
from server.db.models import WorkOrder
from server.db.types import utcnow
from server.settings import Settings
from tests.integration.console_client import CSRF_COOKIE, Client, console_login, page_text
from tests.integration.work.loop import Cast, applied, cast, fake_sha

SECTION = re.compile(r'<section class="lane[^"]*" data-group="(\w+)".*?</section>', re.S)
CARD = re.compile(r'<article class="wo-card" data-order="([0-9a-f-]{36})"')


def lanes(body: str) -> dict[str, list[str]]:
    """The order ids in each lane of the board, top to bottom."""
    return {m.group(1): CARD.findall(m.group(0)) for m in SECTION.finditer(body)}


def overdue_long_ago(settings: Settings, order_id: str) -> None:
    """Put the order's resolution due time years in the past, as if nobody had acted."""

    async def write() -> None:
        engine = make_engine(settings.database)
        try:
            async with engine.begin() as connection:
                await connection.execute(
                    update(WorkOrder)
                    .where(col(WorkOrder.id) == uuid.UUID(order_id))
                    .values(resolution_due_at=utcnow() - timedelta(days=3650))
                )
        finally:
            await engine.dispose()

    asyncio.run(write())


def form(client: Client, path: str, **fields: str) -> httpx.Response:
    token = client.cookies.get(CSRF_COOKIE)
    assert token
    return client.post(path, data={**fields, "_csrf_token": token}, follow_redirects=False)


def close_with_rating(c: Cast, order_id: str, score: int, fixed: bool, comment: str) -> None:
    c.to_technician(order_id)
    applied(c.technician, "complete", work_order_id=order_id, resolution="Reseated the cable")
    applied(
        c.technician,
        "confirm",
        work_order_id=order_id,
        employee_no="R0001",
        signature_sha256=fake_sha(f"signature {order_id}"),
    )
    applied(c.requester, "rate", work_order_id=order_id, score=score, fixed=fixed, comment=comment)


def test_board_puts_overdue_first_then_the_newest_report(
    client: Client, demo_settings: Settings
) -> None:
    c = cast(client)
    overdue = c.report("Nurse call dead in bay 3", priority=1)
    older, newer = c.report("Older report"), c.report("Newer report")
    overdue_long_ago(demo_settings, overdue)
    console_login(client, "D0001")
    page = client.get("/desk/board")
    assert page.status_code == 200
    shown = lanes(page.text)
    assert list(shown) == ["breaching", "new", "unassigned", "in_hand"]
    assert shown["breaching"][0] == overdue, "the most overdue order heads the board"
    assert shown["new"].index(newer) < shown["new"].index(older)
    assert overdue not in shown["new"]
    assert 'data-overdue="1"' in page.text
    assert "Overdue by" in page.text
    partial = client.get("/desk/board?partial=1")
    assert partial.status_code == 200
    assert "<html" not in partial.text
    assert lanes(partial.text)["breaching"][0] == overdue


def test_dispatch_from_the_board_and_an_illegal_one_shown_inline(client: Client) -> None:
    c = cast(client)
    order_id = c.report("Socket sparks when used")
    busy = c.report("Light flickers")
    c.to_technician(busy)
    electrical = c.team_id("ELEC")
    console_login(client, "D0001")

    done = form(client, f"/desk/board/{order_id}/dispatch", team_id=electrical)
    assert done.status_code == 303
    assert done.headers["location"] == "/desk/board"
    detail = c.detail(order_id)
    assert detail["order"]["status"] == "dispatched"
    assert detail["order"]["team_id"] == electrical
    last = detail["timeline"][-1]
    assert last["action"] == "dispatch"
    assert last["actor"]
    me = c.desk.http.get("/api/v1/auth/me", headers=c.desk.headers).json()
    assert last["actor"] == me["name"], "the event names the desk user"
    # As htmx posts it: the board partial comes back with the order now unassigned.
    moved = c.report("Tap leaks")
    swapped = client.post(
        f"/desk/board/{moved}/dispatch",
        data={"team_id": electrical},
        headers={"HX-Request": "true", "x-csrftoken": client.cookies.get(CSRF_COOKIE) or ""},
    )
    assert swapped.status_code == 200
    assert "<html" not in swapped.text
    assert moved in lanes(swapped.text)["unassigned"]

    before = c.detail(busy)
    refused = form(client, f"/desk/board/{busy}/dispatch", team_id=electrical)
    assert refused.status_code == 409
    text = page_text(refused.text)
    assert "Cannot dispatch a work order that is in progress." in text
    assert f'data-error="{busy}"' in refused.text
    after = c.detail(busy)
    assert after["order"]["status"] == "in_progress"
    assert len(after["timeline"]) == len(before["timeline"])


def test_order_page_shows_the_timeline_and_cost(client: Client) -> None:
    c = cast(client)
    order_id = c.report("Defibrillator will not charge")
    c.to_technician(order_id)
    item = c.get("/api/v1/items", limit=1)["items"][0]
    applied(c.technician, "log_labour", work_order_id=order_id, minutes=45)
    applied(c.technician, "add_part", work_order_id=order_id, item_id=item["id"], quantity=3)
    applied(c.technician, "attach", work_order_id=order_id, sha256=fake_sha(f"photo {order_id}"))
    applied(c.technician, "complete", work_order_id=order_id, resolution="New battery")
    detail = c.detail(order_id)

    console_login(client, "D0001")
    page = client.get(f"/desk/orders/{order_id}")
    assert page.status_code == 200
    text = page_text(page.text)
    actions = re.findall(r'<tr data-action="(\w+)"', page.text)
    assert actions == [e["action"] for e in detail["timeline"]]
    assert actions[:3] == ["report", "dispatch", "assign"]
    assert actions[-1] == "complete"
    assert f'data-total-cents="{detail["total_cents"]}"' in page.text
    assert f"{detail['total_cents'] / 100:.2f}" in text
    assert item["name"] in text
    assert fake_sha(f"photo {order_id}") in text, "a photo not yet uploaded shows its hash"
    assert "New battery" in text
    for event in detail["timeline"]:
        assert event["actor"] in text
    # Linked from the requesting department's home page.
    console_login(client, "R0001")
    assert f'href="/desk/orders/{order_id}"' in client.get("/desk/").text


def test_callback_queue_lists_a_poor_rating_and_records_the_call(client: Client) -> None:
    c = cast(client)
    order_id = c.report("Bed motor noisy")
    close_with_rating(c, order_id, 1, False, "Still noisy")
    console_login(client, "D0001")
    queue = client.get("/desk/callbacks")
    assert queue.status_code == 200
    match = re.search(rf'data-callback="([0-9a-f-]{{36}})" data-order="{order_id}"', queue.text)
    assert match, "the poor rating's callback is queued"
    assert "Still noisy" in page_text(queue.text)

    done = form(client, f"/desk/callbacks/{match.group(1)}", outcome="explained", note="Called")
    assert done.status_code == 303
    assert f'data-order="{order_id}"' not in client.get("/desk/callbacks").text
    callbacks = c.detail(order_id)["callbacks"]
    assert [(cb["status"], cb["outcome"]) for cb in callbacks] == [("done", "explained")]
    again = form(client, f"/desk/callbacks/{match.group(1)}", outcome="explained", note="x")
    assert again.status_code == 409
    assert "already made" in page_text(again.text)


def test_the_board_hears_a_report_pushed_by_a_phone(client: Client) -> None:
    c = cast(client)
    console_login(client, "D0001")
    received: dict[str, str] = {}

    def listen() -> None:
        response = client.get("/desk/board/events", params={"max_events": 5, "max_seconds": 10})
        received["status"] = str(response.status_code)
        received["body"] = response.text

    listener = threading.Thread(target=listen)
    listener.start()
    reported: list[str] = []
    deadline = time.monotonic() + 10
    # The subscription starts inside the request: keep reporting until the stream ends.
    while listener.is_alive() and time.monotonic() < deadline:
        reported.append(c.report("Fridge alarm"))
        listener.join(timeout=0.5)
    listener.join(timeout=15)
    assert received.get("status") == "200"
    body = received["body"]
    assert "event: work_orders" in body
    assert any(order_id in body for order_id in reported), body[:500]


@pytest.mark.parametrize("who", ["T0001", "G0001", "R0001"])
def test_board_is_a_403_page_for_other_roles(client: Client, who: str) -> None:
    console_login(client, who)
    page = client.get("/desk/board")
    assert page.status_code == 403
    assert "<html" in page.text
    assert 'href="/desk/board"' not in client.get("/desk/").text
    assert client.get("/desk/callbacks").status_code == 403


def test_a_requester_cannot_dispatch(client: Client) -> None:
    c = cast(client)
    order_id = c.report("Window blind stuck")
    console_login(client, "R0001")
    refused = form(client, f"/desk/board/{order_id}/dispatch", team_id=c.team_id("ELEC"))
    assert refused.status_code == 403
    refused = form(client, f"/desk/orders/{order_id}/dispatch", team_id=c.team_id("ELEC"))
    assert refused.status_code == 403
    assert c.detail(order_id)["order"]["status"] == "reported"
    page = client.get(f"/desk/orders/{order_id}")
    assert page.status_code == 200, "the requester may read the order"
    assert "/dispatch" not in page.text, "but is offered no dispatch"
