"""A ward asks for a terminal clean; the cleaner scans the room to start, ticks the
checklist, names the product, photographs the room and scans it again to finish; the ward
sees it done within its deadline. All through HTTP push and pull, as phones do."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlmodel import col

from server.db import models as db
from server.settings import Settings
from tests.integration.cleaning.builders import FULL_CHECKLIST, Ward, build_ward, cancel_as, scan
from tests.integration.patrol.builders import rows
from tests.integration.sync.test_blob_access import _upload
from tests.phone import Phone

Client = TestClient[Litestar]
pytestmark = pytest.mark.db


def _request(ward_phone: Phone, ward: Ward, reason: str = "discharge") -> str:
    task_id = str(uuid.uuid4())
    asked = ward_phone.op(
        "cleaning.request_terminal",
        {"task_id": task_id, "location_id": str(ward.location_ids[0]), "reason": reason},
    )
    assert ward_phone.results([asked])[0]["status"] == "applied"
    return task_id


def _finish_args(
    record_id: str, task_id: str, payload: str, photos: list[str]
) -> dict[str, object]:
    return {
        "record_id": record_id,
        "task_id": task_id,
        "scan": scan(payload),
        "product": "chlorine_nadcc",
        "concentration_ppm": 1000,
        "quantity_ml": 500,
        "checklist": FULL_CHECKLIST,
        "photos": photos,
    }


def test_a_terminal_clean_from_request_to_done(client: Client, demo_settings: Settings) -> None:
    ward = build_ward(demo_settings)
    nurse, cleaner = Phone(client, "R0001"), Phone(client, "C0001")
    task_id = _request(nurse, ward)

    cleaner.pull_all()
    task = cleaner.of_type("cleaning_task")[task_id]
    assert task["kind"] == "terminal"
    assert task["status"] == "open"
    due = datetime.fromisoformat(task["due_at"])
    asked = datetime.fromisoformat(task["window_start"])
    assert due - asked == timedelta(minutes=120)  # a discharge's deadline
    assert ward.payloads[0] in {r["qr_payload"] for r in cleaner.of_type("cleaning_room").values()}

    record_id = str(uuid.uuid4())
    wrong = cleaner.op(
        "cleaning.start",
        {"record_id": record_id, "task_id": task_id, "scan": scan(ward.payloads[1])},
    )
    start = cleaner.op(
        "cleaning.start",
        {"record_id": record_id, "task_id": task_id, "scan": scan(ward.nfc_uids[0], "nfc")},
    )
    refused, started = cleaner.results([wrong, start])
    assert (refused["status"], refused["code"]) == ("rejected", "wrong_room")
    assert started["status"] == "applied"

    photo = _upload(client, cleaner.headers)
    finish = cleaner.op(
        "cleaning.finish",
        _finish_args(record_id, task_id, ward.payloads[0], [photo]),
        blobs=[photo],
    )
    assert cleaner.results([finish])[0]["status"] == "applied"

    nurse.pull_all()
    seen = nurse.of_type("cleaning_task")[task_id]
    assert seen["status"] == "done"
    assert datetime.fromisoformat(seen["finished_at"]) <= datetime.fromisoformat(seen["due_at"])
    [record] = rows(
        demo_settings, db.CleaningRecord, col(db.CleaningRecord.id) == uuid.UUID(record_id)
    )
    assert record.start_method == "nfc"
    assert not record.end_room_mismatch
    assert record.product == "chlorine_nadcc"
    assert record.concentration_ppm == 1000
    assert record.quantity_ml == 500
    assert record.photos == [photo]
    assert next(tick["item"] for tick in record.checklist) == "curtains_changed"
    assert record.duration_seconds is not None
    assert record.duration_seconds >= 0
    assert len(record.start_op_hash) == 64
    assert len(record.finish_op_hash) == 64
    # The record's photo is read by the contractor's people and the overseers.
    assert (
        client.get(f"/api/v1/blobs/{photo}", headers=Phone(client, "M0002").headers).status_code
        == 200
    )


def test_a_finish_for_a_task_the_desk_cancelled_is_kept_with_a_conflict(
    client: Client, demo_settings: Settings
) -> None:
    ward = build_ward(demo_settings)
    nurse, cleaner = Phone(client, "R0001"), Phone(client, "C0001")
    task_id = _request(nurse, ward, "isolation")
    record_id = str(uuid.uuid4())
    start = cleaner.op(
        "cleaning.start",
        {"record_id": record_id, "task_id": task_id, "scan": scan(ward.payloads[0])},
    )
    assert cleaner.results([start])[0]["status"] == "applied"

    cancel_as(demo_settings, "D0001", task_id, "Patient stayed in the room")

    finish = cleaner.op("cleaning.finish", _finish_args(record_id, task_id, ward.payloads[0], []))
    [result] = cleaner.results([finish])
    assert result["status"] == "conflict"
    [record] = rows(
        demo_settings, db.CleaningRecord, col(db.CleaningRecord.id) == uuid.UUID(record_id)
    )
    assert record.kept_late
    assert record.finished_at is not None
    assert record.product == "chlorine_nadcc"
    [task] = rows(demo_settings, db.CleaningTask, col(db.CleaningTask.id) == uuid.UUID(task_id))
    assert task.status == "cancelled"
    inbox = client.get("/api/v1/sync/inbox", headers=cleaner.headers).json()
    assert finish["op_id"] in {entry["op_id"] for entry in inbox}


def test_a_finish_with_another_rooms_tag_is_kept_and_flagged(
    client: Client, demo_settings: Settings
) -> None:
    ward = build_ward(demo_settings)
    nurse, cleaner = Phone(client, "R0001"), Phone(client, "C0001")
    task_id = _request(nurse, ward)
    record_id = str(uuid.uuid4())
    ops = [
        cleaner.op(
            "cleaning.start",
            {"record_id": record_id, "task_id": task_id, "scan": scan(ward.payloads[0])},
        ),
        cleaner.op("cleaning.finish", _finish_args(record_id, task_id, ward.payloads[1], [])),
    ]
    assert [r["status"] for r in cleaner.results(ops)] == ["applied", "applied"]
    [record] = rows(
        demo_settings, db.CleaningRecord, col(db.CleaningRecord.id) == uuid.UUID(record_id)
    )
    assert record.end_room_mismatch
    assert datetime.now(UTC) - record.finished_at < timedelta(minutes=5)
