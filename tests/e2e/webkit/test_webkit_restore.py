"""The restore drill in WebKit: the server is restored from last night's backup while a
technician's phone holds work the backup never saw; after the phone syncs again the server
has every op exactly once and every photo.

On PostgreSQL: T0001 signs in and accepts the order (synced), then the backup is taken
(pg_dump and the blob directory). T0001 starts work, logs labour and takes a photo
(synced: the server acknowledged them and holds the photo, the backup has none of it).
The server goes down for the restore (the phone's connection refuses) while T0001 adds a
note offline. The database and blobs are restored from the backup and the server starts
again; signal back, Sync now. The server must end with each of the phone's ops once,
applied, the order with its labour, note and photo once, and the photo whole: offered
again by the phone, since the restored blob directory lost it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from tests.databases import PG_MISSING, PG_SERVER, missing_service, pg_reachable
from tests.e2e.browser import FieldServer, demo_database, in_thread, running
from tests.e2e.field_steps import photo
from tests.e2e.technician_steps import Setup, blob, image_of, prepare
from tests.e2e.webkit.backup import Backup
from tests.e2e.webkit.phone import SYNC_S, WebKitPhone
from tests.e2e.webkit.technician import SHEET, primary, submit_sheet, tool
from tests.integration.work.loop import Cast, cast

pytestmark = pytest.mark.slow

NOTE = "Found the isolator tripped; the cable gland is cracked, to replace next visit"
# Every op the phone makes here, each once.
PHONE_OPS = [
    "work_order.accept",
    "work_order.attach",
    "work_order.log_labour",
    "work_order.note",
    "work_order.start",
]


@pytest.fixture
def drill(tmp_path: Path) -> Iterator[tuple[FieldServer, Backup]]:
    """A server of this test's own on a PostgreSQL database of its own, with its backup."""
    if not in_thread(pg_reachable):
        missing_service(PG_MISSING)
    with demo_database("postgresql", tmp_path) as url, running(url, tmp_path) as server:
        yield server, Backup(server, url, tmp_path / "backup")


@pytest.fixture
def phone_server(drill: tuple[FieldServer, Backup]) -> FieldServer:
    return drill[0]


@pytest.fixture
def scenario(phone_server: FieldServer) -> Iterator[tuple[Cast, Setup]]:
    with httpx.Client(base_url=phone_server.base, timeout=30) as http:
        c = cast(http)
        yield c, prepare(c)


def logged_ops(database: str, device_id: str) -> list[tuple[str, str]]:
    """(name, status) of every op the server's op log holds from this device."""

    async def read() -> list[tuple[str, str]]:
        connection = await asyncpg.connect(f"{PG_SERVER}/{database}", timeout=10)
        try:
            rows = await connection.fetch(
                "SELECT name, status FROM sync_op WHERE device_id = $1 ORDER BY name",
                device_id,
            )
        finally:
            await connection.close()
        return [(row["name"], row["status"]) for row in rows]

    return in_thread(lambda: asyncio.run(read()))


def check_server(c: Cast, setup: Setup, database: str, device_id: str) -> None:
    assert logged_ops(database, device_id) == [(name, "applied") for name in PHONE_OPS]
    detail: dict[str, Any] = c.detail(setup.order_id)
    assert detail["order"]["status"] == "in_progress"
    assert [line["minutes"] for line in detail["labour"]] == [45]
    assert [note["text"] for note in detail["notes"]] == [NOTE]
    photos = [a for a in detail["attachments"] if a["kind"] == "photo"]
    assert len(photos) == 1
    sha256 = photos[0]["sha256"]
    held = c.desk.http.head(f"/api/v1/blobs/{sha256}", headers=c.desk.headers)
    assert held.status_code == 200, held.text
    assert held.headers["Blob-Complete"] == "true"
    assert held.headers["Upload-Offset"] == held.headers["Upload-Length"]
    with image_of(blob(c, sha256)) as picture:
        assert picture.format == "JPEG"
        assert picture.size == (800, 600)


def test_a_restore_from_last_nights_backup_loses_none_of_the_phones_work(
    webkit_phone: WebKitPhone,
    drill: tuple[FieldServer, Backup],
    scenario: tuple[Cast, Setup],
    tmp_path: Path,
) -> None:
    _, backup = drill
    c, setup = scenario
    phone = webkit_phone

    phone.sign_in("T0001")
    phone.tap(f"a.order-card[data-key='{setup.order_id}']")
    primary(phone, "Accept", "Accepted")
    phone.wait_synced()
    backup.take()

    # After the backup: work the server acknowledges, photo uploaded, which the backup
    # does not hold.
    primary(phone, "Start work", "In progress")
    tool(phone, "Log labour")
    phone.fill(f"{SHEET} input[name=minutes]", "45")
    submit_sheet(phone)
    picture = photo(tmp_path / "gland.jpg")
    phone.driver.find_element("css selector", ".actions-panel input[type=file]").send_keys(
        str(picture)
    )
    phone.until(lambda: len(phone.shown("ul.thumbs img")) == 1, "the photo's thumbnail", SYNC_S)
    phone.wait_synced()
    assert len(c.detail(setup.order_id)["attachments"]) == 1

    # The server goes down to be restored; the technician carries on offline.
    phone.link.cut()
    tool(phone, "Add note")
    phone.fill(f"{SHEET} textarea[name=text]", NOTE)
    submit_sheet(phone)
    phone.until(lambda: phone.pending() == 1, "the note pending")
    backup.restore()
    assert c.detail(setup.order_id)["order"]["status"] == "accepted"

    phone.back_online()
    check_server(c, setup, backup.database, phone.device_id())
    # Another sync changes nothing: nothing is sent twice.
    phone.sync_now()
    check_server(c, setup, backup.database, phone.device_id())
