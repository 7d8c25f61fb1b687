"""A guard's own records come back down once the server holds them: the clock events, the
incidents, and the round with its scans, so the phone still shows the shift after a sync;
another contractor's phone hears nothing of them."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.settings import Settings
from tests.integration.patrol.builders import build_beat, past_the_horizon
from tests.phone import Phone

Client = TestClient[Litestar]
pytestmark = pytest.mark.db


def _heard_of(phone: Phone, entity_id: str) -> list[dict[str, Any]]:
    heard = []
    while True:
        page = phone.pull_page()
        heard += [c for c in page["changes"] if c["id"] == entity_id]
        if not page["more"]:
            return heard


def test_the_guards_shift_comes_back_down_and_stays_with_their_contractor(
    client: Client, demo_settings: Settings
) -> None:
    beat = build_beat(demo_settings)
    guard, cleaner = Phone(client, "G0001"), Phone(client, "C0001")
    for phone in (guard, cleaner):
        phone.pull_all()
    clock_in, clock_out = str(uuid.uuid4()), str(uuid.uuid4())
    round_id, incident_id = str(uuid.uuid4()), str(uuid.uuid4())
    scan_ids = [str(uuid.uuid4()) for _ in beat.payloads[:3]]
    clock = {"payload": beat.clock_point, "method": "qr"}
    ops = [
        guard.op("attendance.clock_in", {"event_id": clock_in, **clock}),
        guard.op("patrol.start_round", {"round_id": round_id, "route_id": str(beat.route_id)}),
        *(
            guard.op(
                "patrol.scan_checkpoint",
                {"scan_id": scan_id, "payload": payload, "method": "qr", "round_id": round_id},
            )
            for scan_id, payload in zip(scan_ids, beat.payloads, strict=False)
        ),
        guard.op(
            "patrol.report_incident",
            {
                "incident_id": incident_id,
                "category": "security",
                "text": "Fire door propped open",
                "round_id": round_id,
                "location_id": str(beat.location_id),
            },
        ),
        guard.op("patrol.end_round", {"round_id": round_id}),
        guard.op("attendance.clock_out", {"event_id": clock_out, **clock}),
    ]
    assert {r["status"] for r in guard.results(ops)} == {"applied"}

    past_the_horizon(demo_settings)  # so the cleaner's silence below means something
    guard.pull_all()
    events = guard.of_type("clock_event")
    assert [(events[i]["kind"], events[i]["payload"]) for i in (clock_in, clock_out)] == [
        ("in", beat.clock_point),
        ("out", beat.clock_point),
    ]
    assert events[clock_in]["user_id"] == events[clock_out]["user_id"]
    walked = guard.replica[("patrol_round", round_id)]
    assert walked["status"] == "ended"
    # In claimed-time order; the ops of one batch may claim the same instant.
    claimed = [s["claimed_at"] for s in walked["scans"]]
    assert claimed == sorted(claimed)
    assert sorted(
        (s["scan_id"], s["checkpoint_id"], s["method"]) for s in walked["scans"]
    ) == sorted(
        (scan_id, str(stop), "qr") for scan_id, stop in zip(scan_ids, beat.stops, strict=False)
    )
    assert guard.replica[("incident", incident_id)]["text"] == "Fire door propped open"

    for entity_id in (clock_in, clock_out, round_id, incident_id):
        assert _heard_of(cleaner, entity_id) == []  # another contractor hears nothing
