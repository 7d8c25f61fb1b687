"""Web Push posts only to https endpoints on public addresses: checked when a phone
subscribes, and again at every delivery, since what a name resolves to can change.

These tests run without ROUNDS_PUSH_ALLOW_PRIVATE_ENDPOINTS, as a real server does.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.db.models import Device, Notification
from server.settings import Settings
from tests.integration.test_web_push import (
    SUBSCRIPTION,
    Browser,
    Factory,
    PushService,
    deliver,
    in_db,
    row_of,
    tell,
    user_id,
)
from tests.phone import Phone

Client = TestClient[Litestar]

NOT_PUBLIC = [
    "https://127.0.0.1/push/x",
    "https://localhost/push/x",
    "https://10.20.30.40/push/x",
    "https://172.16.5.5/push/x",
    "https://192.168.1.1/push/x",
    "https://100.64.0.1/push/x",  # carrier-grade NAT
    "https://169.254.169.254/latest/meta-data",  # a cloud's metadata service
    "https://0.0.0.0/push/x",
    "https://224.0.0.251/push/x",  # multicast
    "https://240.0.0.1/push/x",  # reserved
    "https://[::1]/push/x",
    "https://[fe80::1]/push/x",
    "https://[fd12:3456::1]/push/x",
    "https://[ff02::1]/push/x",
    "https://[::ffff:10.0.0.1]/push/x",  # IPv4 in IPv6
    "https://[2002:a00:1::1]/push/x",  # 6to4 carrying 10.0.0.1
    "https://no-such-push-service.invalid/push/x",  # resolves to nothing
]


@pytest.fixture
def push_service() -> Iterator[PushService]:
    service = PushService()
    yield service
    service.server.shutdown()
    service.server.server_close()


@pytest.fixture
def browser(client: Client, push_service: PushService) -> Iterator[Browser]:
    phone = Browser(Phone(client, "K0001"), push_service)
    yield phone
    client.delete(SUBSCRIPTION, headers=phone.phone.headers)


def _subscribe(client: Client, browser: Browser, endpoint: str) -> tuple[int, str]:
    body = {**browser.subscription(), "endpoint": endpoint}
    response = client.put(SUBSCRIPTION, headers=browser.phone.headers, json=body)
    code = response.json()["code"] if response.content else ""
    return response.status_code, code


def test_a_subscription_to_a_non_public_address_is_refused(
    client: Client, browser: Browser, demo_settings: Settings
) -> None:
    answers = {endpoint: _subscribe(client, browser, endpoint) for endpoint in NOT_PUBLIC}

    assert answers == dict.fromkeys(NOT_PUBLIC, (422, "push_endpoint_not_public"))
    assert row_of(demo_settings, Device, browser.phone.device_id).push_subscription is None


def test_plain_http_even_to_this_machine_is_refused(client: Client, browser: Browser) -> None:
    plain = browser.service.origin + browser.path
    assert _subscribe(client, browser, plain) == (422, "invalid_push_subscription")


def test_a_push_service_on_a_public_address_is_accepted(
    client: Client, browser: Browser, demo_settings: Settings
) -> None:
    for endpoint in ("https://8.8.8.8/push/abc", "https://[2001:4860:4860::8888]/push/abc"):
        assert _subscribe(client, browser, endpoint) == (204, "")
        stored = row_of(demo_settings, Device, browser.phone.device_id).push_subscription
        assert stored is not None
        assert stored["endpoint"] == endpoint


def _store_directly(
    settings: Settings, device_id: uuid.UUID, endpoint: str, browser: Browser
) -> None:
    """As if the subscription was stored while its name pointed at a public address."""

    async def work(factory: Factory) -> None:
        async with factory() as session:
            device = await session.get(Device, device_id)
            assert device is not None
            device.push_subscription = {**browser.subscription(), "endpoint": endpoint}
            await session.commit()

    in_db(settings, work)


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_delivery_skips_and_removes_an_endpoint_that_now_points_inside(
    browser: Browser, demo_settings: Settings, scheme: str
) -> None:
    port = browser.service.server.server_address[1]
    endpoint = f"{scheme}://localhost:{port}{browser.path}"
    _store_directly(demo_settings, browser.phone.device_id, endpoint, browser)
    user = user_id(browser.phone.http, browser.phone.headers)
    notification_id = tell(demo_settings, user, "Leak in plant room B")

    report = deliver(demo_settings)

    assert (report.refused_removed, report.sent, report.failed) == (1, 0, 0)
    assert browser.service.received == []  # nothing reached the address inside
    assert row_of(demo_settings, Device, browser.phone.device_id).push_subscription is None
    # The notification stays in the in-app list, and is not retried by push.
    assert row_of(demo_settings, Notification, notification_id).pushed_at is not None
