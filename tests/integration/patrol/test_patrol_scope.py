"""Who reads which expected rounds and rounds, per role, through the API and the pull; and a
route handed to another contractor takes its rounds still to come off the old one's phones.

The route (tests/integration/patrol/builders.py) is Sentinel Security's, on East Campus."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db import models as db
from server.domain.patrol.expected import evaluate_due, generate, hand_over
from server.settings import Settings
from tests.conftest import api_login
from tests.integration.patrol.builders import (
    Beat,
    build_beat,
    in_session,
    night,
    past_the_horizon,
)
from tests.phone import Phone

Client = TestClient[Litestar]
pytestmark = pytest.mark.db

# Who sees the security contractor's rounds: its own people and the hospital's overseers.
SEES = {
    "G0001": True,  # the guard who walked it
    "G0002": True,  # another guard of the same contractor
    "M0001": True,  # the security contractor's manager
    "S0001": True,  # the estates supervisor
    "D0001": True,  # the help desk
    "C0001": False,  # a cleaner: another contractor
    "M0002": False,  # the cleaning contractor's manager
}


def _night_with_a_round(client: Client, settings: Settings) -> tuple[Beat, datetime, str]:
    beat = build_beat(settings)
    start = beat.local(night(), time(20))

    async def work(s: AsyncSession) -> None:
        await generate(s, start, route_ids=[beat.route_id])
        await evaluate_due(s, start + timedelta(hours=3))  # 20:00 and 22:00 are judged

    in_session(settings, work)
    phone = Phone(client, "G0001")
    round_id = str(uuid.uuid4())
    ops = [
        phone.op(
            "patrol.start_round",
            {"round_id": round_id, "route_id": str(beat.route_id)},
            client_time=(start + timedelta(minutes=1)).isoformat(),
        )
    ]
    assert phone.results(ops)[0]["status"] == "applied"
    return beat, start, round_id


@pytest.mark.parametrize("who", sorted(SEES))
def test_each_role_reads_the_rounds_it_may_see(
    client: Client, demo_settings: Settings, who: str
) -> None:
    beat, start, round_id = _night_with_a_round(client, demo_settings)
    headers = api_login(client, who)

    listed = client.get(
        "/api/v1/patrol/expected", params={"date": night().isoformat()}, headers=headers
    )
    walked = client.get(f"/api/v1/patrol/rounds/{round_id}", headers=headers)

    assert listed.status_code == 200
    of_route = [row for row in listed.json() if row["route_id"] == str(beat.route_id)]
    if SEES[who]:
        assert {row["window_start"][11:16] for row in of_route} >= {
            start.strftime("%H:%M"),
            (start + timedelta(hours=2)).strftime("%H:%M"),
        }
        assert walked.status_code == 200
        assert (
            walked.json()["guard_id"] == of_route[0]["round_id"] or walked.json()["id"] == round_id
        )
    else:
        assert of_route == []
        assert walked.status_code == 404


def test_a_technician_may_not_read_patrols(client: Client, demo_settings: Settings) -> None:
    _, _, round_id = _night_with_a_round(client, demo_settings)
    headers = api_login(client, "T0001")

    assert client.get("/api/v1/patrol/expected", headers=headers).status_code == 403
    assert client.get(f"/api/v1/patrol/rounds/{round_id}", headers=headers).status_code == 403


def _expected_of(phone: Phone, beat: Beat) -> set[str]:
    return {
        key
        for key, row in phone.of_type("expected_round").items()
        if row["route_id"] == str(beat.route_id)
    }


def test_a_route_handed_to_another_contractor_takes_its_rounds_to_come_along(
    client: Client, demo_settings: Settings
) -> None:
    beat, _, round_id = _night_with_a_round(client, demo_settings)
    guard, manager, cleaner = Phone(client, "G0002"), Phone(client, "M0001"), Phone(client, "C0001")
    for phone in (guard, manager, cleaner):
        phone.pull_all()
    every = _expected_of(guard, beat)
    assert len(every) >= 10
    assert _expected_of(cleaner, beat) == set()
    assert round_id in guard.of_type("patrol_round")

    async def move(s: AsyncSession) -> tuple[int, set[str]]:
        route = await s.get(db.Route, beat.route_id)
        other = await s.scalar(select(db.Contractor).where(col(db.Contractor.code) == "BRIGHTWAY"))
        assert route is not None
        assert other is not None
        judged = await s.scalars(
            select(col(db.ExpectedRound.id)).where(
                col(db.ExpectedRound.route_id) == beat.route_id,
                col(db.ExpectedRound.evaluated_at).is_not(None),
            )
        )
        return await hand_over(s, route, other.id), {str(i) for i in judged}

    moved, judged = in_session(demo_settings, move)
    past_the_horizon(demo_settings)  # on PostgreSQL an open transaction may delay the move
    for phone in (guard, manager, cleaner):
        phone.pull_all()

    assert moved == len(every) - len(judged) > 0
    assert len(judged) >= 2  # 20:00 and 22:00
    assert _expected_of(guard, beat) == judged  # the rounds to come left the old phones
    assert _expected_of(manager, beat) == judged
    assert _expected_of(cleaner, beat) == every - judged  # and reached the new contractor's
    assert round_id in guard.of_type("patrol_round")  # what was walked stays theirs
    assert round_id not in cleaner.of_type("patrol_round")
