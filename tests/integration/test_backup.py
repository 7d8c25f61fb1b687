"""`rounds backup DIR` beside a running server, `rounds restore DIR` after a loss: the data
and photos are as at the backup, the database has a new epoch, a phone that pulls is told
to reset and sends again what it holds, and a damaged backup is refused untouched."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from litestar import Litestar
from litestar.testing import TestClient
from PIL import Image
from sqlalchemy import text

from server.app import create_app
from server.db.engine import make_engine
from server.settings import DatabaseSettings
from tests.conftest import BASE_URL, settings_for
from tests.databases import (
    PG_MISSING,
    load_small_demo,
    missing_service,
    pg_reachable,
    scratch_database,
)
from tests.phone import Phone
from tests.servers import ROUNDS, server_env

Client = TestClient[Litestar]


@contextmanager
def _server(url: str, state: Path) -> Iterator[Client]:
    with TestClient(create_app(settings_for(url, state)), base_url=BASE_URL) as client:
        yield client


def _rounds(url: str, state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ROUNDS, *args],
        env=server_env(url, state),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _photo() -> bytes:
    image = Image.frombytes("RGB", (320, 240), os.urandom(320 * 240 * 3))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _upload(client: Client, phone: Phone, data: bytes) -> str:
    address = hashlib.sha256(data).hexdigest()
    response = client.put(f"/api/v1/blobs/{address}", content=data, headers=phone.headers)
    assert response.status_code == 201, response.text
    return address


def _epoch(url: str) -> str:
    async def read() -> str:
        engine = make_engine(DatabaseSettings(url=url))
        try:
            async with engine.connect() as connection:
                query = text("SELECT value FROM sync_setting WHERE key = 'epoch'")
                return str((await connection.execute(query)).scalar_one())
        finally:
            await engine.dispose()

    return asyncio.run(read())


def _notes(client: Client, phone: Phone, asset_id: str) -> list[str]:
    detail = client.get(f"/api/v1/assets/{asset_id}", headers=phone.headers).json()
    notes: str = detail["asset"]["notes"]
    return notes.splitlines()


def _has_note(lines: list[str], note: str) -> int:
    return sum(line.endswith(f"] {note}") for line in lines)


def test_a_restore_brings_back_the_backup_and_resets_the_phones(
    backend: str, tmp_path: Path
) -> None:
    state, saved = tmp_path / "state", tmp_path / "backup-0300"
    with scratch_database(backend, tmp_path) as url:
        asyncio.run(load_small_demo(url))
        with _server(url, state) as client:
            phone = Phone(client, "T0001")
            phone.pull_all()
            asset_id = next(iter(phone.of_type("asset")))
            before = [phone.op("asset.add_note", {"asset_id": asset_id, "text": "before"})]
            assert phone.results(before)[0]["status"] == "applied"
            kept_photo = _upload(client, phone, _photo())
            # Taken while the server is up and serving.
            made = _rounds(url, state, "backup", str(saved))
            assert made.returncode == 0, made.stderr
            assert "Backed up the" in made.stdout
            manifest = json.loads((saved / "manifest.json").read_text())
            assert manifest["database"] == backend
            assert manifest["revision"]
            names = {Path(b["path"]).name for b in manifest["blobs"]}
            assert {kept_photo, f"{kept_photo}.jpg"} <= names  # the photo and its thumbnail

            after = [phone.op("asset.add_note", {"asset_id": asset_id, "text": "after"})]
            assert phone.results(after)[0]["status"] == "applied"
            lost = _photo()
            lost_photo = _upload(client, phone, lost)
            phone.pull_all()
        epoch_at_backup = _epoch(url)

        restored = _rounds(url, state, "restore", str(saved))
        assert restored.returncode == 0, restored.stderr
        assert "new epoch" in restored.stdout
        assert _epoch(url) != epoch_at_backup

        with _server(url, state) as client:
            phone.http = client
            lines = _notes(client, phone, asset_id)
            assert (_has_note(lines, "before"), _has_note(lines, "after")) == (1, 0)
            kept = client.get(f"/api/v1/blobs/{kept_photo}", headers=phone.headers)
            assert kept.status_code == 200
            assert (
                client.head(f"/api/v1/blobs/{lost_photo}", headers=phone.headers).status_code == 404
            )
            # The phone still holds the photo taken after the backup, and offers it again.
            assert _upload(client, phone, lost) == lost_photo

            assert phone.pull_page()["reset"]  # over HTTP: the replica is from a lost future
            phone.pull_all()
            # The phone still holds both ops: sent again, the lost one applies once.
            assert [r["status"] for r in phone.results(before + after)] == ["duplicate", "applied"]
            lines = _notes(client, phone, asset_id)
            assert (_has_note(lines, "before"), _has_note(lines, "after")) == (1, 1)


def test_a_damaged_blob_in_the_backup_is_refused_before_anything_changes(
    backend: str, tmp_path: Path
) -> None:
    state, saved = tmp_path / "state", tmp_path / "backup-0300"
    with scratch_database(backend, tmp_path) as url:
        asyncio.run(load_small_demo(url))
        with _server(url, state) as client:
            phone = Phone(client, "T0001")
            phone.pull_all()
            asset_id = next(iter(phone.of_type("asset")))
            photo = _upload(client, phone, _photo())
            assert _rounds(url, state, "backup", str(saved)).returncode == 0
            after = [phone.op("asset.add_note", {"asset_id": asset_id, "text": "after"})]
            assert phone.results(after)[0]["status"] == "applied"
        epoch = _epoch(url)

        damaged = saved / "blobs" / photo[:2] / photo
        body = bytearray(damaged.read_bytes())
        body[len(body) // 2] ^= 0xFF
        damaged.write_bytes(bytes(body))

        refused = _rounds(url, state, "restore", str(saved))
        assert refused.returncode == 2
        assert "damaged, nothing was restored" in refused.stderr
        assert f"{photo[:2]}/{photo} (SHA-256 differs" in refused.stderr
        assert _epoch(url) == epoch
        with _server(url, state) as client:
            phone.http = client
            assert _has_note(_notes(client, phone, asset_id), "after") == 1


def test_a_postgresql_restore_waits_for_nobody_while_a_server_is_connected(
    tmp_path: Path,
) -> None:
    """SQLite cannot tell an idle server from none; PostgreSQL can, and the restore refuses
    rather than drop tables under a running server."""
    if not pg_reachable():
        missing_service(PG_MISSING)
    state, saved = tmp_path / "state", tmp_path / "backup-0300"
    with scratch_database("postgresql", tmp_path) as url:
        asyncio.run(load_small_demo(url))
        with _server(url, state) as client:
            Phone(client, "T0001").pull_all()  # the server holds pooled connections
            assert _rounds(url, state, "backup", str(saved)).returncode == 0
            epoch = _epoch(url)
            refused = _rounds(url, state, "restore", str(saved))
            assert refused.returncode == 2
            assert "stop the Rounds server" in refused.stderr
            assert "nothing was restored" in refused.stderr
            assert _epoch(url) == epoch


def test_a_backup_from_a_newer_version_is_refused_before_anything_changes(
    backend: str, tmp_path: Path
) -> None:
    state, saved = tmp_path / "state", tmp_path / "backup-0300"
    with scratch_database(backend, tmp_path) as url:
        asyncio.run(load_small_demo(url))
        assert _rounds(url, state, "backup", str(saved)).returncode == 0
        manifest = json.loads((saved / "manifest.json").read_text())
        manifest["revision"] = "0999"
        (saved / "manifest.json").write_text(json.dumps(manifest))
        epoch = _epoch(url)

        refused = _rounds(url, state, "restore", str(saved))
        assert refused.returncode == 2
        assert "migration '0999', which this version of Rounds does not know" in refused.stderr
        assert _epoch(url) == epoch
