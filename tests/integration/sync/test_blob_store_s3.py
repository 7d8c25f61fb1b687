"""The S3 blob store keeps everything in the bucket: staged parts while an upload is
unfinished, the finished blob and thumbnail after, and nothing on the server's disk."""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from PIL import Image

from server.app import create_app
from server.settings import Settings
from tests.blob_stores import S3Server
from tests.conftest import BASE_URL, api_login, settings_for
from tests.servers import free_port

Client = TestClient[Litestar]


@pytest.fixture
def bucket(s3_server: S3Server) -> str:
    return s3_server.new_bucket()


@pytest.fixture
def s3_settings(
    s3_server: S3Server, bucket: str, demo_database_url: str, tmp_path: Path
) -> Settings:
    return settings_for(demo_database_url, tmp_path, **s3_server.env(bucket))


@pytest.fixture
def client(s3_settings: Settings) -> Iterator[Client]:
    with TestClient(create_app(s3_settings), base_url=BASE_URL) as test_client:
        yield test_client


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.frombytes("RGB", (200, 150), os.urandom(200 * 150 * 3)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_resumed_upload_lives_in_the_bucket_only(
    client: Client, s3_server: S3Server, bucket: str, s3_settings: Settings
) -> None:
    auth = api_login(client, "T0001")
    data = _photo()
    sha256 = hashlib.sha256(data).hexdigest()
    url = f"/api/v1/blobs/{sha256}"
    cut = len(data) * 6 // 10
    first = client.put(url, content=data[:cut], headers={**auth, "Upload-Length": str(len(data))})
    assert first.status_code == 202, first.text
    assert s3_server.keys(bucket) == [f"partial/{sha256}/{0:016d}-{cut:016d}"]
    assert client.head(url, headers=auth).headers["Upload-Offset"] == str(cut)

    rest = client.put(
        url,
        content=data[cut:],
        headers={**auth, "Upload-Length": str(len(data)), "Upload-Offset": str(cut)},
    )
    assert rest.status_code == 201, rest.text
    assert s3_server.keys(bucket) == [f"blobs/{sha256[:2]}/{sha256}", f"thumbs/{sha256}.jpg"]
    assert not any(path.is_file() for path in s3_settings.blob_dir.rglob("*"))

    whole = client.get(url, headers=auth)
    assert whole.status_code == 200
    assert whole.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(whole.content)).size == (200, 150)
    thumbnail = client.get(f"{url}/thumbnail", headers=auth)
    assert thumbnail.status_code == 200
    assert thumbnail.content.startswith(b"\xff\xd8\xff")

    again = client.put(url, content=data, headers=auth)
    assert again.status_code == 200  # the same bytes are stored once
    assert len(s3_server.keys(bucket, "blobs/")) == 1


def test_an_unreachable_store_is_a_503_the_phone_retries(
    s3_server: S3Server, bucket: str, demo_database_url: str, tmp_path: Path
) -> None:
    env = {**s3_server.env(bucket), "ROUNDS_S3_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}"}
    settings = settings_for(demo_database_url, tmp_path, **env)
    data = _photo()
    url = f"/api/v1/blobs/{hashlib.sha256(data).hexdigest()}"
    with TestClient(create_app(settings), base_url=BASE_URL) as client:
        auth = api_login(client, "T0001")
        refused = client.put(url, content=data, headers=auth)
        assert refused.status_code == 503, refused.text
        assert refused.json()["code"] == "blob_store_unavailable"
        assert refused.headers["retry-after"] == "10"
        assert client.head(url, headers=auth).status_code == 404  # nothing half-recorded
    # The store is back: the same PUT from the phone's queue now completes.
    back = settings_for(demo_database_url, tmp_path, **s3_server.env(bucket))
    with TestClient(create_app(back), base_url=BASE_URL) as client:
        auth = api_login(client, "T0001")
        assert client.put(url, content=data, headers=auth).status_code == 201
