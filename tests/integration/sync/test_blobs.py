"""Blobs: verified, resumable uploads; photos cleaned; references resolve in either order.

Every test runs against both blob stores (local files and S3) on both databases.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import struct
import zlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient
from PIL import ExifTags, Image

from server.db.engine import make_engine, make_session_factory
from server.domain.blobs.schemas import BlobReferences
from server.domain.blobs.service import references
from server.settings import Settings
from tests.conftest import BASE_URL, api_login
from tests.phone import Phone

Client = TestClient[Litestar]


@pytest.fixture
def client(blob_store_app: Litestar) -> Iterator[Client]:
    with TestClient(blob_store_app, base_url=BASE_URL) as test_client:
        yield test_client


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def url(data_or_sha: bytes | str) -> str:
    address = data_or_sha if isinstance(data_or_sha, str) else sha(data_or_sha)
    return f"/api/v1/blobs/{address}"


def put(
    client: Client, auth: dict[str, str], data: bytes, address: str | None = None, **headers: str
) -> httpx.Response:
    extra = {name.replace("_", "-"): value for name, value in headers.items()}
    return client.put(url(address or sha(data)), content=data, headers={**auth, **extra})


def resume(
    client: Client, auth: dict[str, str], data: bytes, offset: int | None, body: bytes
) -> httpx.Response:
    """Part of `data`, declaring its whole length; from `offset` (None: from byte 0)."""
    headers = {**auth, "Upload-Length": str(len(data))}
    if offset is not None:
        headers["Upload-Offset"] = str(offset)
    return client.put(url(data), content=body, headers=headers)


def noise(size: tuple[int, int]) -> Image.Image:
    return Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))


def encoded(image: Image.Image, fmt: str, **params: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def photo_with_gps() -> bytes:
    """A 60x20 JPEG, tagged 'rotate 90° clockwise to view' (orientation 6), with GPS."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (51, 30, 1),
    }
    data = encoded(noise((60, 20)), "JPEG", exif=exif, comment=b"home address")
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    return data


