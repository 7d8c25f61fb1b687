"""The last seven nights of patrol, as the ops would have stored them.

Each guard of the security contractor (and the cleaner of the cleaning contractor) has a
phone whose ops form one hash chain (sync/chain.py): a `SyncOp` per op, verbatim, and
the records the ops made (`ClockEvent`, `PatrolRound`, `CheckpointScan`), each keeping
its op's id and hash. The first security route's nights hold one of each thing a
settlement must show: a missed round, a late checkpoint, a stop out of order, a
checkpoint typed with a reason, a backdated clock in, and an incident that opens a work
order (applied by the incident service once the rows are in, `finish_nights`). The
expected rounds are judged by server/domain/patrol/expected.py at the end of loading, as
the recurring job would have.

The contractor's monthly verification report (server/domain/patrol/reports.py) over the
demo's nights holds exactly the two of them that are tamper evidence, and nothing else
(tests/integration/patrol/test_demo_verification.py):

- `manual_entry` 1: the checkpoint typed in with its reason (MANUAL);
- `backdated_clock_in` 1: the first guard's clock in claimed for 18:05 two nights ago,
  sent at 19:52 after the phone had sent its held ops at 19:31 (CLOCK_ANOMALY).

The missed round, the late stop, the stops out of order and the incident are the
expected rounds' and the desk's business, not the report's. Every walk keeps to the
walking times between stops (patrols.walk_seconds), so no honest walk reads as
impossible travel, and every other clock is right.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from server.db.demo.names import CLEANING_CONTRACTOR, EAST, SECURITY_CONTRACTOR, WEST
from server.db.demo.patrols import (
    SCAN_EARLY_MINUTES,
    TIMEZONE,
    ClockPoint,
    DemoPatrols,
    DemoRoute,
)
from server.db.demo.people import Workforce
from server.db.demo.phones import DemoPhone, chain, record
from server.db.demo.rows import DemoRows, Row
from server.db.models import (
    CheckpointScan,
    ClockEvent,
    Device,
    ExpectedRound,
    PatrolRound,
    Role,
)
from server.domain.accounts.actor import Actor
from server.domain.patrol import expected, incidents
from server.domain.patrol.records import Meta
from server.domain.patrol.schedule import Series, expand_days
from server.domain.work.sla import check_slas

NIGHTS = 7
# Who walks each contractor's routes in the demo (employee numbers).
WALKERS = {SECURITY_CONTRACTOR: ("G0001", "G0002"), CLEANING_CONTRACTOR: ("C0001",)}
# The special nights of the first security route: (nights ago, window index of the night).
MISSED = (6, 3)  # 02:00, six nights ago: never walked
LATE = (5, 1)  # 22:00: the last stop scanned 7 minutes after it was due
OUT_OF_ORDER = (4, 2)  # 00:00: the second and third stops walked the wrong way round
MANUAL = (3, 4)  # 04:00: the third stop's label was torn off, its code typed
INCIDENT = (1, 1)  # 22:00: a fire door that does not close, a work order for the estate
# Two nights ago the first guard's phone, back on the lodge's wifi at 19:31, sent what it
# had held since that morning's clock-out; at 19:52 it sent a clock in claimed for 18:05. Had it
# clocked in at 18:05 it would have sent it at 19:31 with the rest: a backdated clock in.
CLOCK_ANOMALY = 2
HELD_OUT_SENT, BACKDATED_IN, BACKDATED_IN_SENT = time(19, 31), time(18, 5), time(19, 52)
MANUAL_REASON = "QR label torn off, code typed from the plate"


@dataclass
class IncidentToOpen:
    """The incident op of the demo nights, applied by the incident service after loading;
    `op` holds its op's id, hash, claim and receipt once the chain is made."""

    actor: Actor
    incident_id: uuid.UUID
    round_id: uuid.UUID
    checkpoint_id: uuid.UUID
    category: str
    text: str
    op: Row = field(default_factory=dict)


@dataclass
class Nights:
    incidents: list[IncidentToOpen] = field(default_factory=list)


INCIDENT_TEXT = "Fire door does not close: the closer arm is broken. Wedged shut for now."


