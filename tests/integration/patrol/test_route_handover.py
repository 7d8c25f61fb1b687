"""Handing a route over to another contractor from the route editor, through real HTTP on
both databases: the desk reviews what would move, confirms, and the rounds still to come
go to the new contractor (and their phones) while the judged ones stay; the hand-over is
kept with who did it. Contractor managers, even of the contractor taking the route, are
refused; a supervisor changing the contractor in the route's form hands over the same way.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db import models as db
from server.domain.patrol.expected import closes_at, evaluate, generate
from server.settings import Settings
from tests.integration.console_client import page_text
from tests.integration.patrol.builders import Beat, build_beat, in_session, past_the_horizon, rows
from tests.integration.patrol.desk_rows import one, user
from tests.integration.stock.builders import desk, form_post
from tests.phone import Phone

Client = TestClient[Litestar]
pytestmark = pytest.mark.db
HTMX = {"HX-Request": "true"}


def _beat_with_rounds(settings: Settings) -> Beat:
    """Sentinel's route with the expected rounds of 12 h back to 36 h ahead, those whose
    last stop was due already judged (only this route's: the demo's others are left be)."""
    beat = build_beat(settings)
    now = datetime.now(UTC)

    async def work(s: AsyncSession) -> None:
        made = await generate(s, now, route_ids=[beat.route_id])
        stops = list(
            await s.scalars(
                select(db.RouteCheckpoint).where(col(db.RouteCheckpoint.route_id) == beat.route_id)
            )
        )
        for row in made:
            if closes_at(row, stops) <= now:
                await evaluate(s, row, now)

    in_session(settings, work)
    return beat


def _expected(settings: Settings, beat: Beat) -> list[db.ExpectedRound]:
    return rows(settings, db.ExpectedRound, col(db.ExpectedRound.route_id) == beat.route_id)


def _contractor(settings: Settings, code: str) -> db.Contractor:
    found = one(settings, select(db.Contractor).where(col(db.Contractor.code) == code))
    assert found is not None
    return found


def _post(client: Client, beat: Beat, **data: str) -> object:
    token = client.cookies.get("csrftoken") or ""
    return client.post(
        f"/desk/patrol/routes/{beat.route_id}/hand-over",
        data={**data, "_csrf_token": token},
        headers=HTMX,
        follow_redirects=False,
    )


def _route(settings: Settings, beat: Beat) -> db.Route:
    found = one(settings, select(db.Route).where(col(db.Route.id) == beat.route_id))
    assert found is not None
    return found


def test_the_desk_reviews_then_hands_a_route_over_with_its_rounds_to_come(
    client: Client, demo_settings: Settings
) -> None:
    beat = _beat_with_rounds(demo_settings)
    sentinel, brightway = beat.contractor_id, _contractor(demo_settings, "BRIGHTWAY")
    before = _expected(demo_settings, beat)
    waiting = {r.id for r in before if r.evaluated_at is None}
    judged = {r.id for r in before if r.evaluated_at is not None}
    assert waiting
    cleaner = Phone(client, "C0001")
    guard = Phone(client, "G0002")
    for phone in (guard, cleaner):
        phone.pull_all()
    assert {str(i) for i in waiting} <= set(guard.of_type("expected_round"))

    desk(client, "D0001")
    page = client.get(f"/desk/patrol/routes/{beat.route_id}")
    assert page.status_code == 200
    assert 'id="route-handover"' in page.text
    assert 'data-handovers="0"' in page.text

    review = _post(client, beat, contractor_id=str(brightway.id))
    assert review.status_code == 200, review.text
    assert "<html" not in review.text
    assert f'data-moving="{len(waiting)}"' in review.text
    assert f'data-staying="{len(judged)}"' in review.text
    assert 'name="confirmed" value="yes"' in review.text
    assert _route(demo_settings, beat).contractor_id == sentinel  # nothing moved yet

    confirmed = _post(client, beat, contractor_id=str(brightway.id), confirmed="yes")
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.headers["HX-Redirect"] == f"/desk/patrol/routes/{beat.route_id}"
    assert _route(demo_settings, beat).contractor_id == brightway.id
    after = {r.id: r.contractor_id for r in _expected(demo_settings, beat)}
    assert {i for i, c in after.items() if c == brightway.id} == waiting
    assert {i for i, c in after.items() if c == sentinel} == judged

    (audit,) = rows(
        demo_settings,
        db.FieldHistory,
        col(db.FieldHistory.entity_type) == "route",
        col(db.FieldHistory.entity_id) == beat.route_id,
    )
    assert (audit.field_name, audit.old_value, audit.new_value) == (
        "contractor_id",
        str(sentinel),
        str(brightway.id),
    )
    assert audit.user_id == user(demo_settings, "D0001").id
    shown = page_text(client.get(f"/desk/patrol/routes/{beat.route_id}").text)
    history = re.search(r'data-handovers="1".*?</table>', shown, re.S)
    assert history
    assert user(demo_settings, "D0001").name in history.group(0)
    assert brightway.name in history.group(0)

    past_the_horizon(demo_settings)
    for phone in (guard, cleaner):
        phone.pull_all()
    ours = {
        i for i, r in guard.of_type("expected_round").items() if r["route_id"] == str(beat.route_id)
    }
    theirs = {
        i
        for i, r in cleaner.of_type("expected_round").items()
        if r["route_id"] == str(beat.route_id)
    }
    assert ours == {str(i) for i in judged}
    assert theirs == {str(i) for i in waiting}

    again = form_post(
        client,
        f"/desk/patrol/routes/{beat.route_id}/hand-over",
        contractor_id=str(brightway.id),
    )
    assert again.status_code == 422
    assert 'data-error-field="contractor_id"' in again.text
    assert "already walks this route" in page_text(again.text)


def test_contractor_managers_may_not_hand_routes_over(
    client: Client, demo_settings: Settings
) -> None:
    beat = _beat_with_rounds(demo_settings)
    brightway = _contractor(demo_settings, "BRIGHTWAY")
    for manager in ("M0002", "M0001"):  # the contractor that would take it, and its own
        desk(client, manager)
        for confirmed in ("", "yes"):
            refused = _post(client, beat, contractor_id=str(brightway.id), confirmed=confirmed)
            assert refused.status_code == 403, (manager, refused.text)
    desk(client, "M0002")
    assert client.get(f"/desk/patrol/routes/{beat.route_id}").status_code == 404
    desk(client, "M0001")
    page = client.get(f"/desk/patrol/routes/{beat.route_id}")
    assert page.status_code == 200
    assert 'name="confirmed"' not in page.text
    assert f'action="/desk/patrol/routes/{beat.route_id}/hand-over"' not in page.text
    assert _route(demo_settings, beat).contractor_id == beat.contractor_id
    assert {r.contractor_id for r in _expected(demo_settings, beat)} == {beat.contractor_id}
    nothing = rows(demo_settings, db.FieldHistory, col(db.FieldHistory.entity_id) == beat.route_id)
    assert nothing == []


def test_a_supervisor_changing_the_contractor_in_the_form_hands_over_too(
    client: Client, demo_settings: Settings
) -> None:
    beat = _beat_with_rounds(demo_settings)
    brightway = _contractor(demo_settings, "BRIGHTWAY")
    waiting = {r.id for r in _expected(demo_settings, beat) if r.evaluated_at is None}
    desk(client, "S0001")
    saved = form_post(
        client,
        f"/desk/patrol/routes/{beat.route_id}",
        code=f"R-{beat.tag}",
        name=f"Test round {beat.tag}",
        site_id=str(beat.site_id),
        contractor_id=str(brightway.id),
    )
    assert saved.status_code == 303, saved.text
    moved = {r.id for r in _expected(demo_settings, beat) if r.contractor_id == brightway.id}
    assert moved == waiting
    (audit,) = rows(demo_settings, db.FieldHistory, col(db.FieldHistory.entity_id) == beat.route_id)
    assert audit.user_id == user(demo_settings, "S0001").id
    assert uuid.UUID(audit.new_value or "") == brightway.id
