"""A round started a little before its window opens (19:58 for 20:00) belongs to that
window: the start grace, ROUNDS_PATROL_START_GRACE_MINUTES (10 by default)."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.app import create_app
from server.db import models as db
from server.domain.patrol.expected import evaluate_due, expected_round_id, generate
from server.domain.patrol.records import START_RULES
from server.settings import Settings
from tests.conftest import settings_for
from tests.integration.patrol.builders import Beat, build_beat, in_session, night, rows
from tests.phone import Phone

Client = TestClient[Litestar]
pytestmark = pytest.mark.db


def _walk_from(phone: Phone, beat: Beat, start: datetime) -> uuid.UUID:
    """A round started at `start`, each stop scanned a minute before it is due."""
    round_id = uuid.uuid4()
    ops = [
        phone.op(
            "patrol.start_round",
            {"round_id": str(round_id), "route_id": str(beat.route_id)},
            client_time=start.isoformat(),
        )
    ]
    for number, payload in enumerate(beat.payloads):
        at = start + timedelta(minutes=5 * (number + 1) - 1)
        args = {"scan_id": str(uuid.uuid4()), "payload": payload, "method": "qr"}
        ops.append(
            phone.op(
                "patrol.scan_checkpoint",
                {**args, "round_id": str(round_id)},
                client_time=at.isoformat(),
            )
        )
    assert {r["status"] for r in phone.results(ops)} == {"applied"}
    return round_id


def _judged(settings: Settings, beat: Beat, window: datetime) -> db.ExpectedRound:
    async def work(s: AsyncSession) -> None:
        await generate(s, window, route_ids=[beat.route_id])
        await evaluate_due(s, window + timedelta(hours=12))

    in_session(settings, work)
    wanted = col(db.ExpectedRound.id) == expected_round_id(beat.route_id, window)
    return rows(settings, db.ExpectedRound, wanted)[0]


def test_a_round_started_two_minutes_early_is_that_windows_round(
    client: Client, demo_settings: Settings
) -> None:
    beat = build_beat(demo_settings)
    window = beat.local(night(), time(20))

    round_id = _walk_from(Phone(client, "G0001"), beat, window - timedelta(minutes=2))

    judged = _judged(demo_settings, beat, window)
    assert judged.round_id == round_id
    assert (judged.status, judged.stops_on_time) == (db.ExpectedStatus.COMPLETED, 5)
    walked = rows(demo_settings, db.PatrolRound, col(db.PatrolRound.id) == round_id)[0]
    assert walked.expected_round_id == judged.id


def test_a_round_started_beyond_the_grace_belongs_to_no_window(
    client: Client, demo_settings: Settings
) -> None:
    beat = build_beat(demo_settings)
    window = beat.local(night(), time(22))

    round_id = _walk_from(Phone(client, "G0002"), beat, window - timedelta(minutes=11))

    walked = rows(demo_settings, db.PatrolRound, col(db.PatrolRound.id) == round_id)[0]
    assert walked.expected_round_id is None
    judged = _judged(demo_settings, beat, window)
    assert (judged.status, judged.round_id) == (db.ExpectedStatus.MISSED, None)


def test_the_grace_comes_from_the_settings(
    client: Client, demo_settings: Settings, demo_database_url: str, tmp_path: Path
) -> None:
    beat = build_beat(demo_settings)
    window = beat.local(night(), time(0)) + timedelta(days=1)
    before = START_RULES.grace
    try:
        create_app(settings_for(demo_database_url, tmp_path, ROUNDS_PATROL_START_GRACE_MINUTES="3"))
        assert START_RULES.grace == timedelta(minutes=3)

        round_id = _walk_from(Phone(client, "G0001"), beat, window - timedelta(minutes=5))
    finally:
        START_RULES.grace = before

    walked = rows(demo_settings, db.PatrolRound, col(db.PatrolRound.id) == round_id)[0]
    assert walked.expected_round_id is None, "five minutes early is beyond a 3-minute grace"
    assert before == timedelta(minutes=10)
