"""Field-app sign-in: tokens bound to a device, rotation, reuse detection, logout, throttling."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from litestar import Litestar
from litestar.testing import TestClient

from server.db.demo import DEMO_PASSWORD
from server.db.types import utcnow
from server.domain.accounts.tokens import AccessClaims, issue_access_token
from server.settings import Settings
from tests.conftest import api_login

Client = TestClient[Litestar]


def _login(
    client: Client, employee_no: str, password: str = DEMO_PASSWORD, **extra: object
) -> httpx.Response:
    return client.post(
        "/api/v1/auth/login", json={"employee_no": employee_no, "password": password, **extra}
    )


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _new_user(client: Client, *, password: str = "correct horse battery") -> str:
    employee_no = f"X{uuid.uuid4().hex[:8].upper()}"
    response = client.post(
        "/api/v1/people",
        headers=api_login(client, "A0001"),
        json={
            "employee_no": employee_no,
            "name": "Temp Worker",
            "password": password,
            "roles": ["technician"],
            "team_code": "ELEC",
        },
    )
    assert response.status_code == 201, response.text
    return employee_no


def test_login_registers_the_device_and_returns_the_user(client: Client) -> None:
    device_id = uuid.uuid4()
    response = _login(client, "T0001", device_id=str(device_id), device_name="Pixel 4a")
    assert response.status_code == 200
    body = response.json()
    assert body["device_id"] == str(device_id)
    assert body["user"]["employee_no"] == "T0001"
    assert body["user"]["roles"] == ["technician"]
    assert body["refresh_token"]
    assert body["access_token"]
    me = client.get("/api/v1/auth/me", headers=_bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.json()["employee_no"] == "T0001"


def test_wrong_password_is_a_problem_with_a_stable_code(client: Client) -> None:
    response = _login(client, "T0002", "not the password")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "invalid_credentials"
    assert _login(client, "NOBODY", "whatever").json()["code"] == "invalid_credentials"


def test_refresh_rotates_and_a_reused_token_revokes_the_family(client: Client) -> None:
    first = _login(client, "T0002").json()
    second = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert rotated["device_id"] == first["device_id"]
    assert (
        client.get("/api/v1/auth/me", headers=_bearer(rotated["access_token"])).status_code == 200
    )

    # The owner rotates on; then a copy of the first token turns up.
    onward = client.post("/api/v1/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
    assert onward.status_code == 200
    replay = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert replay.status_code == 401
    assert replay.json()["code"] == "refresh_reused"

    # The thief's copy and the owner's newer token are both dead now.
    newest = onward.json()
    after = client.post("/api/v1/auth/refresh", json={"refresh_token": newest["refresh_token"]})
    assert after.status_code == 401
    assert after.json()["code"] == "refresh_rejected"
    me = client.get("/api/v1/auth/me", headers=_bearer(newest["access_token"]))
    assert me.status_code == 401


def test_unknown_refresh_token_is_refused(client: Client) -> None:
    response = client.post("/api/v1/auth/refresh", json={"refresh_token": "made-up"})
    assert response.status_code == 401
    assert response.json()["code"] == "refresh_rejected"


def test_logout_revokes_access_and_refresh_at_once(client: Client) -> None:
    pair = _login(client, "K0001").json()
    headers = _bearer(pair["access_token"])
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/items", headers=headers).status_code == 401
    refreshed = client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refreshed.status_code == 401


def test_expired_access_token_says_so(client: Client, demo_settings: Settings) -> None:
    pair = _login(client, "T0001").json()
    me = client.get("/api/v1/auth/me", headers=_bearer(pair["access_token"])).json()
    stale = issue_access_token(
        AccessClaims(uuid.UUID(me["id"]), uuid.UUID(pair["device_id"]), uuid.uuid4()),
        secret=demo_settings.auth.secret_key,
        now=utcnow() - timedelta(hours=2),
        lifetime=timedelta(minutes=15),
    )
    response = client.get("/api/v1/auth/me", headers=_bearer(stale))
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"


def test_forged_token_is_refused(client: Client) -> None:
    pair = _login(client, "T0001").json()
    header, payload, signature = pair["access_token"].split(".")
    forged = f"{header}.{payload}.{signature[::-1]}"
    response = client.get("/api/v1/auth/me", headers=_bearer(forged))
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_failed_logins_are_throttled_even_for_the_right_password(client: Client) -> None:
    employee_no = _new_user(client)
    for _ in range(5):
        assert _login(client, employee_no, "wrong guess").status_code == 401
    blocked = _login(client, employee_no, "correct horse battery")
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "too_many_attempts"
    assert int(blocked.headers["retry-after"]) > 0
    # Another person is not locked out by it.
    assert _login(client, "T0002").status_code == 200


def test_a_successful_login_clears_earlier_failures(client: Client) -> None:
    employee_no = _new_user(client)
    for _ in range(4):
        _login(client, employee_no, "wrong guess")
    assert _login(client, employee_no, "correct horse battery").status_code == 200
    for _ in range(4):
        _login(client, employee_no, "wrong guess")
    assert _login(client, employee_no, "correct horse battery").status_code == 200


def test_passwords_are_stored_as_argon2_hashes(client: Client, demo_settings: Settings) -> None:
    import asyncio

    from sqlalchemy import select

    from server.db.engine import make_engine
    from server.db.models import User

    employee_no = _new_user(client, password="a long passphrase")

    async def stored_hash() -> str:
        engine = make_engine(demo_settings.database)
        try:
            async with engine.connect() as connection:
                found = await connection.scalar(
                    select(User.password_hash).where(User.employee_no == employee_no)
                )
                return str(found)
        finally:
            await engine.dispose()

    value = asyncio.run(stored_hash())
    assert value.startswith("$argon2id$")
    assert "a long passphrase" not in value


def test_short_passwords_and_unknown_roles_are_refused(client: Client) -> None:
    headers = api_login(client, "A0001")
    short = client.post(
        "/api/v1/people",
        headers=headers,
        json={"employee_no": "Z1", "name": "Z", "password": "short", "roles": ["technician"]},
    )
    assert short.status_code == 422
    assert short.json()["code"] == "invalid_input"
    unknown = client.post(
        "/api/v1/people",
        headers=headers,
        json={"employee_no": "Z2", "name": "Z", "password": "long enough", "roles": ["wizard"]},
    )
    assert unknown.status_code == 422
    duplicate = client.post(
        "/api/v1/people",
        headers=headers,
        json={"employee_no": "T0001", "name": "Z", "password": "long enough", "roles": ["desk"]},
    )
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "already_exists"
