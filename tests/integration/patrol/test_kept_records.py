"""Whatever state a guard's record meets, it is kept and flagged, never dropped; refused
only when the op itself is wrong. Alerts go once per expected round; a guard's phone
hears only their own contractor's rounds."""

from __future__ import annotations

import uuid
from datetime import time, timedelta

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db import models as db
from server.domain.patrol.alerts import alert_url
from server.domain.patrol.expected import evaluate_due, expected_round_id, generate
from server.settings import Settings
from tests.integration.patrol.builders import build_beat, in_session, night, rows
from tests.phone import Phone

Client = TestClient[Litestar]
pytestmark = pytest.mark.db


def _scan(phone: Phone, round_id: str, payload: str, **extra: str) -> dict[str, object]:
    args = {"scan_id": str(uuid.uuid4()), "payload": payload, "method": "qr", "round_id": round_id}
    return phone.op("patrol.scan_checkpoint", {**args, **extra})


def test_strange_scans_are_kept_and_a_round_ended_twice_keeps_its_first_end(
    client: Client, demo_settings: Settings
) -> None:
    beat = build_beat(demo_settings)
    phone = Phone(client, "G0001")
    round_id = str(uuid.uuid4())
    start = phone.op("patrol.start_round", {"round_id": round_id, "route_id": str(beat.route_id)})
    ops = [
        start,
        _scan(phone, round_id, "NOT-A-TAG-AT-ALL"),
        _scan(phone, round_id, beat.stray),
        _scan(
            phone, round_id, beat.nfc_uids[0][:2] + ":" + beat.nfc_uids[0][2:].lower(), method="nfc"
        ),
        _scan(phone, round_id, beat.payloads[1], method="manual"),
        _scan(phone, round_id, beat.payloads[1], method="manual", manual_reason="Label torn off"),
        phone.op("patrol.end_round", {"round_id": round_id, "note": "first"}),
        phone.op("patrol.end_round", {"round_id": round_id, "note": "second"}),
    ]
    results = phone.results(ops)
    assert [(r["status"], r.get("code")) for r in results] == [
        ("applied", None),
        ("applied", None),
        ("applied", None),
        ("applied", None),
        ("rejected", "manual_needs_reason"),
        ("applied", None),
        ("applied", None),
        ("applied", None),
    ]
    scans = rows(
        demo_settings, db.CheckpointScan, col(db.CheckpointScan.round_id) == uuid.UUID(round_id)
    )
    by_payload = {s.payload: s for s in scans}
    assert by_payload["NOT-A-TAG-AT-ALL"].checkpoint_id is None
    assert by_payload["NOT-A-TAG-AT-ALL"].outcome == "unknown_checkpoint"
    assert by_payload[beat.stray].outcome == "not_on_route"
    nfc = [s for s in scans if s.method == db.ScanMethod.NFC]
    assert nfc[0].checkpoint_id == beat.stops[0]
    typed = [s for s in scans if s.method == db.ScanMethod.MANUAL]
    assert [(s.checkpoint_id, s.manual_reason) for s in typed] == [
        (beat.stops[1], "Label torn off")
    ]
    (walked,) = rows(demo_settings, db.PatrolRound, col(db.PatrolRound.id) == uuid.UUID(round_id))
    assert (walked.status, walked.note) == (db.RoundStatus.ENDED, "first")


def test_clock_in_elsewhere_is_kept_without_a_checkpoint(
    client: Client, demo_settings: Settings
) -> None:
    beat = build_beat(demo_settings)
    phone = Phone(client, "G0002")
    good, stray = str(uuid.uuid4()), str(uuid.uuid4())
    results = phone.results(
        [
            phone.op(
                "attendance.clock_in",
                {"event_id": good, "payload": beat.clock_point, "method": "qr"},
            ),
            phone.op(
                "attendance.clock_out",
                {"event_id": stray, "payload": beat.payloads[0], "method": "qr"},
            ),
        ]
    )
    assert [r["status"] for r in results] == ["applied", "applied"]
    events = {
        e.id: e
        for e in rows(
            demo_settings,
            db.ClockEvent,
            col(db.ClockEvent.id).in_([uuid.UUID(good), uuid.UUID(stray)]),
        )
    }
    assert events[uuid.UUID(good)].checkpoint_id is not None
    assert events[uuid.UUID(good)].kind == db.ClockKind.IN
    assert events[uuid.UUID(stray)].checkpoint_id is None
    assert events[uuid.UUID(stray)].payload == beat.payloads[0]
    assert events[uuid.UUID(stray)].op_hash


