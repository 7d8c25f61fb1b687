"""A server restored from last night's backup: phones are told to start again, and the
work they did since the backup reaches the server again, once."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from litestar import Litestar
from litestar.testing import TestClient

from server.app import create_app
from tests.conftest import BASE_URL, settings_for
from tests.databases import PG_SERVER, _pg_admin, load_small_demo, scratch_database
from tests.phone import Phone

Client = TestClient[Litestar]


@contextmanager
def _server(url: str, state: Path) -> Iterator[Client]:
    with TestClient(create_app(settings_for(url, state)), base_url=BASE_URL) as client:
        yield client


def _backup(backend: str, url: str, to: Path) -> None:
    if backend == "sqlite":
        shutil.copyfile(url.split("///", 1)[1], to)
    else:
        subprocess.run(
            ["pg_dump", "-Fc", "-f", str(to), f"{PG_SERVER}/{url.rsplit('/', 1)[1]}"], check=True
        )


def _restore(backend: str, url: str, source: Path) -> None:
    if backend == "sqlite":
        shutil.copyfile(source, url.split("///", 1)[1])
        return
    name = url.rsplit("/", 1)[1]
    asyncio.run(_pg_admin(f'DROP DATABASE "{name}" WITH (FORCE)'))
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    subprocess.run(["pg_restore", "-d", f"{PG_SERVER}/{name}", str(source)], check=True)


def _notes(client: Client, phone: Phone, asset_id: str) -> list[str]:
    detail = client.get(f"/api/v1/assets/{asset_id}", headers=phone.headers).json()
    notes: str = detail["asset"]["notes"]
    return notes.splitlines()


def test_a_restored_server_resets_its_phones_and_gets_todays_work_again(
    backend: str, tmp_path: Path
) -> None:
    with scratch_database(backend, tmp_path) as url:
        asyncio.run(load_small_demo(url))
        backup = tmp_path / "last-night.backup"
        with _server(url, tmp_path / "state") as client:
            phone, desk = Phone(client, "T0001"), Phone(client, "D0001")
            phone.pull_all()
            asset_id = next(iter(phone.of_type("asset")))
            yesterday = [phone.op("asset.add_note", {"asset_id": asset_id, "text": "yesterday"})]
            assert phone.results(yesterday)[0]["status"] == "applied"
            phone.pull_all()
        _backup(backend, url, backup)  # last night

        with _server(url, tmp_path / "state") as client:
            phone.http = desk.http = client
            today = [
                phone.op("asset.add_note", {"asset_id": asset_id, "text": f"today {n}"})
                for n in range(3)
            ]
            assert {r["status"] for r in phone.results(today)} == {"applied"}
            phone.pull_all()
            assert phone.acked == today[-1]["seq"]
        _restore(backend, url, backup)  # the morning's disk failure, and the restore

        with _server(url, tmp_path / "state") as client:
            phone.http = desk.http = client
            # Others write before the phone comes back: the restored log reuses change ids.
            others = [
                desk.op("asset.add_note", {"asset_id": asset_id, "text": f"desk {n}"})
                for n in range(6)
            ]
            assert {r["status"] for r in desk.results(others)} == {"applied"}

            page = phone.pull_page()
            assert page["reset"]  # the phone's replica is from a future this server lost
            phone.pull_all()
            # The phone kept its acknowledged ops: sent again, each applies once.
            resent = phone.results(yesterday + today)
            assert [r["status"] for r in resent] == ["duplicate"] + ["applied"] * 3
            phone.pull_all()
            lines = _notes(client, phone, asset_id)
            for text in ("yesterday", "today 0", "today 1", "today 2"):
                assert sum(line.endswith(f"] {text}") for line in lines) == 1
            assert phone.acked == today[-1]["seq"]
