"""Who hears of a ward's cleaning tasks through the pull, and who may send which op: the
cleaning contractor's people, the ward's own staff and the hospital's overseers; nobody
else (another contractor, another ward, a technician)."""

from __future__ import annotations

import uuid

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.settings import Settings
from tests.integration.cleaning.builders import build_ward, scan
from tests.phone import Phone

Client = TestClient[Litestar]
pytestmark = pytest.mark.db

# The ward is ICU's on East Campus, cleaned by Brightway.
SEES = {
    "C0001": True,  # Brightway's cleaner
    "M0002": True,  # Brightway's manager
    "R0001": True,  # ICU's ward staff
    "S0001": True,  # the estates supervisor
    "D0001": True,  # the help desk
    "R0002": False,  # Radiology's staff: another ward
    "G0001": False,  # a guard: another contractor
    "M0001": False,  # the security contractor's manager
    "T0001": False,  # a technician: no cleaning tasks
}


@pytest.mark.parametrize("who", sorted(SEES))
def test_each_role_pulls_the_tasks_and_rooms_it_may_see(
    client: Client, demo_settings: Settings, who: str
) -> None:
    ward = build_ward(demo_settings)
    nurse = Phone(client, "R0001")
    task_id = str(uuid.uuid4())
    asked = nurse.op(
        "cleaning.request_terminal",
        {"task_id": task_id, "location_id": str(ward.location_ids[0]), "reason": "isolation"},
    )
    assert nurse.results([asked])[0]["status"] == "applied"

    phone = Phone(client, who)
    phone.pull_all()

    assert (task_id in phone.of_type("cleaning_task")) is SEES[who]
    assert (str(ward.room_ids[0]) in phone.of_type("cleaning_room")) is SEES[who]


def test_ops_outside_ones_role_or_scope_are_refused(
    client: Client, demo_settings: Settings
) -> None:
    ward = build_ward(demo_settings)
    other_ward = Phone(client, "R0002")
    guard = Phone(client, "G0001")
    ask = other_ward.op(
        "cleaning.request_terminal",
        {
            "task_id": str(uuid.uuid4()),
            "location_id": str(ward.location_ids[0]),
            "reason": "discharge",
        },
    )
    [refused] = other_ward.results([ask])
    assert (refused["status"], refused["code"]) == ("rejected", "unknown_room")

    nurse = Phone(client, "R0001")
    task_id = str(uuid.uuid4())
    asked = nurse.op(
        "cleaning.request_terminal",
        {"task_id": task_id, "location_id": str(ward.location_ids[0]), "reason": "discharge"},
    )
    assert nurse.results([asked])[0]["status"] == "applied"
    start = {"record_id": str(uuid.uuid4()), "task_id": task_id, "scan": scan(ward.payloads[0])}
    [by_guard] = guard.results([guard.op("cleaning.start", start)])
    assert (by_guard["status"], by_guard["code"]) == ("rejected", "forbidden")
    # A tag typed by hand needs a reason, as at a patrol checkpoint.
    typed = {**start, "scan": scan(ward.payloads[0], "manual")}
    cleaner = Phone(client, "C0001")
    [no_reason] = cleaner.results([cleaner.op("cleaning.start", typed)])
    assert (no_reason["status"], no_reason["code"]) == ("rejected", "manual_needs_reason")


def test_a_spill_anyone_reports_is_the_urgent_first_task_of_the_cleaner(
    client: Client, demo_settings: Settings
) -> None:
    ward = build_ward(demo_settings)
    porter = Phone(client, "T0001")  # a technician passing by (East Campus)
    task_id = str(uuid.uuid4())
    spill = porter.op(
        "cleaning.report_spill",
        {"task_id": task_id, "location_id": str(ward.location_ids[1]), "note": "Vomit by bed 2"},
    )
    assert porter.results([spill])[0]["status"] == "applied"
    cleaner = Phone(client, "C0001")
    cleaner.pull_all()
    task = cleaner.of_type("cleaning_task")[task_id]
    assert task["kind"] == "spill"
    assert task["note"] == "Vomit by bed 2"
    assert task["room_id"] == str(ward.room_ids[1])