def build_nights(
    rows: DemoRows,
    rng: random.Random,
    patrols: DemoPatrols,
    workforce: Workforce,
    translate: Callable[[str], str] = str,
) -> Nights:
    """`translate` gives the guard's words in the demo's language: they are hashed into
    the phone's chain here, so they cannot be translated after the build."""
    zone = ZoneInfo(TIMEZONE)
    today = rows.now.astimezone(zone).date()
    phones: dict[str, DemoPhone] = {}
    for numbers in WALKERS.values():
        for number in numbers:
            user_id = workforce.user_ids[number]
            device_id = rows.entity(Device, user_id=user_id, name=f"Demo phone {number}")
            phones[number] = DemoPhone(user_id, device_id, uuid.uuid4())
    nights = Nights()
    first_security = next(r for r in patrols.routes if r.contractor_code == SECURITY_CONTRACTOR)
    for route_number, route in enumerate(patrols.routes):
        walkers = WALKERS.get(route.contractor_code, ())
        if not walkers:
            continue
        series = Series(time(20), time(6), 120, "1234567", 15, route.valid_from, None)
        last_due = route.stops[-1].due_within_minutes
        days = [today - timedelta(days=ago) for ago in range(NIGHTS, 0, -1)]
        for day in days:
            ago = (today - day).days
            for index, window in enumerate(expand_days(series, TIMEZONE, [day])):
                if window.end + timedelta(minutes=last_due) > rows.now:
                    continue  # tonight's, still to come: the recurring job makes them
                _expect(rows, route, window.start, window.end)
                special = (ago, index) if route is first_security else None
                if special == MISSED:
                    continue
                phone = phones[walkers[(route_number + index) % len(walkers)]]
                walked = _walk(rows, rng, phone, route, window.start, special)
                if special == INCIDENT:
                    nights.incidents.append(_incident(phone, route, walked, translate))
    _clock_nights(rows, rng, phones, patrols, workforce)
    for phone in phones.values():
        chain(rows, rng, phone)
    return nights


def _clock_nights(
    rows: DemoRows,
    rng: random.Random,
    phones: dict[str, DemoPhone],
    patrols: DemoPatrols,
    workforce: Workforce,
) -> None:
    today = rows.now.astimezone(ZoneInfo(TIMEZONE)).date()
    for contractor_code, numbers in WALKERS.items():
        site = EAST if contractor_code == SECURITY_CONTRACTOR else WEST
        for number in numbers:
            for ago in range(NIGHTS, 0, -1):
                anomaly = number == "G0001" and ago == CLOCK_ANOMALY
                held = number == "G0001" and ago == CLOCK_ANOMALY + 1
                night = today - timedelta(days=ago)
                contractor_id = workforce.contractor_ids[contractor_code]
                clock_point = patrols.clock_points[site]
                _clock(rows, rng, phones[number], clock_point, contractor_id, night, anomaly, held)


def _expect(rows: DemoRows, route: DemoRoute, start: datetime, end: datetime) -> None:
    rows.link(
        ExpectedRound,
        id=expected.expected_round_id(route.id, start),
        created_at=rows.now,
        updated_at=rows.now,
        route_id=route.id,
        schedule_id=route.schedule_id,
        site_id=route.site_id,
        contractor_id=route.contractor_id,
        window_start=start,
        window_end=end,
        status="scheduled",
        stops_due=len(route.stops),
    )


def _walk(
    rows: DemoRows,
    rng: random.Random,
    phone: DemoPhone,
    route: DemoRoute,
    window_start: datetime,
    special: tuple[int, int] | None,
) -> Row:
    started = window_start + timedelta(minutes=rng.randint(0, 9), seconds=rng.randint(0, 59))
    times = [
        started + timedelta(minutes=stop.due_within_minutes - rng.uniform(*SCAN_EARLY_MINUTES))
        for stop in route.stops
    ]
    if special == LATE:
        times[-1] = started + timedelta(minutes=route.stops[-1].due_within_minutes + 7)
    if special == OUT_OF_ORDER:
        times[1], times[2] = times[2], times[1]
    walked = record(
        rows,
        PatrolRound,
        route_id=route.id,
        expected_round_id=expected.expected_round_id(route.id, window_start),
        guard_id=phone.user_id,
        site_id=route.site_id,
        contractor_id=route.contractor_id,
        status="ended",
        started_at=started,
        ended_at=max(times) + timedelta(minutes=1),
        note="",
        device_id=phone.device_id,
    )
    phone.op(
        started,
        "patrol.start_round",
        {"round_id": str(walked["id"]), "route_id": str(route.id)},
        (walked, "start"),
    )
    for position, (stop, at) in enumerate(zip(route.stops, times, strict=True)):
        manual = special == MANUAL and position == 2
        scan = record(
            rows,
            CheckpointScan,
            round_id=walked["id"],
            checkpoint_id=stop.checkpoint_id,
            payload=stop.code if manual else stop.qr_payload,
            method="manual" if manual else "qr",
            manual_reason=MANUAL_REASON if manual else "",
            guard_id=phone.user_id,
            site_id=route.site_id,
            contractor_id=route.contractor_id,
            claimed_at=at,
            device_id=phone.device_id,
            outcome="",  # judged when the expected round is evaluated
        )
        args: dict[str, Any] = {
            "scan_id": str(scan["id"]),
            "payload": scan["payload"],
            "method": scan["method"],
            "round_id": str(walked["id"]),
        }
        if manual:
            args["manual_reason"] = MANUAL_REASON
        phone.op(at, "patrol.scan_checkpoint", args, (scan, "record"))
    phone.op(
        walked["ended_at"],
        "patrol.end_round",
        {"round_id": str(walked["id"])},
        (walked, "end"),
    )
    return walked


