"""Two contractors of the test's own in the demo hospital, each with a month of records
written here (March 2025, clear of the demo's own recent records), a contract with its
indicators and rules, and a manager who signs in.

The security month (all times 12:00 UTC, mid-month, so no time zone moves them out):
* 12 expected rounds: 7 completed; 2 partial (1 and 2 of 5 stops missed, their walks'
  start op hashes "a"*64 and "b"*64); 1 missed (5 stops); 1 still scheduled (not judged);
  1 completed on 1 April (another month).
* 4 incidents, 3 answered; the unanswered one's op hash is "c"*64.
* 4 planned shifts 08:00-16:00; clock-ins at 07:55 on three of them.

The lift month: 3 corrective orders of the contractor's own team, two on one asset eight
days apart (a repeat), one late to arrive (an SLA breach).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db import models as db
from server.db.demo import DEMO_PASSWORD
from server.settings import Settings
from tests.integration.patrol.builders import in_session

MONTH = date(2025, 3, 1)
OP_A, OP_B, OP_C = "a" * 64, "b" * 64, "c" * 64
S = db.ExpectedStatus
K = db.RuleKind


def noon(day: int, month: int = 3) -> datetime:
    return datetime(2025, month, day, 12, tzinfo=UTC)


@dataclass
class World:
    tag: str
    security_id: uuid.UUID = field(default_factory=uuid.uuid4)
    lift_id: uuid.UUID = field(default_factory=uuid.uuid4)
    security_contract: uuid.UUID = field(default_factory=uuid.uuid4)
    lift_contract: uuid.UUID = field(default_factory=uuid.uuid4)
    security_manager: str = ""
    lift_manager: str = ""
    partial_rounds: list[uuid.UUID] = field(default_factory=list)
    missed_round: uuid.UUID = field(default_factory=uuid.uuid4)
    unanswered_incident: uuid.UUID = field(default_factory=uuid.uuid4)
    absent_shift: uuid.UUID = field(default_factory=uuid.uuid4)
    orders: list[uuid.UUID] = field(default_factory=list)


async def _manager(s: AsyncSession, number: str, contractor_id: uuid.UUID, hashed: str) -> None:
    user = db.User(
        employee_no=number, name=f"Manager {number}", password_hash=hashed,
        contractor_id=contractor_id,
    )  # fmt: skip
    s.add(user)
    await s.flush()
    s.add(db.UserRole(user_id=user.id, role=db.Role.CONTRACTOR_MANAGER))


async def _security(s: AsyncSession, w: World, site: db.Site, hashed: str) -> None:
    s.add(
        db.Contractor(
            id=w.security_id, code=f"S{w.tag}", name=f"Guards {w.tag}", service="security"
        )
    )
    await s.flush()  # no relationships: the unit of work does not order the inserts
    route = db.Route(
        code=f"RS-{w.tag}", name="Settlement test round", site_id=site.id,
        contractor_id=w.security_id,
    )  # fmt: skip
    guard = db.User(
        employee_no=f"G{w.tag}", name="Guard", password_hash=hashed, contractor_id=w.security_id
    )
    s.add_all([route, guard])
    await s.flush()
    plan = [(day, S.COMPLETED, 0) for day in range(1, 8)]
    plan += [(8, S.PARTIAL, 1), (9, S.PARTIAL, 2), (10, S.MISSED, 5), (11, S.SCHEDULED, 0)]
    for day, status, missed in plan:
        expected = db.ExpectedRound(
            route_id=route.id, site_id=site.id, contractor_id=w.security_id,
            window_start=noon(day), window_end=noon(day) + timedelta(minutes=15), status=status,
            stops_due=5, stops_missed=missed, stops_on_time=5 - missed,
        )  # fmt: skip
        if status == S.PARTIAL:
            walk = db.PatrolRound(
                route_id=route.id, expected_round_id=expected.id, guard_id=guard.id,
                site_id=site.id, contractor_id=w.security_id, started_at=noon(day),
                start_op_hash=OP_A if day == 8 else OP_B,
            )  # fmt: skip
            s.add(walk)
            await s.flush()
            expected.round_id = walk.id
            w.partial_rounds.append(expected.id)
        if status == S.MISSED:
            expected.id = w.missed_round
        s.add(expected)
    s.add(
        db.ExpectedRound(
            route_id=route.id, site_id=site.id, contractor_id=w.security_id,
            window_start=noon(1, 4), window_end=noon(1, 4), status=S.COMPLETED, stops_due=5,
        )
    )  # fmt: skip
    await s.flush()
    for day in (3, 4, 5, 6):
        answered = day != 6
        s.add(
            db.Incident(
                id=w.unanswered_incident if not answered else uuid.uuid4(),
                site_id=site.id, contractor_id=w.security_id, reported_by_id=guard.id,
                category="door_open", occurred_at=noon(day), received_at=noon(day),
                answered_at=noon(day) + timedelta(hours=1) if answered else None,
                op_hash=OP_C if not answered else "d" * 64,
            )
        )  # fmt: skip
    for day in (2, 3, 4, 5):
        starts = datetime.combine(date(2025, 3, day), time(8), UTC)
        s.add(
            db.PlannedShift(
                id=w.absent_shift if day == 5 else uuid.uuid4(), user_id=guard.id,
                contractor_id=w.security_id, site_id=site.id, day=starts.date(),
                starts_at=starts, ends_at=starts + timedelta(hours=8),
            )
        )  # fmt: skip
        if day != 5:
            at = starts - timedelta(minutes=5)
            s.add(
                db.ClockEvent(
                    user_id=guard.id, contractor_id=w.security_id, site_id=site.id,
                    kind=db.ClockKind.IN, payload="CLOCK", method=db.ScanMethod.QR,
                    claimed_at=at, received_at=at,
                )
            )  # fmt: skip
    s.add(
        db.Contract(
            id=w.security_contract, code=f"CS-{w.tag}", contractor_id=w.security_id,
            service="security", starts_on=date(2025, 1, 1), monthly_fee_cents=10_000_000,
        )
    )  # fmt: skip
    await s.flush()
    for code, weight, target in (
        ("security.round_completion", 3, "0.95"),
        ("security.missed_checkpoints", 1, "5"),
        ("security.incidents_answered", 1, "1"),
        ("security.attendance", 2, "0.98"),
        ("security.patrol_photos", 5, "1"),  # no provider measures it: "not measured"
    ):
        s.add(
            db.ContractIndicator(
                contract_id=w.security_contract, code=code, weight=weight, target=target
            )
        )
    for position, (kind, code, amount, percent, threshold) in enumerate(
        (
            (K.PER_UNIT, "security.missed_checkpoints", 5_000, None, None),
            (K.PERCENT_PER_POINT, "security.round_completion", None, "0.5", "0.95"),
            (K.PERCENT_PER_POINT, "security.attendance", None, "0.25", "0.98"),
            (K.PERCENT_PER_POINT, "security.incidents_answered", None, "0.1", "0.9"),
            (K.MONTHLY_CAP, None, None, "15", None),
        ),
        start=1,
    ):
        s.add(
            db.DeductionRule(
                contract_id=w.security_contract, position=position, kind=kind,
                indicator_code=code, amount_cents=amount, percent=percent, threshold=threshold,
            )
        )  # fmt: skip
    await _manager(s, w.security_manager, w.security_id, hashed)


async def _lifts(s: AsyncSession, w: World, site: db.Site, hashed: str) -> None:
    s.add(db.Contractor(id=w.lift_id, code=f"L{w.tag}", name=f"Lifts {w.tag}", service="lifts"))
    await s.flush()
    team = db.Team(code=f"T{w.tag}", name="Lift crew", trade="lifts", contractor_id=w.lift_id)
    s.add(team)
    await s.flush()
    assets = (
        await s.scalars(select(db.Asset).where(col(db.Asset.site_id) == site.id).limit(2))
    ).all()
    first, second = assets
    # (day, asset, minutes to arrive, minutes to complete, response due after minutes)
    for number, (day, asset, arrive, complete) in enumerate(
        ((2, first, 30, 120), (10, first, 90, 360), (20, second, 60, 240)), start=1
    ):
        reported = datetime(2025, 3, day, 10, tzinfo=UTC)
        order = db.WorkOrder(
            number=f"WO-{w.tag}-{number}", kind=db.WorkOrderKind.CORRECTIVE,
            status=db.WorkOrderStatus.COMPLETED, site_id=site.id, asset_id=asset.id,
            location_id=asset.location_id, team_id=team.id, reported_at=reported,
            dispatched_at=reported, arrived_at=reported + timedelta(minutes=arrive),
            completed_at=reported + timedelta(minutes=complete),
            response_due_at=reported + timedelta(minutes=60),
            resolution_due_at=reported + timedelta(minutes=480),
        )  # fmt: skip
        s.add(order)
        await s.flush()
        w.orders.append(order.id)
    s.add(
        db.Contract(
            id=w.lift_contract, code=f"CL-{w.tag}", contractor_id=w.lift_id, service="lifts",
            starts_on=date(2025, 1, 1), monthly_fee_cents=5_000_000,
        )
    )  # fmt: skip
    await s.flush()
    for code, weight, target in (
        ("maintenance.response_minutes", 1, "30"),
        ("maintenance.repair_minutes", 1, "240"),
        ("maintenance.repeat_faults", 1, "0"),
        ("maintenance.sla_rate", 1, "0.95"),
    ):
        s.add(
            db.ContractIndicator(
                contract_id=w.lift_contract, code=code, weight=weight, target=target
            )
        )
    await _manager(s, w.lift_manager, w.lift_id, hashed)


def build_world(settings: Settings) -> World:
    w = World(uuid.uuid4().hex[:6].upper())
    w.security_manager, w.lift_manager = f"MS{w.tag}", f"ML{w.tag}"
    hashed = PasswordHasher().hash(DEMO_PASSWORD)

    async def build(s: AsyncSession) -> World:
        site = (await s.execute(select(db.Site).where(col(db.Site.code) == "EAST"))).scalar_one()
        await _security(s, w, site, hashed)
        await _lifts(s, w, site, hashed)
        return w

    return in_session(settings, build)
