"""The desk's patrol pages through real HTTP: live figures, incidents, access per role."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlmodel import col

from server.db import models as db
from server.db.types import utcnow
from server.settings import Settings
from tests.integration.console_client import Client
from tests.integration.patrol.desk_rows import expected, one, route, today_at, user, write
from tests.integration.stock.builders import desk, form_post

pytestmark = pytest.mark.db


def _own_route(settings: Settings, prefix: str = "SEC-") -> db.Route:
    """A route of the tests' own on a demo route's site and contractor, with two stops."""
    model = route(settings, prefix)
    tag = uuid.uuid4().hex[:6].upper()
    fresh = db.Route(
        code=f"T-{tag}",
        name=f"Test round {tag}",
        site_id=model.site_id,
        contractor_id=model.contractor_id,
    )
    location = one(settings, select(db.Location).where(col(db.Location.site_id) == model.site_id))
    points = [
        db.Checkpoint(
            code=f"TC-{tag}-{n}",
            name=f"Point {n}",
            qr_payload=f"CP-T{tag}{n}",
            site_id=model.site_id,
            location_id=location.id,
        )
        for n in (1, 2)
    ]
    write(settings, fresh, *points)
    write(
        settings,
        *(
            db.RouteCheckpoint(
                route_id=fresh.id, position=n, checkpoint_id=p.id, due_within_minutes=5 * (n + 1)
            )
            for n, p in enumerate(points)
        ),
    )
    return fresh


def _counts(body: str) -> dict[str, int]:
    return {b: int(n) for b, n in re.findall(r'data-bucket="(\w+)" data-count="(\d+)"', body)}


def test_live_view_shows_each_round_as_it_stands(client: Client, demo_settings: Settings) -> None:
    r = _own_route(demo_settings)
    guard = user(demo_settings, "G0001")
    # Tomorrow's noon: every window of the day lies ahead at whatever time the test runs, so
    # the scheduled 22:00 round is not yet closed (and counted late) late in the evening.
    start = today_at(12) + timedelta(days=1)
    walk = db.PatrolRound(
        route_id=r.id,
        guard_id=guard.id,
        site_id=r.site_id,
        contractor_id=r.contractor_id,
        started_at=start,
    )
    in_progress = expected(r, start, db.ExpectedStatus.IN_PROGRESS, round_id=walk.id, stops_due=2)
    points = one(
        demo_settings, select(db.RouteCheckpoint).where(col(db.RouteCheckpoint.route_id) == r.id)
    )
    scan = db.CheckpointScan(
        round_id=walk.id,
        checkpoint_id=points.checkpoint_id,
        payload="x",
        method=db.ScanMethod.QR,
        guard_id=guard.id,
        claimed_at=start,
        received_at=start,
    )
    write(
        demo_settings,
        walk,
        in_progress,
        scan,
        expected(
            r,
            start - timedelta(hours=2),
            db.ExpectedStatus.MISSED,
            stops_due=2,
            stops_missed=2,
            evaluated_at=utcnow(),
        ),
        expected(
            r,
            start - timedelta(hours=4),
            db.ExpectedStatus.PARTIAL,
            stops_due=2,
            stops_on_time=1,
            stops_late=1,
            evaluated_at=utcnow(),
        ),
        expected(
            r,
            start - timedelta(hours=6),
            db.ExpectedStatus.COMPLETED,
            stops_due=2,
            stops_on_time=2,
            evaluated_at=utcnow(),
        ),
        expected(r, start + timedelta(hours=10), db.ExpectedStatus.SCHEDULED, stops_due=2),
    )
    desk(client, "D0001")
    page = client.get(
        "/desk/patrol", params={"route_id": str(r.id), "day": start.date().isoformat()}
    )
    assert page.status_code == 200, page.text
    assert _counts(page.text) == {
        "in_progress": 1,
        "late": 1,
        "missed": 1,
        "scheduled": 1,
        "completed": 1,
    }
    row = re.search(rf'data-round="{in_progress.id}".*?</tr>', page.text, re.S)
    assert row
    assert guard.name in row.group(0)
    assert ">1/2<" in row.group(0)
    partial = client.get(
        "/desk/patrol",
        params={"route_id": str(r.id), "bucket": "late", "day": start.date().isoformat()},
        headers={"HX-Request": "true"},
    )
    assert "<html" not in partial.text
    assert partial.text.count("data-round=") == 1
    assert ">2/2" in partial.text
    # The security contractor's manager sees them; the cleaning contractor's sees none.
    desk(client, "M0001")
    mine = client.get(
        "/desk/patrol", params={"route_id": str(r.id), "day": start.date().isoformat()}
    )
    assert sum(_counts(mine.text).values()) == 5
    desk(client, "M0002")
    other = client.get(
        "/desk/patrol", params={"route_id": str(r.id), "day": start.date().isoformat()}
    )
    assert sum(_counts(other.text).values()) == 0
    assert "data-round=" not in other.text
    assert client.get(f"/desk/patrol/routes/{r.id}").status_code == 404


def _incident(settings: Settings, r: db.Route) -> db.Incident:
    guard = user(settings, "G0001")
    point = one(
        settings, select(db.RouteCheckpoint).where(col(db.RouteCheckpoint.route_id) == r.id)
    )
    now = utcnow()
    incident = db.Incident(
        site_id=r.site_id,
        contractor_id=r.contractor_id,
        reported_by_id=guard.id,
        category="door",
        text=f"Fire door propped open {uuid.uuid4().hex[:4]}",
        checkpoint_id=point.checkpoint_id,
        occurred_at=now,
        received_at=now,
    )
    write(settings, incident)
    return incident


def test_incident_is_acknowledged_answered_closed_and_reported(
    client: Client, demo_settings: Settings
) -> None:
    incident = _incident(demo_settings, _own_route(demo_settings))
    url = f"/desk/patrol/incidents/{incident.id}"
    desk(client, "M0002")  # another contractor's manager
    assert client.get(url).status_code == 404
    assert str(incident.id) not in client.get("/desk/patrol/incidents").text
    assert form_post(client, f"{url}/acknowledge").status_code == 404
    desk(client, "D0001")
    queue = client.get("/desk/patrol/incidents", params={"status": "open"})
    assert f'data-row="{incident.id}"' in queue.text
    assert form_post(client, f"{url}/close").status_code == 422  # not answered yet
    assert form_post(client, f"{url}/acknowledge").status_code == 303
    shown = client.get(url).text
    assert 'data-status="acknowledged"' in shown
    assert user(demo_settings, "D0001").name in shown
    refused = form_post(client, f"{url}/answer", answer="  ")
    assert refused.status_code == 422
    assert 'data-error-field="answer"' in refused.text
    assert form_post(client, f"{url}/answer", answer="Door shut, estates told").status_code == 303
    assert form_post(client, f"{url}/work-order", priority="2").status_code == 303
    row = one(demo_settings, select(db.Incident).where(col(db.Incident.id) == incident.id))
    order = one(
        demo_settings, select(db.WorkOrder).where(col(db.WorkOrder.id) == row.work_order_id)
    )
    assert order.priority == 2
    assert "Fire door propped open" in order.description
    assert form_post(client, f"{url}/work-order", priority="2").status_code == 409  # only once
    assert form_post(client, f"{url}/close").status_code == 303
    row = one(demo_settings, select(db.Incident).where(col(db.Incident.id) == incident.id))
    assert row.status == db.IncidentStatus.CLOSED
    assert row.closed_by_id
    assert row.closed_at
    assert row.answer == "Door shut, estates told"
    assert row.answered_by_id == row.closed_by_id
    # The contractor's own manager may handle incidents but not open work orders.
    other = _incident(demo_settings, _own_route(demo_settings))
    desk(client, "M0001")
    assert form_post(client, f"/desk/patrol/incidents/{other.id}/acknowledge").status_code == 303
    assert form_post(client, f"/desk/patrol/incidents/{other.id}/work-order").status_code == 403


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("D0001", 200),
        ("S0001", 200),
        ("A0001", 200),
        ("M0001", 200),
        ("G0001", 403),
        ("T0001", 403),
        ("R0001", 403),
    ],
)
def test_who_may_open_the_patrol_pages(client: Client, who: str, status: int) -> None:
    desk(client, who)
    for path in (
        "/desk/patrol",
        "/desk/patrol/incidents",
        "/desk/patrol/routes",
        "/desk/patrol/checkpoints",
    ):
        assert client.get(path).status_code == status, (who, path)
