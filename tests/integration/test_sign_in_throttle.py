"""Throttling failed sign-ins per employee number and address, through a real server.

The server listens on 127.0.0.1; each test's phones connect from their own loopback
address (127.0.0.x), as a ward behind one NAT address or a second ward would.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from server.db.demo import DEMO_PASSWORD
from tests.databases import load_small_demo, scratch_database
from tests.servers import Server, server_env, serving

NURSE_PASSWORD = "ward seven night shift"


@pytest.fixture(scope="module")
def server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    directory: Path = tmp_path_factory.mktemp(f"throttle-{backend}")
    with scratch_database(backend, directory) as url:
        asyncio.run(load_small_demo(url))
        with serving(server_env(url, directory / "state")) as running:
            yield running


def from_address(server: Server, address: str) -> httpx.Client:
    """A client whose connections leave from `address` (one ward's NAT address)."""
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=server.base, transport=transport, timeout=60)


def sign_in(http: httpx.Client, employee_no: str, password: str) -> httpx.Response:
    return http.post("/api/v1/auth/login", json={"employee_no": employee_no, "password": password})


def new_nurses(server: Server, count: int) -> list[str]:
    with httpx.Client(base_url=server.base, timeout=60) as http:
        token = sign_in(http, "A0001", DEMO_PASSWORD).json()["access_token"]
        numbers = []
        for _ in range(count):
            number = f"N{uuid.uuid4().hex[:8].upper()}"
            created = http.post(
                "/api/v1/people",
                headers={"Authorization": f"Bearer {token}"},
                json={
                    "employee_no": number,
                    "name": "Ward Nurse",
                    "password": NURSE_PASSWORD,
                    "roles": ["requester"],
                    "department_code": "ICU",
                },
            )
            assert created.status_code == 201, created.text
            numbers.append(number)
        return numbers


def test_thirty_nurses_behind_one_address_each_mistype_once_and_all_sign_in(
    server: Server,
) -> None:
    nurses = new_nurses(server, 30)
    with from_address(server, "127.0.0.2") as ward:
        for nurse in nurses:
            wrong = sign_in(ward, nurse, "ward seven nite shift")
            assert wrong.status_code == 401, wrong.text
        for nurse in nurses:
            right = sign_in(ward, nurse, NURSE_PASSWORD)
            assert right.status_code == 200, right.text


def test_five_failures_throttle_that_number_from_that_address_only(server: Server) -> None:
    nurse, colleague = new_nurses(server, 2)
    with from_address(server, "127.0.0.3") as ward, from_address(server, "127.0.0.4") as other:
        for _ in range(5):
            assert sign_in(ward, nurse, "guess").status_code == 401
        blocked = sign_in(ward, nurse, NURSE_PASSWORD)
        assert blocked.status_code == 429
        assert blocked.json()["code"] == "too_many_attempts"
        assert int(blocked.headers["retry-after"]) > 0
        # The colleague at the same address, and the nurse from another ward, carry on.
        assert sign_in(ward, colleague, NURSE_PASSWORD).status_code == 200
        assert sign_in(other, nurse, NURSE_PASSWORD).status_code == 200


def test_one_address_trying_many_unknown_numbers_is_throttled(server: Server) -> None:
    (nurse,) = new_nurses(server, 1)
    with from_address(server, "127.0.0.5") as sprayer, from_address(server, "127.0.0.6") as ward:
        answers = [sign_in(sprayer, f"Z{n:05d}", "password1").status_code for n in range(25)]
        assert answers[:20] == [401] * 20
        assert answers[20:] == [429] * 5
        blocked = sign_in(sprayer, nurse, NURSE_PASSWORD)
        assert blocked.status_code == 429
        assert "unknown employee numbers" in blocked.json()["detail"]
        assert sign_in(ward, nurse, NURSE_PASSWORD).status_code == 200
