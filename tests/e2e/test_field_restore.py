"""The restore drill: the server's PostgreSQL database is restored from last night's dump
while a technician works, and none of the day's field work is lost.

T0001 accepts an order (synced), then `rounds backup` dumps the database (pg_dump) and
copies the blobs. The day goes on: start, labour, a part, a note and a photo, all synced and
acknowledged. Then the server is stopped, and while it is down the phone queues one more
note. `rounds restore` empties the database, restores the dump (pg_restore) and gives it a
new epoch; the server is started on it, and the phone syncs:
the pull answers reset, the phone starts a new incarnation with the ops it acknowledged
today ahead of the queued one, and offers its photo again. Afterwards the work goes on
(completion). The server then holds every op the phone ever made exactly once, applied;
the order shows each piece of work once; the photo is complete.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import BrowserContext, expect

from tests.databases import PG_MISSING, missing_service, pg_reachable
from tests.e2e.browser import FieldServer, demo_database, in_thread, running
from tests.e2e.field_steps import (
    SYNC_MS,
    device_id,
    heading,
    photo,
    sign_in,
    sync_state,
    wait_synced,
)
from tests.e2e.resilience_steps import (
    add_note,
    add_part,
    complete,
    log_labour,
    pg_rows,
    phone_ops,
    primary,
    sync_again,
    wait_pending,
)
from tests.e2e.technician_steps import Setup, blob, prepare
from tests.integration.work.loop import Cast, cast
from tests.servers import ROUNDS

pytestmark = pytest.mark.slow


def rounds(server: FieldServer, *args: str) -> str:
    """The `rounds` command with the server's settings, as its operator runs it."""
    done = subprocess.run(
        [ROUNDS, *args], env=server.env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


DURING_RESTORE = "Written while the server was being restored"
TODAY = "Breaker tripped again at 09:40: found a loose neutral"


@pytest.fixture
def drill(tmp_path: Path) -> Iterator[tuple[FieldServer, str, Cast, Setup]]:
    """A server on a PostgreSQL database of its own, with the small demo and an order for T0001."""
    if not in_thread(pg_reachable):
        missing_service(PG_MISSING)
    with (
        demo_database("postgresql", tmp_path) as url,
        running(url, tmp_path) as server,
        httpx.Client(base_url=server.base, timeout=30) as http,
    ):
        c = cast(http)
        yield server, url, c, prepare(c)


def test_a_restore_from_last_nights_backup_loses_none_of_todays_work(
    phone: BrowserContext, drill: tuple[FieldServer, str, Cast, Setup], tmp_path: Path
) -> None:
    server, url, c, setup = drill
    page = phone.new_page()
    sign_in(page, server, "T0001")
    page.locator(f"a.order-card[data-key='{setup.order_id}']").click()
    expect(heading(page)).to_be_visible()
    primary(page, "Accept", "Accepted")
    wait_synced(page)

    dump = tmp_path / "last-night"
    rounds(server, "backup", str(dump))  # beside the running server, as a nightly job does

    # The day's work, synced and acknowledged.
    primary(page, "Start work", "In progress")
    log_labour(page, 45)
    add_part(page, setup.part_a)
    add_note(page, TODAY)
    page.locator(".actions-panel input[type=file]").set_input_files(photo(tmp_path / "board.jpg"))
    expect(page.locator("ul.thumbs img")).to_have_count(1, timeout=SYNC_MS)
    wait_synced(page)
    before = phone_ops(page, "T0001")
    assert before["queued"] == []
    assert len(before["retained"]) == 6, "accept, start, labour, part, note, photo: kept after ack"

    # The server goes down; the phone keeps working; the database comes back from the dump.
    server.stop()
    add_note(page, DURING_RESTORE)
    wait_pending(page, 1)
    restored = rounds(server, "restore", str(dump))
    assert "new epoch" in restored
    server.start()
    sync_again(page)

    after = phone_ops(page, "T0001")
    assert after["incarnation"] != before["incarnation"], "the restore started a new incarnation"
    complete(page, "Neutral terminal re-made and torqued; breaker holds under load")
    wait_synced(page)

    ops = phone_ops(page, "T0001")
    assert ops["queued"] == []
    made = {op["op_id"]: op["name"] for op in ops["retained"]}
    assert sorted(made.values()) == sorted(
        [
            "work_order.accept",
            "work_order.start",
            "work_order.log_labour",
            "stock.issue",  # the part, from T0001's van
            "work_order.note",
            "work_order.attach",
            "work_order.note",
            "work_order.complete",
        ]
    )
    log = pg_rows(url, "SELECT op_id, status FROM sync_op")
    held = [(op_id, status) for op_id, status in log if op_id in made]
    assert sorted(op_id for op_id, _ in held) == sorted(made), "every op the phone made, once"
    assert {status for _, status in held} == {"applied"}

    detail = c.detail(setup.order_id)
    assert detail["order"]["status"] == "completed"
    mine = [e["action"] for e in detail["timeline"] if e["device_id"] == device_id(page)]
    for action in ("accept", "start", "log_labour", "add_part", "attach", "complete"):
        assert mine.count(action) == 1, (action, mine)
    assert [line["minutes"] for line in detail["labour"]] == [45]
    assert [(p["item_id"], p["quantity"]) for p in detail["parts"]] == [(setup.part_a["id"], 1)]
    texts = [note["text"] for note in detail["notes"]]
    assert [texts.count(TODAY), texts.count(DURING_RESTORE)] == [1, 1], texts
    photos = [a for a in detail["attachments"] if a["kind"] == "photo"]
    assert len(photos) == 1
    assert blob(c, photos[0]["sha256"])[:2] == b"\xff\xd8", "the photo is whole on the server"
    expect(sync_state(page)).to_have_class("sync sync-synced")
