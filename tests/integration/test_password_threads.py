"""argon2 runs beside the event loop: while a password is checked or hashed, the same
server keeps answering other requests.

The hasher is held inside its check until the test has seen another request answered.
Were the check on the event loop, that request could not be answered until the hold
gave up, and the test sees that.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.db.demo import DEMO_PASSWORD
from server.domain.accounts import passwords
from tests.conftest import api_login

Client = TestClient[Litestar]
HOLD_SECONDS = 30


@dataclass
class Hold:
    """Keeps the hasher inside one call until `release`; records whether it was released."""

    entered: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    released_in_time: list[bool] = field(default_factory=list)

    def around(self, real: Callable[..., Any]) -> Callable[..., Any]:
        def held(*args: Any) -> Any:
            self.entered.set()
            self.released_in_time.append(self.release.wait(HOLD_SECONDS))
            return real(*args)

        return held


class HeldHasher:
    """The real argon2 hasher, with one of its methods held."""

    def __init__(self, real: Any, method: str, hold: Hold) -> None:
        self._real, self._method = real, method
        self._held = hold.around(getattr(real, method))

    def __getattr__(self, name: str) -> Any:
        return self._held if name == self._method else getattr(self._real, name)


@pytest.fixture
def hold() -> Hold:
    return Hold()


def answered_while_held(client: Client, hold: Hold, request: Callable[[], httpx.Response]) -> int:
    """Send `request`; once the hasher is held, ask /healthz; returns the request's status."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(request)
        assert hold.entered.wait(120), "the request never reached the password hasher"
        health = client.get("/healthz")
        hold.release.set()
        status = pending.result(timeout=120).status_code
    assert health.status_code == 200
    return status


def test_a_sign_in_being_checked_does_not_stop_other_requests(
    client: Client, hold: Hold, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(passwords, "_hasher", HeldHasher(passwords._hasher, "verify", hold))

    status = answered_while_held(
        client,
        hold,
        lambda: client.post(
            "/api/v1/auth/login", json={"employee_no": "T0002", "password": DEMO_PASSWORD}
        ),
    )

    assert status == 200
    assert hold.released_in_time == [True]


def test_a_new_password_being_hashed_does_not_stop_other_requests(
    client: Client, hold: Hold, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = api_login(client, "A0001")
    monkeypatch.setattr(passwords, "_hasher", HeldHasher(passwords._hasher, "hash", hold))
    body = {
        "employee_no": f"H{uuid.uuid4().hex[:8].upper()}",
        "name": "New Porter",
        "password": "a long new passphrase",
        "roles": ["requester"],
    }

    status = answered_while_held(
        client, hold, lambda: client.post("/api/v1/people", headers=admin, json=body)
    )

    assert status == 201
    assert hold.released_in_time == [True]
