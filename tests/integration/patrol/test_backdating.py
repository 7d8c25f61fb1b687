"""Backdating in the verification report, from ops pushed through real HTTP, on both
databases: an op claiming a time before one its phone made earlier (a clock set back),
a clock-in claimed on time that its own phone contradicts, and the honest phone that
clocked in on time offline and sent it days later, which is not flagged."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import update
from sqlmodel import col

from server.db import models as db
from server.db.demo import DEMO_PASSWORD
from server.domain.accounts.passwords import hash_password
from server.settings import Settings
from sync.chain import op_hash
from sync.hlc import Timestamp
from tests.conftest import api_login
from tests.integration.patrol.builders import Beat, build_beat, in_session, night
from tests.integration.patrol.desk_rows import user, write
from tests.integration.stock.builders import desk
from tests.phone import Phone

Client = TestClient[Litestar]
pytestmark = pytest.mark.db
SHIFT_START = time(20)


def _guard(settings: Settings) -> db.User:
    """A fresh guard of the contractor M0001 manages, with no records yet."""
    manager = user(settings, "M0001")
    tag = uuid.uuid4().hex[:6].upper()
    guard = db.User(
        employee_no=f"GB{tag}",
        name=f"Backdating Guard {tag}",
        password_hash=hash_password(DEMO_PASSWORD),
        contractor_id=manager.contractor_id,
    )
    write(settings, guard)
    write(settings, db.UserRole(user_id=guard.id, role=db.Role.GUARD))
    return guard


def _plan(settings: Settings, guard: db.User, beat: Beat) -> datetime:
    """A night shift from 20:00 to 06:00 three nights ago; returns its start."""
    day = night()
    start = beat.local(day, SHIFT_START)
    write(
        settings,
        db.PlannedShift(
            user_id=guard.id,
            contractor_id=guard.contractor_id,
            site_id=beat.site_id,
            day=day,
            starts_at=start,
            ends_at=start + timedelta(hours=10),
        ),
    )
    return start


def _op(
    phone: Phone, name: str, args: dict[str, Any], at: datetime, seen: datetime | None = None
) -> dict[str, Any]:
    """An op the phone claims it made at `at`; its clock stamp reads `seen` (by default
    `at`: a phone whose clock was right and was never set back)."""
    wall = int((seen or at).timestamp() * 1000)
    stamp = str(Timestamp(wall, 0, phone.device_id.hex[:16]))
    return phone.op(name, args, client_time=at.isoformat(), hlc=stamp)


def _scan(phone: Phone, beat: Beat, stop: int, at: datetime) -> dict[str, Any]:
    args = {"scan_id": str(uuid.uuid4()), "payload": beat.payloads[stop], "method": "qr"}
    return _op(phone, "patrol.scan_checkpoint", args, at)


def _clock_in(
    phone: Phone, beat: Beat, at: datetime, seen: datetime | None = None
) -> dict[str, Any]:
    args = {"event_id": str(uuid.uuid4()), "payload": beat.clock_point, "method": "qr"}
    return _op(phone, "attendance.clock_in", args, at, seen)


def _push(phone: Phone, *ops: dict[str, Any]) -> None:
    assert {r["status"] for r in phone.results(list(ops))} == {"applied"}


def _findings(
    client: Client, guard: db.User, kind: str, at: datetime | None = None
) -> list[dict[str, Any]]:
    """The guard's findings of a kind, in the month of `at` (by default now: an op that
    claims a time before its stream's last is recorded at its receipt, sync/clocks.py)."""
    month = (at or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m")
    response = client.get(
        "/api/v1/patrol/verification",
        headers=api_login(client, "D0001"),
        params={"guard_id": str(guard.id), "month": month},
    )
    assert response.status_code == 200, response.text
    return [f for f in response.json()["findings"] if f["kind"] == kind]


def test_a_scan_claimed_before_an_op_its_phone_made_earlier_is_backdated(
    client: Client, demo_settings: Settings
) -> None:
    beat, guard = build_beat(demo_settings), _guard(demo_settings)
    at = beat.local(night(), time(22))
    phone = Phone(client, guard.employee_no)
    first = _scan(phone, beat, 0, at)
    # Eight minutes later the clock was set back 40 minutes to fake a scan of 21:28.
    faked = _scan(phone, beat, 1, at - timedelta(minutes=32))
    _push(phone, first, faked)

    found = _findings(client, guard, "backdated")
    assert len(found) == 1
    assert found[0]["record_ids"] == [first["args"]["scan_id"], faked["args"]["scan_id"]]
    assert found[0]["op_hashes"] == [op_hash(first), op_hash(faked)]
    assert "32 min before seq 1" in found[0]["message"]


def test_a_claim_within_the_tolerance_of_the_op_before_is_not_backdated(
    client: Client, demo_settings: Settings
) -> None:
    beat, guard = build_beat(demo_settings), _guard(demo_settings)
    at = beat.local(night(), time(22))
    phone = Phone(client, guard.employee_no)
    # A phone whose clock was put right by three minutes between two scans.
    _push(phone, _scan(phone, beat, 0, at), _scan(phone, beat, 1, at - timedelta(minutes=3)))
    assert _findings(client, guard, "backdated") == []


def test_a_clock_in_whose_own_clock_stamp_is_later_than_its_claim_is_backdated(
    client: Client, demo_settings: Settings
) -> None:
    beat, guard = build_beat(demo_settings), _guard(demo_settings)
    start = _plan(demo_settings, guard, beat)
    phone = Phone(client, guard.employee_no)
    # The guard came at 20:40 and set the clock back to 19:58; the clock stamp, which
    # never runs backwards, had already read 20:40.
    clock_in = _clock_in(
        phone, beat, start - timedelta(minutes=2), seen=start + timedelta(minutes=40)
    )
    _push(phone, clock_in)

    found = _findings(client, guard, "backdated_clock_in", start)
    assert len(found) == 1
    assert found[0]["record_ids"] == [clock_in["args"]["event_id"]]
    assert found[0]["op_hashes"] == [op_hash(clock_in)]
    assert "own clock stamp is 42 min after its claim" in found[0]["message"]
    # The desk's page of the guard's month lists it, with its hash.
    desk(client, "D0001")
    page = client.get(
        f"/desk/patrol/verification/guards/{guard.id}", params={"month": start.strftime("%Y-%m")}
    )
    assert page.status_code == 200, page.text
    assert 'data-finding="backdated_clock_in"' in page.text
    assert op_hash(clock_in) in page.text


def test_a_clock_in_claimed_before_an_op_its_phone_made_earlier_is_found_once(
    client: Client, demo_settings: Settings
) -> None:
    beat, guard = build_beat(demo_settings), _guard(demo_settings)
    start = _plan(demo_settings, guard, beat)
    phone = Phone(client, guard.employee_no)
    scanned = _scan(phone, beat, 0, start + timedelta(minutes=30))
    clock_in = _clock_in(phone, beat, start - timedelta(minutes=5))
    _push(phone, scanned, clock_in)

    found = _findings(client, guard, "backdated_clock_in")
    assert len(found) == 1
    assert found[0]["record_ids"] == [clock_in["args"]["event_id"], scanned["args"]["scan_id"]]
    assert found[0]["op_hashes"] == [op_hash(clock_in), op_hash(scanned)]
    # The same clock-in is not reported a second time as a backdated op.
    assert _findings(client, guard, "backdated") == []


def test_a_clock_in_held_back_from_a_push_made_after_its_claim_is_backdated(
    client: Client, demo_settings: Settings
) -> None:
    beat, guard = build_beat(demo_settings), _guard(demo_settings)
    start = _plan(demo_settings, guard, beat)
    phone = Phone(client, guard.employee_no)
    morning = _scan(phone, beat, 0, start - timedelta(hours=14))  # an earlier op, on time
    _push(phone, morning)

    # That push reached the server at 20:20 that night (the test cannot wait for an
    # evening: the receipt the server stored is moved to it, as if sent then).
    def sent_at_twenty_past(session: Any) -> Any:
        when = start + timedelta(minutes=20)
        return session.execute(
            update(db.SyncOp)
            .where(col(db.SyncOp.op_id) == uuid.UUID(morning["op_id"]))
            .values(received_at=when)
        )

    in_session(demo_settings, sent_at_twenty_past)
    # The clock-in claimed for 19:57 arrives in a later push: had it been made at 19:57,
    # the push of 20:20 would have carried it.
    clock_in = _clock_in(phone, beat, start - timedelta(minutes=3))
    _push(phone, clock_in)

    found = _findings(client, guard, "backdated_clock_in", start)
    assert len(found) == 1
    assert found[0]["record_ids"] == [clock_in["args"]["event_id"], morning["args"]["scan_id"]]
    assert found[0]["op_hashes"] == [op_hash(clock_in), op_hash(morning)]
    assert "the phone sent seq 1 23 min after the claim" in found[0]["message"]


def test_an_on_time_clock_in_sent_days_later_is_not_flagged(
    client: Client, demo_settings: Settings
) -> None:
    beat, guard = build_beat(demo_settings), _guard(demo_settings)
    start = _plan(demo_settings, guard, beat)
    phone = Phone(client, guard.employee_no)
    # Offline all night: the morning's last scan, the clock-in at 19:58 and the first
    # round's scan, all sent together three days later.
    earlier = _scan(phone, beat, 0, start - timedelta(hours=13))
    clock_in = _clock_in(phone, beat, start - timedelta(minutes=2))
    _push(phone, earlier, clock_in)
    # And a second push seconds later, as a phone sends a long queue in batches.
    _push(phone, _scan(phone, beat, 1, start + timedelta(minutes=25)))

    assert _findings(client, guard, "backdated_clock_in", start) == []
    assert _findings(client, guard, "backdated", start) == []
    # The report still holds the clock-in: it was read, and judged honest.
    response = client.get(
        "/api/v1/patrol/statement",
        headers=api_login(client, "D0001"),
        params={"guard_id": str(guard.id), "month": start.strftime("%Y-%m")},
    )
    assert clock_in["args"]["event_id"] in {line["record_id"] for line in response.json()["lines"]}