def _incident(
    phone: DemoPhone, route: DemoRoute, walked: Row, translate: Callable[[str], str]
) -> IncidentToOpen:
    stop = route.stops[0]
    actor = Actor(
        phone.user_id, "", "", frozenset({Role.GUARD}), None, route.contractor_id, None, frozenset()
    )
    incident = IncidentToOpen(
        actor,
        uuid.uuid4(),
        walked["id"],
        stop.checkpoint_id,
        "security",
        translate(INCIDENT_TEXT),
    )
    reported = walked["started_at"] + timedelta(minutes=stop.due_within_minutes, seconds=30)
    phone.op(
        reported,
        "patrol.report_incident",
        {
            "incident_id": str(incident.incident_id),
            "category": incident.category,
            "text": incident.text,
            "round_id": str(walked["id"]),
            "checkpoint_id": str(stop.checkpoint_id),
            "open_work_order": True,
        },
        (incident.op, "record"),
        received=reported,  # on the wifi of the lodge: received as it was made
    )
    return incident


def _clock(
    rows: DemoRows,
    rng: random.Random,
    phone: DemoPhone,
    clock_point: ClockPoint,
    contractor_id: uuid.UUID,
    night: date,
    anomaly: bool,
    held: bool,
) -> None:
    """Clock in before 20:00 and out after 06:00 the next morning, at the lodge
    (`anomaly`: the backdated clock in; `held`: the clock-out the phone sent that evening)."""
    zone = ZoneInfo(TIMEZONE)
    came = datetime.combine(night, time(19, 40), zone) + timedelta(minutes=rng.randint(0, 12))
    left = datetime.combine(night + timedelta(days=1), time(6, 35), zone) + timedelta(
        minutes=rng.randint(0, 15)
    )
    for kind, at in (("in", came), ("out", left)):
        claimed, received = at.astimezone(UTC), None
        if claimed > rows.now:
            continue
        if anomaly and kind == "in":
            claimed = datetime.combine(night, BACKDATED_IN, zone).astimezone(UTC)
            received = datetime.combine(night, BACKDATED_IN_SENT, zone).astimezone(UTC)
        if held and kind == "out":  # off the wifi from the clock-out until the evening
            sent = datetime.combine(night + timedelta(days=1), HELD_OUT_SENT, zone)
            phone.offline.append((claimed, sent.astimezone(UTC)))
        event = record(
            rows,
            ClockEvent,
            user_id=phone.user_id,
            contractor_id=contractor_id,
            site_id=clock_point.site_id,
            kind=kind,
            checkpoint_id=clock_point.checkpoint_id,
            payload=clock_point.qr_payload,
            method="qr",
            manual_reason="",
            claimed_at=claimed,
            device_id=phone.device_id,
        )
        phone.op(
            claimed,
            f"attendance.clock_{kind}",
            {"event_id": str(event["id"]), "payload": clock_point.qr_payload, "method": "qr"},
            (event, "record"),
            received=received,
        )


async def finish_nights(session: AsyncSession, nights: Nights, now: datetime) -> None:
    """Apply the nights' incidents through the incident service (which reports their work
    orders, then flagged overdue by the SLA check as the server's job would have), make
    the expected rounds still to come, and judge every round that is due."""
    for incident in nights.incidents:
        op = incident.op
        meta = Meta(
            received_at=op["received_at"],
            claimed_at=op["claimed_at"],
            hlc=op["hlc"],
            op_id=op["op_id"],
            op_hash=op["op_hash"],
        )
        await incidents.report_incident(
            session,
            incident.actor,
            meta,
            incident_id=incident.incident_id,
            category=incident.category,
            text=incident.text,
            photos=[],
            round_id=incident.round_id,
            checkpoint_id=incident.checkpoint_id,
            open_work_order=True,
        )
    await check_slas(session, now)
    await expected.generate(session, now)
    await expected.evaluate_due(session, now)
