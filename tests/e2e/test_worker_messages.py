"""The service worker's messages: Background Sync asks the page to sync; Web Push shows the
server's notification. (A notification click is covered by tests/pwa/sw.test.js: a click
cannot be made on a headless notification.)"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from playwright.sync_api import BrowserContext

from server.db.models import Notification
from server.domain.notify.delivery import payload
from tests.e2e.browser import FieldServer, install_worker

pytestmark = pytest.mark.slow

SHOWN = """async () => {
  const registration = await navigator.serviceWorker.ready;
  const [shown] = await registration.getNotifications();
  if (!shown) return null;
  return { title: shown.title, body: shown.body, tag: shown.tag, url: shown.data.url };
}"""


def test_background_sync_asks_the_page_to_sync_and_waits_for_it(
    context: BrowserContext, field_server: FieldServer
) -> None:
    page = context.new_page()
    install_worker(page, field_server)
    registered = page.evaluate(
        """async () => {
          window.syncs = 0;
          window.swClient.onSyncRequest(async () => { window.syncs += 1; });
          return window.swClient.requestBackgroundSync();
        }"""
    )
    assert registered is True
    page.wait_for_function("window.syncs === 1")


def test_a_push_from_the_server_shows_its_notification(
    context: BrowserContext, field_server: FieldServer
) -> None:
    context.grant_permissions(["notifications"], origin=field_server.base)
    page = context.new_page()
    devtools = context.new_cdp_session(page)
    registrations: list[str] = []
    devtools.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(
            entry["registrationId"] for entry in event["registrations"] if not entry["isDeleted"]
        ),
    )
    devtools.send("ServiceWorker.enable")
    install_worker(page, field_server)
    order = uuid.uuid4()
    row = Notification(
        id=uuid.uuid4(),
        user_id=uuid.uuid4(),
        kind="assigned",
        title="WO-1042: assigned to you",
        body="Ward 3: the corridor light is out",
        url=f"/app/#/orders/{order}",
        work_order_id=order,
    )
    for _ in range(100):  # DevTools events arrive while Playwright waits
        if registrations:
            break
        page.wait_for_timeout(50)
    assert registrations, "DevTools reported the registration"
    devtools.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": field_server.base, "registrationId": registrations[-1], "data": payload(row)},
    )
    shown = None
    for _ in range(100):  # the worker shows it asynchronously
        shown = page.evaluate(SHOWN)
        if shown:
            break
        page.wait_for_timeout(50)
    assert shown == {
        "title": row.title,
        "body": row.body,
        "tag": str(row.id),
        "url": f"/app/#/orders/{order}",
    }


def test_api_calls_pass_through_the_worker_to_the_server(
    context: BrowserContext, field_server_each_backend: FieldServer
) -> None:
    page = context.new_page()
    install_worker(page, field_server_each_backend)
    answers: dict[str, Any] = page.evaluate(
        """async () => {
          const signIn = await fetch('/api/v1/auth/login', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ employee_no: 'T0001', password: 'rounds-demo' }),
          });
          const { access_token: token, user } = await signIn.json();
          const authorization = `Bearer ${token}`;
          const key = await fetch('/api/v1/push/key', { headers: { authorization } });
          const { public_key: publicKey } = await key.json();
          return { signIn: signIn.status, user: user.employee_no, key: publicKey };
        }"""
    )
    assert answers["signIn"] == 200
    assert answers["user"] == "T0001"
    assert len(answers["key"]) == 87  # an uncompressed P-256 point, URL-safe base64
