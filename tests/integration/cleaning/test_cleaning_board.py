"""The desk's cleaning board: an open terminal clean with the minutes left to its deadline,
a spill, an audit's score; the desk cancels a task from it, and the cleaner's finish that
arrives afterwards is kept with a conflict. Who may open the board and cancel."""

from __future__ import annotations

import re
import uuid

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlmodel import col

from server.db import models as db
from server.settings import Settings
from tests.integration.cleaning.builders import Ward, build_ward, scan
from tests.integration.console_client import console_login
from tests.integration.patrol.builders import rows
from tests.integration.stock.builders import form_post
from tests.phone import Phone

Client = TestClient[Litestar]
pytestmark = pytest.mark.db


def _row(body: str, task_id: str) -> str:
    found = re.search(rf'<tr data-task="{task_id}".*?</tr>', body, re.S)
    assert found, f"task {task_id} is on the board"
    return found.group(0)


def _asked(client: Client, ward: Ward) -> tuple[str, str]:
    nurse, porter = Phone(client, "R0001"), Phone(client, "T0001")
    terminal, spill = str(uuid.uuid4()), str(uuid.uuid4())
    ops = [
        nurse.op(
            "cleaning.request_terminal",
            {
                "task_id": terminal,
                "location_id": str(ward.location_ids[0]),
                "reason": "isolation",
                "note": "C. diff: use chlorine",
            },
        )
    ]
    assert nurse.results(ops)[0]["status"] == "applied"
    spilt = porter.op(
        "cleaning.report_spill", {"task_id": spill, "location_id": str(ward.location_ids[1])}
    )
    assert porter.results([spilt])[0]["status"] == "applied"
    return terminal, spill


def test_the_board_shows_deadlines_and_the_desk_cancels_a_task(
    client: Client, demo_settings: Settings
) -> None:
    ward = build_ward(demo_settings)
    terminal, spill = _asked(client, ward)
    cleaner = Phone(client, "C0001")
    record_id = str(uuid.uuid4())
    start = cleaner.op(
        "cleaning.start",
        {"record_id": record_id, "task_id": terminal, "scan": scan(ward.payloads[0])},
    )
    assert cleaner.results([start])[0]["status"] == "applied"

    console_login(client, "D0001")
    page = client.get("/desk/cleaning")
    assert page.status_code == 200
    line = _row(page.text, terminal)
    left = int(re.search(r'data-minutes-left="(-?\d+)"', line).group(1))  # type: ignore[union-attr]
    assert 85 <= left <= 90  # an isolation's 90 minutes, just asked
    assert "min left" in line
    assert "In progress" in line
    assert "C. diff: use chlorine" in line
    assert "min left" in _row(page.text, spill)
    assert 'data-section="spills"' in page.text

    refused = form_post(client, f"/desk/cleaning/tasks/{uuid.uuid4()}/cancel", reason="x")
    assert refused.status_code == 404
    cancelled = form_post(client, f"/desk/cleaning/tasks/{terminal}/cancel", reason="Stayed")
    assert cancelled.status_code == 303
    again = form_post(client, f"/desk/cleaning/tasks/{terminal}/cancel", reason="Stayed")
    assert again.status_code == 409
    assert f'data-task="{terminal}"' not in client.get("/desk/cleaning").text

    finish = cleaner.op(
        "cleaning.finish",
        {
            "record_id": record_id,
            "task_id": terminal,
            "scan": scan(ward.payloads[0]),
            "product": "chlorine_nadcc",
            "concentration_ppm": 1000,
        },
    )
    assert cleaner.results([finish])[0]["status"] == "conflict"
    [record] = rows(
        demo_settings, db.CleaningRecord, col(db.CleaningRecord.id) == uuid.UUID(record_id)
    )
    assert record.kept_late
    assert record.concentration_ppm == 1000
    queue = client.get("/desk/conflicts")
    assert queue.status_code == 200
    assert "cleaning.finish" in queue.text


@pytest.mark.parametrize(
    ("who", "opens", "cancels"),
    [
        ("D0001", 200, True),
        ("S0001", 200, True),
        ("A0001", 200, True),
        ("M0002", 200, False),  # the contractor's manager watches, the hospital cancels
        ("C0001", 403, False),
        ("R0001", 403, False),
        ("T0001", 403, False),
        ("G0001", 403, False),
    ],
)
def test_who_may_open_the_board_and_cancel(
    client: Client, demo_settings: Settings, who: str, opens: int, cancels: bool
) -> None:
    ward = build_ward(demo_settings)
    _, spill = _asked(client, ward)
    console_login(client, who)
    assert client.get("/desk/cleaning").status_code == opens
    answer = form_post(client, f"/desk/cleaning/tasks/{spill}/cancel", reason="duplicate")
    assert answer.status_code == (303 if cancels else 403)
