"""Refresh in the field: a retry after a lost response gets the same pair; a copy does not."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select, update
from sqlmodel import col

from server.db.demo import DEMO_PASSWORD
from server.db.engine import make_engine
from server.db.models import RefreshToken
from server.domain.accounts.tokens import digest
from server.settings import Settings

Client = TestClient[Litestar]


def _login(client: Client, employee_no: str) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/login", json={"employee_no": employee_no, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200, response.text
    body: dict[str, str] = response.json()
    return body


def _refresh(client: Client, token: str) -> httpx.Response:
    return client.post("/api/v1/auth/refresh", json={"refresh_token": token})


def _me(client: Client, access_token: str) -> int:
    headers = {"Authorization": f"Bearer {access_token}"}
    return client.get("/api/v1/auth/me", headers=headers).status_code


def _spent_earlier(settings: Settings, token: str, ago: timedelta) -> None:
    """Move the moment `token` was spent back by `ago`, as if the phone retried that late."""

    async def write() -> None:
        engine = make_engine(settings.database)
        try:
            async with engine.begin() as connection:
                spent = col(RefreshToken.token_hash) == digest(token)
                used_at = await connection.scalar(select(col(RefreshToken.used_at)).where(spent))
                assert used_at is not None
                await connection.execute(
                    update(RefreshToken).where(spent).values(used_at=used_at - ago)
                )
        finally:
            await engine.dispose()

    asyncio.run(write())


def test_a_retry_after_a_lost_response_gets_the_same_pair_and_keeps_the_login(
    client: Client,
) -> None:
    first = _login(client, "T0003")
    rotated = _refresh(client, first["refresh_token"])
    assert rotated.status_code == 200
    # The answer never reached the phone: it still holds the spent token and sends it again.
    retry = _refresh(client, first["refresh_token"])

    assert retry.status_code == 200, retry.text
    assert retry.json()["refresh_token"] == rotated.json()["refresh_token"]
    assert retry.json()["access_token"] == rotated.json()["access_token"]
    assert _me(client, retry.json()["access_token"]) == 200
    # The login lives on: the pair it got rotates as usual.
    onward = _refresh(client, retry.json()["refresh_token"])
    assert onward.status_code == 200, onward.text
    assert onward.json()["refresh_token"] != retry.json()["refresh_token"]
    assert _me(client, onward.json()["access_token"]) == 200


def test_a_copied_token_presented_after_the_grace_revokes_the_family(
    client: Client, demo_settings: Settings
) -> None:
    first = _login(client, "T0003")
    rotated = _refresh(client, first["refresh_token"]).json()
    _spent_earlier(demo_settings, first["refresh_token"], timedelta(seconds=61))

    replay = _refresh(client, first["refresh_token"])

    assert replay.status_code == 401
    assert replay.json()["code"] == "refresh_reused"
    assert _refresh(client, rotated["refresh_token"]).json()["code"] == "refresh_rejected"
    assert _me(client, rotated["access_token"]) == 401


def test_a_spent_token_whose_successor_was_used_revokes_the_family_even_at_once(
    client: Client,
) -> None:
    first = _login(client, "T0003")
    rotated = _refresh(client, first["refresh_token"]).json()
    onward = _refresh(client, rotated["refresh_token"]).json()

    # Whoever sends the first token now did not lose an answer: the phone used it.
    replay = _refresh(client, first["refresh_token"])

    assert replay.status_code == 401
    assert replay.json()["code"] == "refresh_reused"
    assert _me(client, onward["access_token"]) == 401


def test_a_revoked_login_gets_nothing_within_the_grace(client: Client) -> None:
    first = _login(client, "T0003")
    rotated = _refresh(client, first["refresh_token"]).json()
    headers = {"Authorization": f"Bearer {rotated['access_token']}"}
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204

    replay = _refresh(client, first["refresh_token"])

    assert replay.status_code == 401
    assert replay.json()["code"] == "refresh_rejected"
