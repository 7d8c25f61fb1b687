"""Web Push on the phone, against a real server: after sign-in the app asks for the
notification permission (granted here) and subscribes, the server stores the subscription
on this device, and an assignment is pushed to it; turning it off in Settings ends the
subscription in the browser and deletes it on the server, and so does signing out.

What stands in for the outside: the browser vendor's push service. Chromium registers a
subscription with Google's servers, which this machine cannot reach (subscribe() never
settles), so the page's PushManager hands out the subscription a push service would, for a
local push service (the one tests/integration/test_web_push.py uses) that verifies each
message's VAPID signature and decrypts it with the subscription's keys.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.engine import make_engine
from server.db.models import Device
from server.settings import load_settings
from tests.e2e.browser import FieldServer, in_thread
from tests.e2e.field_steps import SYNC_MS, device_id, go, sign_in
from tests.integration.test_web_push import Browser, PushService
from tests.integration.work.loop import applied, cast

pytestmark = pytest.mark.slow

# The subscription a push service hands out (endpoint and keys from the test), kept in
# localStorage as a browser keeps it; unsubscribe() forgets it and counts the call.
PUSH_SERVICE = """(issued) => {
  const KEY = 'test:push-subscription';
  const bytes = (text) => Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')
    .padEnd(Math.ceil(text.length / 4) * 4, '=')), (c) => c.charCodeAt(0));
  const subscription = (serverKey) => ({
    endpoint: issued.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey: bytes(serverKey).buffer },
    getKey: (name) => bytes(issued.keys[name]).buffer,
    toJSON: () => ({ endpoint: issued.endpoint, expirationTime: null, keys: issued.keys }),
    unsubscribe: async () => {
      localStorage.removeItem(KEY);
      const calls = Number(localStorage.getItem('test:unsubscribed') || 0);
      localStorage.setItem('test:unsubscribed', String(calls + 1));
      return true;
    },
  });
  PushManager.prototype.subscribe = async function (options) {
    if (Notification.permission !== 'granted') throw new DOMException('denied', 'NotAllowedError');
    const key = btoa(String.fromCharCode(...new Uint8Array(options.applicationServerKey)))
      .replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
    localStorage.setItem(KEY, key);
    return subscription(key);
  };
  PushManager.prototype.getSubscription = async function () {
    const key = localStorage.getItem(KEY);
    return key ? subscription(key) : null;
  };
}"""


@pytest.fixture
def push_service() -> Iterator[PushService]:
    service = PushService()
    yield service
    service.server.shutdown()
    service.server.server_close()


def stored_subscription(server: FieldServer, device: str) -> dict[str, Any] | None:
    """The push subscription the server keeps for this device."""

    async def read() -> dict[str, Any] | None:
        engine = make_engine(load_settings(server.env).database)
        try:
            async with AsyncSession(engine) as session:
                row = await session.get(Device, uuid.UUID(device))
        finally:
            await engine.dispose()
        return row.push_subscription if row else None

    return in_thread(lambda: asyncio.run(read()))


def eventually(check: Any, what: str, timeout_s: float = SYNC_MS / 1000) -> Any:
    deadline = time.monotonic() + timeout_s
    while not (found := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"never: {what}")
        time.sleep(0.2)
    return found


def test_the_phone_subscribes_after_sign_in_and_settings_turns_it_off(
    phone: BrowserContext, field_server: FieldServer, push_service: PushService
) -> None:
    with httpx.Client(base_url=field_server.base, timeout=30) as http:
        c = cast(http)
        browser = Browser(c.technician, push_service)  # its keys, its endpoint path
        issued = browser.subscription()
        phone.grant_permissions(["notifications"], origin=field_server.base)
        page = phone.new_page()
        page.add_init_script(f"({PUSH_SERVICE})({json.dumps(issued)})")
        sign_in(page, field_server, "T0001")
        device = device_id(page)

        stored = eventually(
            lambda: stored_subscription(field_server, device), "the PUT of the subscription"
        )
        assert stored == {"endpoint": issued["endpoint"], "keys": issued["keys"]}
        go(page, "/settings")
        expect(page.locator(".push-state")).to_have_text(
            "On: new assignments and answers to your requests reach this phone,"
            " even with the app closed."
        )

        # An assignment now reaches the phone: the server pushes it, signed and encrypted.
        order_id = c.report("The theatre's extract fan trips", priority=1)
        me = c.technician.http.get("/api/v1/auth/me", headers=c.technician.headers).json()
        applied(c.desk, "dispatch", work_order_id=order_id, team_id=c.team_id("ELEC"))
        applied(c.lead, "assign", work_order_id=order_id, technician_id=me["id"])
        settings = load_settings(field_server.env)
        pushed = eventually(
            lambda: [m for m in browser.messages(settings) if order_id in m.get("url", "")],
            "the assignment pushed to the phone",
        )
        assert pushed[0]["kind"] == "assigned"
        assert pushed[0]["url"] == f"/app/#/orders/{order_id}"

        # Settings: one tap turns it off, in the browser and on the server.
        page.locator("button.push-toggle", has_text="Turn off notifications").click()
        expect(page.locator(".push-state")).to_have_text(
            "Off on this phone: new work shows when the app syncs."
        )
        assert page.evaluate("localStorage.getItem('test:unsubscribed')") == "1"
        assert stored_subscription(field_server, device) is None

        # It stays off after a reload; a tap turns it on again.
        page.reload()
        go(page, "/settings")
        expect(page.locator(".push-state")).to_contain_text("Off on this phone")
        assert stored_subscription(field_server, device) is None
        page.locator("button.push-toggle", has_text="Turn on notifications").click()
        expect(page.locator(".push-state")).to_contain_text("On: new assignments")
        assert stored_subscription(field_server, device) == stored

        # Signed out, the phone gets nobody's notifications.
        page.locator("button.danger", has_text="Sign out").click()
        expect(page.locator("#si-emp")).to_be_visible()
        assert stored_subscription(field_server, device) is None


def test_a_phone_whose_user_does_not_allow_notifications_is_not_subscribed(
    phone: BrowserContext, field_server: FieldServer, push_service: PushService
) -> None:
    with httpx.Client(base_url=field_server.base, timeout=30) as http:
        browser = Browser(cast(http).technician, push_service)
        page: Page = phone.new_page()
        # No permission granted: headless Chromium leaves the question unanswered.
        page.add_init_script(f"({PUSH_SERVICE})({json.dumps(browser.subscription())})")
        sign_in(page, field_server, "T0002")
        go(page, "/settings")
        expect(page.locator(".push-state")).to_have_text("Not on yet on this phone.")
        expect(page.locator("button.push-toggle")).to_have_text("Turn on notifications")
        assert page.evaluate("Notification.permission") == "default"
        assert stored_subscription(field_server, device_id(page)) is None
