"""Routine tasks made from a room's schedule (once, however often the job runs), and an
infection-control audit that scores a clean and asks for a re-clean, which the cleaner's
phone receives as a new task."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db import models as db
from server.domain.cleaning.expected import generate
from server.settings import Settings
from tests.integration.cleaning.builders import build_ward
from tests.integration.patrol.builders import in_session, rows
from tests.phone import Phone

Client = TestClient[Litestar]
pytestmark = pytest.mark.db


def test_routine_tasks_are_made_once_from_the_schedule(
    client: Client, demo_settings: Settings
) -> None:
    ward = build_ward(demo_settings, daily_at=time(7))
    now = datetime.now(UTC)

    async def run(s: AsyncSession) -> int:
        made = await generate(s, now, room_ids=ward.room_ids)
        again = await generate(s, now, room_ids=ward.room_ids)
        assert again == []
        return len(made)

    made = in_session(demo_settings, run)
    # 07:00 every day, from 12 h back to 36 h ahead: two or three per room.
    assert 4 <= made <= 6
    tasks = rows(demo_settings, db.CleaningTask, col(db.CleaningTask.room_id).in_(ward.room_ids))
    assert len(tasks) == made
    assert {task.kind for task in tasks} == {"routine"}
    assert all(task.due_at - task.window_start == timedelta(minutes=120) for task in tasks)
    cleaner = Phone(client, "C0001")
    cleaner.pull_all()
    assert {str(task.id) for task in tasks} <= set(cleaner.of_type("cleaning_task"))


def test_an_audit_scores_the_clean_and_its_reclean_reaches_the_cleaner(
    client: Client, demo_settings: Settings
) -> None:
    ward = build_ward(demo_settings)
    nurse, supervisor = Phone(client, "R0001"), Phone(client, "S0001")
    task_id, audit_id, again_id = (str(uuid.uuid4()) for _ in range(3))
    asked = nurse.op(
        "cleaning.request_terminal",
        {"task_id": task_id, "location_id": str(ward.location_ids[0]), "reason": "discharge"},
    )
    assert nurse.results([asked])[0]["status"] == "applied"
    items = [
        {"item": "bed_rail", "method": "atp", "rlu": 120},
        {"item": "call_bell", "method": "atp", "rlu": 980},
        {"item": "locker_top", "method": "marker", "passed": True},
    ]
    audit = supervisor.op(
        "cleaning.audit",
        {
            "audit_id": audit_id,
            "task_id": task_id,
            "kind": "infection_control",
            "items": items,
            "reclean_task_id": again_id,
        },
    )
    assert supervisor.results([audit])[0]["status"] == "applied"
    [row] = rows(demo_settings, db.CleaningAudit, col(db.CleaningAudit.id) == uuid.UUID(audit_id))
    assert row.score == 67  # two of three passed: the call bell's 980 RLU is over 250
    assert [item["passed"] for item in row.items] == [True, False, True]
    assert len(row.op_hash) == 64

    cleaner = Phone(client, "C0001")
    cleaner.pull_all()
    again = cleaner.of_type("cleaning_task")[again_id]
    assert again["kind"] == "terminal"
    assert again["reason"] == "reclean"
    assert again["reclean_of_audit_id"] == audit_id

    by_cleaner = cleaner.op(
        "cleaning.audit",
        {"audit_id": str(uuid.uuid4()), "task_id": task_id, "kind": "supervisor", "items": items},
    )
    assert cleaner.results([by_cleaner])[0]["code"] == "forbidden"
    no_rlu = supervisor.op(
        "cleaning.audit",
        {
            "audit_id": str(uuid.uuid4()),
            "task_id": task_id,
            "kind": "supervisor",
            "items": [{"item": "bed_rail", "method": "atp"}],
        },
    )
    assert supervisor.results([no_rlu])[0]["code"] == "invalid_args"
