"""A night round pushed from a phone: the server judges it on the claimed times.

The route (tests/integration/patrol/builders.py) has five stops due 5 ... 25 minutes after
the start, a schedule every 2 h from 20:00 to 06:00 (tolerance 15 min) in the site's zone.
"""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db import models as db
from server.domain.patrol.expected import evaluate_due, expected_round_id, generate
from server.settings import Settings
from tests.integration.patrol.builders import Beat, build_beat, in_session, night, rows
from tests.phone import Phone

Client = TestClient[Litestar]
pytestmark = pytest.mark.db


def _at(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


def _judge(settings: Settings, beat: Beat, now: datetime) -> None:
    async def work(s: AsyncSession) -> None:
        await generate(s, now - timedelta(hours=20), route_ids=[beat.route_id])
        await evaluate_due(s, now)

    in_session(settings, work)


def _expected(settings: Settings, beat: Beat, start: datetime) -> db.ExpectedRound:
    found = rows(
        settings,
        db.ExpectedRound,
        col(db.ExpectedRound.id) == expected_round_id(beat.route_id, start),
    )
    assert len(found) == 1
    return found[0]


def _walk(phone: Phone, beat: Beat, start: datetime, minutes: list[float]) -> list[dict[str, Any]]:
    round_id = str(uuid.uuid4())
    ops = [
        phone.op(
            "patrol.start_round",
            {"round_id": round_id, "route_id": str(beat.route_id)},
            client_time=_at(start),
        )
    ]
    for payload, minute in zip(beat.payloads, minutes, strict=False):
        ops.append(
            phone.op(
                "patrol.scan_checkpoint",
                {
                    "scan_id": str(uuid.uuid4()),
                    "payload": payload,
                    "method": "qr",
                    "round_id": round_id,
                },
                client_time=_at(start + timedelta(minutes=minute)),
            )
        )
    ops.append(
        phone.op(
            "patrol.end_round",
            {"round_id": round_id},
            client_time=_at(start + timedelta(minutes=max(minutes, default=0) + 1)),
        )
    )
    return ops


def test_a_round_that_never_synced_is_missed_and_scans_sent_in_the_morning_complete_it(
    client: Client, demo_settings: Settings
) -> None:
    beat = build_beat(demo_settings)
    day = night()
    first = beat.local(day, time(20))
    morning = beat.local(day, time(7)) + timedelta(days=1)
    _judge(demo_settings, beat, morning)
    missed = _expected(demo_settings, beat, first)
    assert (missed.status, missed.stops_missed) == (db.ExpectedStatus.MISSED, 5)
    every = rows(demo_settings, db.ExpectedRound, col(db.ExpectedRound.route_id) == beat.route_id)
    night_rounds = [r for r in every if first <= r.window_start <= first + timedelta(hours=10)]
    assert len(night_rounds) == 6
    assert {r.status for r in night_rounds} == {db.ExpectedStatus.MISSED}

    phone = Phone(client, "G0001")
    results = phone.results(_walk(phone, beat, first + timedelta(minutes=2), [4, 9, 14, 19, 24]))
    assert [r["status"] for r in results] == ["applied"] * 7
    done = _expected(demo_settings, beat, first)
    assert done.status == db.ExpectedStatus.COMPLETED
    assert (done.stops_on_time, done.stops_late, done.stops_missed) == (5, 0, 0)
    scans = rows(demo_settings, db.CheckpointScan, col(db.CheckpointScan.round_id) == done.round_id)
    assert {s.outcome for s in scans} == {"on_time"}
    assert min(s.claimed_at for s in scans) == first + timedelta(minutes=6)
    assert all(s.op_hash and s.op_id for s in scans)
    assert all(s.received_at > morning - timedelta(days=1) for s in scans)


def test_a_claim_ahead_of_the_server_is_bounded_to_the_receipt_time_and_judged_late(
    client: Client, demo_settings: Settings
) -> None:
    beat = build_beat(demo_settings)
    day = night()
    start = beat.local(day, time(22), 1)
    _judge(demo_settings, beat, beat.local(day, time(7)) + timedelta(days=1))
    phone = Phone(client, "G0002")
    ops = _walk(phone, beat, start, [3, 8, 12, 17])
    # The phone's clock jumped a week ahead for the last scan: it is held at the receipt time.
    future = datetime.now().astimezone() + timedelta(days=7)
    last = phone.op(
        "patrol.scan_checkpoint",
        {
            "scan_id": str(uuid.uuid4()),
            "payload": beat.payloads[4],
            "method": "qr",
            "round_id": ops[0]["args"]["round_id"],
        },
        client_time=_at(future),
    )
    assert [r["status"] for r in phone.results([*ops, last])] == ["applied"] * 7
    judged = _expected(demo_settings, beat, beat.local(day, time(22)))
    assert judged.status == db.ExpectedStatus.PARTIAL
    assert (judged.stops_on_time, judged.stops_late) == (4, 1)
    flagged = rows(
        demo_settings, db.CheckpointScan, col(db.CheckpointScan.op_id) == uuid.UUID(last["op_id"])
    )
    assert flagged[0].clock_flag == "ahead"
    assert flagged[0].claimed_at < future
    assert flagged[0].outcome == "late"


def test_out_of_order_stops_on_an_ordered_route(client: Client, demo_settings: Settings) -> None:
    beat = build_beat(demo_settings)
    day = night()
    start = beat.local(day, time(0), 2) + timedelta(days=1)
    _judge(demo_settings, beat, start + timedelta(hours=8))
    beat.payloads[1], beat.payloads[2] = beat.payloads[2], beat.payloads[1]
    phone = Phone(client, "G0001")
    phone.results(_walk(phone, beat, start, [3, 6, 9, 12, 15]))
    judged = _expected(demo_settings, beat, start - timedelta(minutes=2))
    assert judged.status == db.ExpectedStatus.PARTIAL
    assert (judged.stops_on_time, judged.stops_out_of_order) == (5, 1)
    scans = rows(
        demo_settings, db.CheckpointScan, col(db.CheckpointScan.round_id) == judged.round_id
    )
    assert sorted(s.outcome for s in scans) == ["on_time"] * 4 + ["out_of_order"]


def test_free_order_routes_have_no_order(client: Client, demo_settings: Settings) -> None:
    beat = build_beat(demo_settings, free_order=True)
    day = night()
    start = beat.local(day, time(2), 2) + timedelta(days=1)
    _judge(demo_settings, beat, start + timedelta(hours=6))
    beat.payloads.reverse()
    phone = Phone(client, "G0001")
    phone.results(_walk(phone, beat, start, [3, 4, 5, 6, 7]))
    judged = _expected(demo_settings, beat, start - timedelta(minutes=2))
    assert (judged.status, judged.stops_out_of_order) == (db.ExpectedStatus.COMPLETED, 0)
