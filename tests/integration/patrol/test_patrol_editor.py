"""The route and schedule editor's forms, and the checkpoint label sheet scanned back."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import col

from scanners.decode import decode_photo
from scanners.sheets import PRESETS, placements
from server.db import models as db
from server.settings import Settings
from tests.integration.console_client import Client
from tests.integration.patrol.desk_rows import one
from tests.integration.patrol.test_patrol_desk import _own_route
from tests.integration.stock.builders import desk, form_post
from tests.pdf_pages import page_images

pytestmark = pytest.mark.db
HTMX = {"HX-Request": "true"}


def test_checkpoint_form_refuses_then_saves(client: Client, demo_settings: Settings) -> None:
    r = _own_route(demo_settings)
    location = one(demo_settings, select(db.Location).where(col(db.Location.site_id) == r.site_id))
    desk(client, "S0001")
    fields = {
        "code": f"{r.code}-X",
        "name": "Gate",
        "site_id": str(r.site_id),
        "location_id": str(location.id),
        "nfc_uid": "04:a1:b2:c3:d4:e5:f6",
    }
    bad = form_post(client, "/desk/patrol/checkpoints", **{**fields, "nfc_uid": "zz"})
    assert bad.status_code == 422
    assert 'data-error-field="nfc_uid"' in bad.text
    saved = form_post(client, "/desk/patrol/checkpoints", **fields)
    assert saved.status_code == 303, saved.text
    row = one(demo_settings, select(db.Checkpoint).where(col(db.Checkpoint.code) == fields["code"]))
    assert row.nfc_uid == "04A1B2C3D4E5F6"
    assert row.qr_payload.startswith("CP-")
    assert len(row.qr_payload) == 19
    again = form_post(client, "/desk/patrol/checkpoints", **fields)
    assert again.status_code == 422
    assert 'data-error-field="code"' in again.text
    desk(client, "D0001")  # the desk reads, only supervisors and admins edit
    assert form_post(client, "/desk/patrol/checkpoints", **fields).status_code == 403


def test_stops_and_schedules(client: Client, demo_settings: Settings) -> None:
    r = _own_route(demo_settings)
    stops = f"/desk/patrol/routes/{r.id}/stops"
    desk(client, "A0001")
    page = client.get(f"/desk/patrol/routes/{r.id}").text
    first = page.split('data-stop="')[1].split('"')[0]
    point = one(demo_settings, select(db.Checkpoint).where(col(db.Checkpoint.code) == first))
    twice = client.post(
        stops,
        data={
            "checkpoint_id": str(point.id),
            "due_within_minutes": "20",
            "_csrf_token": client.cookies.get("csrftoken"),
        },
        headers=HTMX,
    )
    assert twice.status_code == 200
    assert 'data-error-field="checkpoint_id"' in twice.text
    assert "already a stop" in twice.text
    assert "<html" not in twice.text
    assert form_post(client, f"{stops}/0/down").status_code == 303
    page = client.get(f"/desk/patrol/routes/{r.id}").text
    assert page.split('data-stop="')[2].split('"')[0] == first
    schedule = {
        "first_start": "20:00",
        "last_start": "06:00",
        "every_minutes": "120",
        "weekdays": "12345",
        "tolerance_minutes": "150",
        "valid_from": "2026-01-01",
    }
    url = f"/desk/patrol/routes/{r.id}/schedules"
    bad = form_post(client, url, **schedule)
    assert bad.status_code == 422
    assert 'data-error-field="tolerance_minutes"' in bad.text
    assert form_post(client, url, **{**schedule, "tolerance_minutes": "15"}).status_code == 303
    row = one(demo_settings, select(db.RouteSchedule).where(col(db.RouteSchedule.route_id) == r.id))
    assert (row.every_minutes, row.tolerance_minutes, row.weekdays) == (120, 15, "12345")
    tz = form_post(client, f"/desk/patrol/sites/{r.site_id}/timezone", timezone="Mars/Olympus")
    assert tz.status_code == 422
    assert 'data-error-field="timezone"' in tz.text


def test_checkpoint_labels_scan_back(client: Client, demo_settings: Settings) -> None:
    r = _own_route(demo_settings)
    desk(client, "M0001")
    response = client.get(
        "/desk/labels/checkpoints.pdf", params={"route": r.code, "preset": "L7160"}
    )
    assert response.status_code == 200, response.text
    grid, pages = PRESETS["L7160"], page_images(response.content)
    texts = []
    for spot in placements(grid, 2, 1):
        crop = pages[spot.page].crop(grid.box_px(spot.slot))
        texts += [found.text for found in decode_photo(crop, max_side=None)]
    codes = [f"{r.code.replace('T-', 'TC-')}-{n}" for n in (1, 2)]
    payloads = [
        one(demo_settings, select(db.Checkpoint).where(col(db.Checkpoint.code) == c)).qr_payload
        for c in codes
    ]
    assert texts == payloads
    desk(client, "M0002")
    assert client.get("/desk/labels/checkpoints.pdf", params={"route": r.code}).status_code == 404
