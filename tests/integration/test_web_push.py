"""Web Push end to end: a stand-in push service on 127.0.0.1 checks the VAPID signature and
decrypts each message with the subscription's own keys, as a browser's push service and
the browser would; plus the in-app list and the job lease."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import json
import os
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

import http_ece
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from server.app import create_app
from server.db.engine import make_engine, make_session_factory
from server.db.models import Device, Notification
from server.db.types import utcnow
from server.domain.notify import DeliveryReport, deliver_pending, notify
from server.domain.scheduling import run_exclusively
from server.settings import Settings
from tests.conftest import BASE_URL, api_login
from tests.phone import Phone

Client = TestClient[Litestar]
Factory = async_sessionmaker[AsyncSession]
T = TypeVar("T")


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def in_db(settings: Settings, work: Callable[[Factory], Awaitable[T]]) -> T:
    async def run() -> T:
        engine = make_engine(settings.database)
        try:
            return await work(make_session_factory(engine))
        finally:
            await engine.dispose()

    return asyncio.run(run())


class PushService:
    """Plays a browser vendor's push service: records each POST, answers `status`."""

    def __init__(self) -> None:
        self.status = 201
        self.location = ""  # sent as Location with a redirect status
        self.received: list[tuple[str, dict[str, str], bytes]] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {key.lower(): value for key, value in self.headers.items()}
                service.received.append((self.path, headers, body))
                self.send_response(service.status)
                if service.location:
                    self.send_header("Location", service.location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def at(self, path: str) -> list[tuple[dict[str, str], bytes]]:
        return [(headers, body) for got, headers, body in self.received if got == path]


@dataclasses.dataclass
class Browser:
    """A phone's browser: its own P-256 key pair and auth secret, subscribed at `path`."""

    phone: Phone
    service: PushService
    path: str = dataclasses.field(default_factory=lambda: f"/push/{uuid.uuid4().hex}")
    key: ec.EllipticCurvePrivateKey = dataclasses.field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = dataclasses.field(default_factory=lambda: os.urandom(16))

    def subscription(self) -> dict[str, Any]:
        public = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        keys = {"p256dh": b64(public), "auth": b64(self.auth)}
        return {"endpoint": self.service.origin + self.path, "expirationTime": None, "keys": keys}

    def subscribe(self) -> None:
        response = self.phone.http.put(
            SUBSCRIPTION, headers=self.phone.headers, json=self.subscription()
        )
        assert response.status_code == 204, response.text

    def messages(self, settings: Settings) -> list[dict[str, Any]]:
        """Every message received so far: VAPID checked, then decrypted with our keys."""
        found = []
        for headers, body in self.service.at(self.path):
            scheme, _, params = headers["authorization"].partition(" ")
            parts = dict(part.strip().split("=", 1) for part in params.split(","))
            assert scheme == "vapid"
            assert parts["k"] == settings.push.public_key
            signer = ec.EllipticCurvePublicKey.from_encoded_point(
                ec.SECP256R1(), base64.urlsafe_b64decode(parts["k"] + "==")
            )
            claims = jwt.decode(
                parts["t"], signer, algorithms=["ES256"], audience=self.service.origin
            )
            assert claims["sub"] == settings.push.subject
            assert headers["content-encoding"] == "aes128gcm"
            plain = http_ece.decrypt(
                body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"
            )
            found.append(json.loads(plain))
        return found


SUBSCRIPTION = "/api/v1/devices/current/push-subscription"


@pytest.fixture(scope="module")
def demo_settings(demo_settings: Settings) -> Settings:
    """The stand-in push service listens on 127.0.0.1 over plain HTTP, which only a server
    set to allow private endpoints posts to (test_push_endpoints.py: without it)."""
    push = dataclasses.replace(demo_settings.push, allow_private_endpoints=True)
    return dataclasses.replace(demo_settings, push=push)


@pytest.fixture(scope="module")
def demo_app(demo_settings: Settings) -> Litestar:
    return create_app(demo_settings)


@pytest.fixture
def push_service() -> Iterator[PushService]:
    service = PushService()
    yield service
    service.server.shutdown()
    service.server.server_close()


@pytest.fixture
def browser(client: Client, push_service: PushService) -> Iterator[Browser]:
    """The storekeeper's phone, subscribed; unsubscribed after, so later runs skip it."""
    subscribed = Browser(Phone(client, "K0001"), push_service)
    subscribed.subscribe()
    yield subscribed
    client.delete(SUBSCRIPTION, headers=subscribed.phone.headers)


def user_id(http: Any, headers: dict[str, str]) -> uuid.UUID:
    return uuid.UUID(http.get("/api/v1/auth/me", headers=headers).json()["id"])


def tell(settings: Settings, user: uuid.UUID, title: str) -> uuid.UUID:
    async def work(factory: Factory) -> uuid.UUID:
        async with factory() as session:
            (row,) = await notify(
                session, [user], "assigned", title, "Level 2, ICU — bed 4", "/app/#/o/1"
            )
            await session.commit()
            return row.id

    return in_db(settings, work)


def deliver(settings: Settings, later: timedelta = timedelta()) -> DeliveryReport:
    return in_db(
        settings, lambda f: deliver_pending(f, settings, limit=10_000, now=utcnow() + later)
    )


def row_of(settings: Settings, model: type[T], key: uuid.UUID) -> T:
    async def work(factory: Factory) -> T:
        async with factory() as session:
            found = await session.get(model, key)
            assert found is not None
            return found

    return in_db(settings, work)


def test_push_key_is_the_vapid_public_key(client: Client, demo_settings: Settings) -> None:
    response = client.get("/api/v1/push/key", headers=api_login(client, "G0001"))
    assert response.status_code == 200
    assert response.json() == {"public_key": demo_settings.push.public_key}
    assert client.get("/api/v1/push/key").status_code == 401


def test_a_notification_is_pushed_encrypted_for_the_subscription(
    browser: Browser, demo_settings: Settings
) -> None:
    notification_id = tell(demo_settings, user_id(browser.phone.http, browser.phone.headers), "Go")

    report = deliver(demo_settings)

    assert (report.sent, report.failed) == (1, 0)
    assert browser.messages(demo_settings) == [
        {
            "title": "Go",
            "body": "Level 2, ICU — bed 4",
            "url": "/app/#/o/1",
            "kind": "assigned",
            "id": str(notification_id),
        }
    ]
    (headers, _), *_ = browser.service.at(browser.path)
    assert int(headers["ttl"]) > 0
    row = row_of(demo_settings, Notification, notification_id)
    assert row.pushed_at is not None
    assert row.push_attempts == 0
    assert deliver(demo_settings).sent == 0  # pushed once, never again


@pytest.mark.parametrize("status", [410, 404])
def test_a_gone_subscription_is_removed_and_not_called_again(
    browser: Browser, demo_settings: Settings, status: int
) -> None:
    browser.service.status = status
    user = user_id(browser.phone.http, browser.phone.headers)
    first = tell(demo_settings, user, "First")

    report = deliver(demo_settings)

    assert report.expired_removed == 1
    assert row_of(demo_settings, Device, browser.phone.device_id).push_subscription is None
    assert row_of(demo_settings, Notification, first).pushed_at is not None
    calls = len(browser.service.received)
    second = tell(demo_settings, user, "Second")
    assert deliver(demo_settings).no_subscription >= 1
    assert len(browser.service.received) == calls
    assert row_of(demo_settings, Notification, second).pushed_at is not None


def test_a_failing_push_service_is_tried_again_later(
    browser: Browser, demo_settings: Settings
) -> None:
    browser.service.status = 500
    notification_id = tell(demo_settings, user_id(browser.phone.http, browser.phone.headers), "X")

    assert deliver(demo_settings).failed == 1
    row = row_of(demo_settings, Notification, notification_id)
    assert (row.pushed_at, row.push_attempts) == (None, 1)
    assert deliver(demo_settings).failed == 0  # not again at once: it backs off

    browser.service.status = 201
    assert deliver(demo_settings, later=timedelta(minutes=2)).sent == 1
    assert [m["id"] for m in browser.messages(demo_settings)] == [str(notification_id)] * 2
    row = row_of(demo_settings, Notification, notification_id)
    assert row.pushed_at is not None
    assert row.push_attempts == 1


def test_a_push_service_redirecting_elsewhere_is_not_followed(
    browser: Browser, demo_settings: Settings
) -> None:
    browser.service.status = 307
    browser.service.location = f"{browser.service.origin}/somewhere-inside"
    tell(demo_settings, user_id(browser.phone.http, browser.phone.headers), "Redirected")

    assert deliver(demo_settings).failed == 1
    assert len(browser.service.at(browser.path)) == 1
    assert browser.service.at("/somewhere-inside") == []


def test_subscriptions_are_checked_and_follow_the_browser(
    client: Client, browser: Browser, demo_settings: Settings
) -> None:
    good = browser.subscription()
    refused = [
        {**good, "endpoint": "http://push.example.org/x"},
        {**good, "keys": {**good["keys"], "p256dh": b64(b"\x04" + bytes(64))}},
        {**good, "keys": {**good["keys"], "auth": b64(bytes(8))}},
        {**good, "keys": {**good["keys"], "auth": "not base64!"}},
    ]
    for body in refused:
        response = client.put(SUBSCRIPTION, headers=browser.phone.headers, json=body)
        assert response.status_code == 422, body
        assert response.json()["code"] == "invalid_push_subscription"

    # The same browser signed in again as a new device: the old device stops receiving.
    again = dataclasses.replace(browser, phone=Phone(client, "K0001"))
    again.subscribe()
    assert row_of(demo_settings, Device, browser.phone.device_id).push_subscription is None
    assert row_of(demo_settings, Device, again.phone.device_id).push_subscription == {
        "endpoint": good["endpoint"],
        "keys": good["keys"],
    }
    assert client.delete(SUBSCRIPTION, headers=again.phone.headers).status_code == 204
    assert row_of(demo_settings, Device, again.phone.device_id).push_subscription is None


def test_the_in_app_list_is_the_users_own(client: Client, demo_settings: Settings) -> None:
    cleaner, guard = api_login(client, "C0001"), api_login(client, "G0002")
    older = tell(demo_settings, user_id(client, cleaner), "Older")
    newer = tell(demo_settings, user_id(client, cleaner), "Newer")

    page = client.get("/api/v1/notifications", headers=cleaner).json()
    assert [item["id"] for item in page["items"][:2]] == [str(newer), str(older)]
    others = client.get("/api/v1/notifications", headers=guard).json()["items"]
    assert {str(older), str(newer)}.isdisjoint(item["id"] for item in others)
    assert client.post(f"/api/v1/notifications/{older}/read", headers=guard).status_code == 404

    response = client.post(f"/api/v1/notifications/{older}/read", headers=cleaner)
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    unread = client.get("/api/v1/notifications?unread_only=true", headers=cleaner).json()
    assert str(older) not in [item["id"] for item in unread["items"]]
    assert str(newer) in [item["id"] for item in unread["items"]]
    assert unread["unread"] == page["unread"] - 1


def test_a_lease_lets_one_holder_run_a_job_until_it_expires(demo_settings: Settings) -> None:
    name, ttl = f"test-{uuid.uuid4().hex[:8]}", timedelta(minutes=5)
    runs: list[str] = []

    async def job_of(holder: str) -> None:
        runs.append(holder)
        await asyncio.sleep(0.05)

    async def work(factory: Factory) -> tuple[list[bool], bool, bool]:
        def attempt(holder: str, later: timedelta = timedelta()) -> Awaitable[bool]:
            return run_exclusively(
                factory, name, holder, ttl, lambda: job_of(holder), now=utcnow() + later
            )

        together = await asyncio.gather(attempt("worker-a"), attempt("worker-b"))
        before_expiry = await attempt("worker-c", timedelta(minutes=4))
        after_expiry = await attempt("worker-c", timedelta(minutes=6))
        return list(together), before_expiry, after_expiry

    together, before_expiry, after_expiry = in_db(demo_settings, work)
    assert sorted(together) == [False, True]
    assert (before_expiry, after_expiry) == (False, True)
    assert runs[1:] == ["worker-c"]
    assert runs[0] in {"worker-a", "worker-b"}


def test_the_app_delivers_in_the_background_and_stops_cleanly(
    demo_settings: Settings, push_service: PushService
) -> None:
    fast = dataclasses.replace(demo_settings.push, interval_seconds=0.2)
    app = create_app(dataclasses.replace(demo_settings, push=fast))
    with TestClient(app, base_url=BASE_URL) as http:
        subscribed = Browser(Phone(http, "K0001"), push_service)
        subscribed.subscribe()
        notification_id = tell(demo_settings, user_id(http, subscribed.phone.headers), "Bg")
        # The storekeeper may hold notifications from earlier tests on the shared demo
        # database (stock alerts): wait for this one, among whatever else is delivered.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and str(notification_id) not in [
            m["id"] for m in subscribed.messages(demo_settings)
        ]:
            time.sleep(0.1)
        http.delete(SUBSCRIPTION, headers=subscribed.phone.headers)
    assert str(notification_id) in [m["id"] for m in subscribed.messages(demo_settings)]