def test_an_incident_with_a_photo_opens_a_work_order_where_it_happened(
    client: Client, demo_settings: Settings
) -> None:
    beat = build_beat(demo_settings)
    phone = Phone(client, "G0001")
    incident_id, sha = str(uuid.uuid4()), "ab" * 32
    args = {
        "incident_id": incident_id,
        "category": "door",
        "text": "Fire door does not close",
        "photos": [sha],
        "location_id": str(beat.location_id),
        "open_work_order": True,
    }
    (result,) = phone.results([phone.op("patrol.report_incident", args, blobs=[sha])])
    assert result["status"] == "applied", result
    (incident,) = rows(demo_settings, db.Incident, col(db.Incident.id) == uuid.UUID(incident_id))
    assert incident.photos == [sha]
    assert incident.work_order_id is not None
    (order,) = rows(demo_settings, db.WorkOrder, col(db.WorkOrder.id) == incident.work_order_id)
    assert order.location_id == beat.location_id
    assert "Fire door does not close" in order.description
    photos = rows(demo_settings, db.Attachment, col(db.Attachment.work_order_id) == order.id)
    assert [p.sha256 for p in photos] == [sha]


def test_another_contractors_route_is_refused_and_their_rounds_never_heard(
    client: Client, demo_settings: Settings
) -> None:
    cleaning = build_beat(demo_settings, contractor="BRIGHTWAY")
    guard = Phone(client, "G0001")
    (result,) = guard.results(
        [
            guard.op(
                "patrol.start_round",
                {"round_id": str(uuid.uuid4()), "route_id": str(cleaning.route_id)},
            )
        ]
    )
    assert (result["status"], result["code"]) == ("rejected", "unknown_route")
    cleaner = Phone(client, "C0001")
    round_id = str(uuid.uuid4())
    cleaner.results(
        [
            cleaner.op(
                "patrol.start_round", {"round_id": round_id, "route_id": str(cleaning.route_id)}
            )
        ]
    )
    guard.pull_all()
    cleaner.pull_all()
    assert ("patrol_round", round_id) in cleaner.replica
    assert ("patrol_round", round_id) not in guard.replica
    heard = {key[1] for key in guard.replica if key[0] == "expected_round"}
    mine = {key[1] for key in cleaner.replica if key[0] == "expected_round"}
    assert mine
    assert not heard & mine


def test_a_missed_round_alerts_the_managers_once(client: Client, demo_settings: Settings) -> None:
    beat = build_beat(demo_settings)
    day = night()
    start = beat.local(day, time(20))

    async def judge(s: AsyncSession) -> None:
        await generate(s, start, route_ids=[beat.route_id])
        await evaluate_due(s, start + timedelta(hours=12))

    in_session(demo_settings, judge)
    phone = Phone(client, "G0001")
    round_id = str(uuid.uuid4())
    late_start = phone.op(
        "patrol.start_round",
        {"round_id": round_id, "route_id": str(beat.route_id)},
        client_time=(start + timedelta(minutes=3)).isoformat(),
    )
    phone.results([late_start, _scan(phone, round_id, beat.payloads[0])])
    expected_id = expected_round_id(beat.route_id, start)
    (judged,) = rows(demo_settings, db.ExpectedRound, col(db.ExpectedRound.id) == expected_id)
    assert judged.status == db.ExpectedStatus.PARTIAL
    alerts = rows(demo_settings, db.Notification, col(db.Notification.url) == alert_url(judged))
    managers = {
        u.id for u in rows(demo_settings, db.User, col(db.User.employee_no).in_(["M0001", "S0001"]))
    }
    assert [a.kind for a in alerts] == ["patrol_missed"] * len(alerts)
    assert {a.user_id for a in alerts} >= managers
    assert len(alerts) == len({a.user_id for a in alerts})