def pdf() -> bytes:
    return b"%PDF-1.4\n" + os.urandom(100_000) + b"\n%%EOF\n"


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_claiming(width: int, height: int) -> bytes:
    """A PNG header that claims a huge image over a few bytes of data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(os.urandom(8)))
        + _chunk(b"IEND", b"")
    )


def blob_refs(settings: Settings, address: str) -> BlobReferences:
    async def read() -> BlobReferences:
        engine = make_engine(settings.database)
        try:
            async with make_session_factory(engine)() as session:
                return await references(session, address)
        finally:
            await engine.dispose()

    return asyncio.run(read())


def test_whole_upload_then_head_and_an_idempotent_put(client: Client) -> None:
    auth = api_login(client, "T0001")
    data = encoded(noise((640, 360)), "PNG")
    assert client.head(url(data), headers=auth).status_code == 404

    first = put(client, auth, data)
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["sha256"], body["size"], body["received"], body["complete"]) == (
        sha(data), len(data), len(data), True)  # fmt: skip
    assert (body["content_type"], body["width"], body["height"]) == ("image/png", 640, 360)

    probe = client.head(url(data), headers=auth)
    assert probe.status_code == 200
    assert probe.headers["Upload-Length"] == probe.headers["Upload-Offset"] == str(len(data))
    assert probe.headers["Blob-Complete"] == "true"

    again = put(client, auth, data)
    assert (again.status_code, again.json()["complete"]) == (200, True)

    served = client.get(url(data), headers=auth)
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(served.content)).size == (640, 360)
    thumb = client.get(url(data) + "/thumbnail", headers=auth)
    assert thumb.status_code == 200
    assert Image.open(io.BytesIO(thumb.content)).size == (320, 180)


def test_an_upload_cut_at_60_percent_resumes_from_the_held_offset(client: Client) -> None:
    auth = api_login(client, "T0001")
    data = pdf()
    cut = len(data) * 60 // 100
    partial = resume(client, auth, data, None, data[:cut])
    assert partial.status_code == 202, partial.text
    assert partial.json()["received"] == cut

    probe = client.head(url(data), headers=auth)
    assert probe.status_code == 200
    held = (probe.headers["Upload-Offset"], probe.headers["Upload-Length"])
    assert held == (str(cut), str(len(data)))
    assert probe.headers["Blob-Complete"] == "false"

    wrong = resume(client, auth, data, 1000, data[1000:])
    assert wrong.status_code == 409
    assert (wrong.json()["code"], wrong.json()["offset"]) == ("offset_mismatch", cut)
    assert wrong.headers["Upload-Offset"] == str(cut)

    rest = resume(client, auth, data, cut, data[cut:])
    assert rest.status_code == 201, rest.text
    assert rest.headers["Blob-Complete"] == "true"
    served = client.get(url(data), headers=auth)
    assert served.headers["content-type"] == "application/pdf"
    assert sha(served.content) == sha(data)
    assert client.get(url(data) + "/thumbnail", headers=auth).status_code == 404


def test_corrupt_and_empty_uploads_keep_nothing(client: Client) -> None:
    auth = api_login(client, "T0001")
    data, claimed = pdf(), sha(os.urandom(32))
    corrupt = put(client, auth, data, claimed)
    assert (corrupt.status_code, corrupt.json()["code"]) == (422, "hash_mismatch")
    assert client.head(url(claimed), headers=auth).status_code == 404

    # A resumed upload whose second half is not what the first half began.
    half = len(data) // 2
    assert resume(client, auth, data, None, data[:half]).status_code == 202
    spliced = resume(client, auth, data, half, os.urandom(len(data) - half))
    assert (spliced.status_code, spliced.json()["code"]) == (422, "hash_mismatch")
    assert client.head(url(data), headers=auth).status_code == 404
    assert put(client, auth, data).status_code == 201  # and a clean retry works

    empty = put(client, auth, b"")
    assert (empty.status_code, empty.json()["code"]) == (422, "empty_blob")
    assert client.head(url(b""), headers=auth).status_code == 404


def test_too_large_is_refused_from_the_declared_length(client: Client) -> None:
    auth = api_login(client, "T0001")
    data = os.urandom(1000)
    refused = put(client, auth, data, upload_length=str(15 * 1024 * 1024 + 1))
    assert (refused.status_code, refused.json()["code"]) == (413, "blob_too_large")
    assert client.head(url(data), headers=auth).status_code == 404
    # A body longer than the length it declared is refused while streaming.
    longer = put(client, auth, data, upload_length="500")
    assert longer.status_code == 400
    assert client.head(url(data), headers=auth).status_code == 404


@pytest.mark.parametrize("bomb", ["header_claims_900mp", "real_49mp_of_zeros"])
def test_decompression_bombs_are_refused(client: Client, bomb: str) -> None:
    auth = api_login(client, "T0001")
    if bomb == "header_claims_900mp":
        data = png_claiming(30_000, 30_000)
    else:
        data = encoded(Image.new("L", (7000, 7000)), "PNG") + os.urandom(4)  # trailing junk
    refused = put(client, auth, data)
    assert (refused.status_code, refused.json()["code"]) == (422, "image_rejected")
    assert client.head(url(data), headers=auth).status_code == 404


def test_photos_lose_exif_and_gps_and_come_back_upright(client: Client) -> None:
    auth = api_login(client, "T0001")
    data = photo_with_gps()
    stored = put(client, auth, data)
    assert stored.status_code == 201, stored.text
    assert (stored.json()["width"], stored.json()["height"]) == (20, 60)

    served = client.get(url(data), headers=auth)
    assert served.headers["content-type"] == "image/jpeg"
    image = Image.open(io.BytesIO(served.content))
    assert image.size == (20, 60)
    assert {"exif", "comment"}.isdisjoint(image.info)
    assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"home address" not in served.content

    thumb = Image.open(io.BytesIO(client.get(url(data) + "/thumbnail", headers=auth).content))
    assert thumb.format == "JPEG"
    assert max(thumb.size) <= 320
    assert "exif" not in thumb.info


@pytest.mark.parametrize("first", ["op", "blob"])
def test_a_reference_resolves_whichever_arrives_first(
    client: Client, demo_settings: Settings, first: str
) -> None:
    phone = Phone(client, "T0001")
    asset = client.get("/api/v1/assets", headers=phone.headers, params={"limit": 1})
    asset_id = asset.json()["items"][0]["id"]
    data = photo_with_gps()
    args = {"asset_id": asset_id, "text": "Scorched socket, photo"}
    note = phone.op("asset.add_note", args, blobs=[sha(data)])

    if first == "op":
        assert phone.results([note])[0]["status"] == "applied"
        waiting = blob_refs(demo_settings, sha(data))
        assert [str(ref.op_id) for ref in waiting.ops] == [note["op_id"]]
        assert (waiting.known, waiting.complete, waiting.resolved) == (False, False, False)
        # The phone asks what the server holds: nothing yet, so it uploads from byte 0.
        assert client.head(url(data), headers=phone.headers).status_code == 404
        assert put(client, phone.headers, data).status_code == 201
    else:
        assert put(client, phone.headers, data).status_code == 201
        orphan = blob_refs(demo_settings, sha(data))
        assert (orphan.complete, orphan.ops, orphan.resolved) == (True, [], False)
        # Before pushing, the phone checks the blob is complete and skips the upload.
        assert client.head(url(data), headers=phone.headers).headers["Blob-Complete"] == "true"
        assert phone.results([note])[0]["status"] == "applied"

    resolved = blob_refs(demo_settings, sha(data))
    assert resolved.resolved
    assert [(str(ref.op_id), ref.name, ref.status) for ref in resolved.ops] == [
        (note["op_id"], "asset.add_note", "applied")
    ]


def test_who_may_upload_and_see(client: Client) -> None:
    data = photo_with_gps()
    anonymous = client.put(url(data), content=data)
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "unauthenticated")
    assert client.head(url(data)).status_code == 401
    assert client.get(url(data)).status_code == 401

    guard = api_login(client, "G0001")
    assert put(client, guard, data).status_code == 201
    assert client.get(url(data), headers=guard).status_code == 200  # the uploader
    # Nobody else but the desk, while no record names it (test_blob_access.py).
    assert client.get(url(data), headers=api_login(client, "G0002")).status_code == 404
    assert client.get(url(data), headers=api_login(client, "T0001")).status_code == 404

    bad_address = client.head("/api/v1/blobs/NOT-A-HASH", headers=guard)
    assert bad_address.status_code == 400


def test_a_dropped_connection_keeps_what_arrived(client: Client) -> None:
    """Drive the ASGI app directly: 60% of the body arrives, then the client disconnects."""
    auth = api_login(client, "T0001")
    data = pdf()
    cut = len(data) * 60 // 100
    events: list[dict[str, Any]] = [
        {"type": "http.request", "body": data[:cut], "more_body": True},
        {"type": "http.disconnect"},
    ]

    async def receive() -> dict[str, Any]:
        return events.pop(0)

    async def send(_: dict[str, Any]) -> None:  # the client is gone: nobody reads the answer
        pass

    size = str(len(data))
    headers = {**auth, "Host": "testserver.local", "Upload-Length": size, "Content-Length": size}
    raw = [(name.lower().encode(), value.encode()) for name, value in headers.items()]
    scope: dict[str, Any] = {"type": "http", "method": "PUT", "path": url(data), "headers": raw}
    scope |= {"scheme": "https", "root_path": "", "query_string": b"", "state": {}}
    with client.portal() as portal:
        portal.call(client.app, scope, receive, send)

    probe = client.head(url(data), headers=auth)
    assert (probe.headers["Upload-Offset"], probe.headers["Blob-Complete"]) == (str(cut), "false")
    assert resume(client, auth, data, cut, data[cut:]).status_code == 201
