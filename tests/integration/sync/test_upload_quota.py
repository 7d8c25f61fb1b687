"""The daily upload quota: a clear refusal for a new file, never for one already begun."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select, update
from sqlmodel import col

from server.app import create_app
from server.db.engine import make_engine
from server.db.models import Blob, User
from server.settings import Settings
from tests.conftest import BASE_URL, api_login

Client = TestClient[Litestar]
FILE = 1000
QUOTA = 2500  # two and a half files a day


@pytest.fixture
def client(blob_store_settings: Settings) -> Iterator[Client]:
    app = create_app(dataclasses.replace(blob_store_settings, upload_quota_bytes=QUOTA))
    with TestClient(app, base_url=BASE_URL) as test_client:
        yield test_client


def _new_technician(client: Client) -> tuple[str, dict[str, str]]:
    employee_no = f"Q{uuid.uuid4().hex[:8].upper()}"
    created = client.post(
        "/api/v1/people",
        headers=api_login(client, "A0001"),
        json={
            "employee_no": employee_no,
            "name": "Busy Technician",
            "password": "many photos today",
            "roles": ["technician"],
            "team_code": "ELEC",
        },
    )
    assert created.status_code == 201, created.text
    return employee_no, api_login(client, employee_no, "many photos today")


def _file() -> bytes:
    return b"%PDF-1.4\n" + os.urandom(FILE - 16) + b"\n%%EOF\n"


def _put(
    client: Client, auth: dict[str, str], data: bytes, body: bytes | None = None, **headers: str
) -> httpx.Response:
    """Send `body` (all of `data` by default) to the address of `data`."""
    address = hashlib.sha256(data).hexdigest()
    content = data if body is None else body
    return client.put(f"/api/v1/blobs/{address}", content=content, headers={**auth, **headers})


def _move_to_yesterday(settings: Settings, employee_no: str) -> None:
    async def write() -> None:
        engine = make_engine(settings.database)
        try:
            async with engine.begin() as connection:
                user_id = await connection.scalar(
                    select(col(User.id)).where(col(User.employee_no) == employee_no)
                )
                await connection.execute(
                    update(Blob)
                    .where(col(Blob.uploaded_by_id) == user_id)
                    .values(created_at=datetime.now(UTC) - timedelta(days=1))
                )
        finally:
            await engine.dispose()

    asyncio.run(write())


def test_a_new_file_past_the_quota_is_refused_and_a_begun_one_finishes(
    client: Client, demo_settings: Settings
) -> None:
    employee_no, auth = _new_technician(client)
    whole, begun, refused = _file(), _file(), _file()
    assert _put(client, auth, whole).status_code == 201
    # Cut off after 400 bytes: the server holds them and counts the whole declared size.
    partial = _put(client, auth, begun, begun[:400], **{"Upload-Length": str(FILE)})
    assert partial.status_code == 202

    response = _put(client, auth, refused)

    assert response.status_code == 429
    problem = response.json()
    assert problem["code"] == "upload_quota_exceeded"
    assert (problem["limit"], problem["used"]) == (QUOTA, 2 * FILE)
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    assert problem["resets_at"] == f"{tomorrow}T00:00:00+00:00"
    assert str(QUOTA) in problem["detail"]
    assert problem["resets_at"] in problem["detail"]
    assert 0 < int(response.headers["retry-after"]) <= 24 * 3600
    refused_address = hashlib.sha256(refused).hexdigest()
    assert client.head(f"/api/v1/blobs/{refused_address}", headers=auth).status_code == 404

    resumed = _put(
        client, auth, begun, begun[400:], **{"Upload-Offset": "400", "Upload-Length": str(FILE)}
    )
    assert resumed.status_code == 201, resumed.text
    # A file the server already has costs nothing, quota or not.
    assert _put(client, auth, whole).status_code == 200

    _move_to_yesterday(demo_settings, employee_no)
    assert _put(client, auth, refused).status_code == 201
