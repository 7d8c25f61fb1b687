"""Security indicators of a contractor's month, from the patrol and attendance records.

The month is the local month of the contractor's campus (`contractor_zone`), as on the
patrol verification report. Only what the server has judged counts: an expected round
still scheduled or in progress at the time of measuring is left out of the basis.

* `security.round_completion` RATIO: completed rounds / rounds judged (completed,
  partial, missed). Evidence: every round that was not completed.
* `security.missed_checkpoints` COUNT: stops missed over the judged rounds (a missed
  round misses all its stops). Evidence: every round with a missed stop.
* `security.incidents_answered` RATIO: incidents reported in the month that the desk or
  the contractor answered or closed / incidents reported. Evidence: the unanswered ones.
* `security.attendance` RATIO: planned shifts of the month with a clock-in by their
  person between an hour before the shift and its end / planned shifts that have ended.
  Evidence: the shifts nobody clocked in for.
* `security.complaint_count` COUNT: complaints the desk received in the month naming the
  contractor (0 when none did). Evidence: each complaint (a desk record, no op hash).

Evidence carries the op hash of the field op behind the record where there is one (the
round's start, the incident's report); a missed round or an empty shift has no op.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    ClockEvent,
    ClockKind,
    ExpectedRound,
    ExpectedStatus,
    Incident,
    PatrolRound,
    PlannedShift,
    Route,
    User,
)
from server.db.types import utcnow
from server.domain.patrol.month_records import contractor_zone, month_window
from server.domain.scorecards.complaints import complaint_count
from server.domain.scorecards.measures import Evidence, Measure, Unit

JUDGED = (ExpectedStatus.COMPLETED, ExpectedStatus.PARTIAL, ExpectedStatus.MISSED)
EARLY_CLOCK_IN = timedelta(hours=1)


def ratio(good: int, basis: int) -> float | None:
    return good / basis if basis else None


def _local(at: datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M")


async def _rounds(
    session: AsyncSession,
    contractor_id: uuid.UUID,
    window: tuple[datetime, datetime],
    zone: ZoneInfo,
) -> dict[str, Measure]:
    rows = (
        await session.execute(
            select(ExpectedRound, col(Route.code), col(PatrolRound.start_op_hash))
            .join(Route, col(Route.id) == col(ExpectedRound.route_id))
            .outerjoin(PatrolRound, col(PatrolRound.id) == col(ExpectedRound.round_id))
            .where(
                col(ExpectedRound.contractor_id) == contractor_id,
                col(ExpectedRound.window_start) >= window[0],
                col(ExpectedRound.window_start) < window[1],
                col(ExpectedRound.status).in_(JUDGED),
            )
            .order_by(col(ExpectedRound.window_start), col(Route.code))
        )
    ).all()
    completed = sum(row[0].status == ExpectedStatus.COMPLETED for row in rows)
    failed: list[Evidence] = []
    missed_stops: list[Evidence] = []
    for expected, route_code, op_hash in rows:
        when = _local(expected.window_start, zone)
        if expected.status != ExpectedStatus.COMPLETED:
            failed.append(
                Evidence(
                    "expected_round",
                    expected.id,
                    f"Round {when} {route_code}: {expected.status.value}",
                    op_hash or None,
                )
            )
        if expected.stops_missed:
            missed_stops.append(
                Evidence(
                    "expected_round",
                    expected.id,
                    f"Round {when} {route_code}: {expected.stops_missed} of "
                    f"{expected.stops_due} stops missed",
                    op_hash or None,
                )
            )
    return {
        "security.round_completion": Measure(
            ratio(completed, len(rows)), Unit.RATIO, tuple(failed), len(rows)
        ),
        "security.missed_checkpoints": Measure(
            float(sum(row[0].stops_missed for row in rows)) if rows else None,
            Unit.COUNT,
            tuple(missed_stops),
            len(rows),
        ),
    }


async def _incidents(
    session: AsyncSession,
    contractor_id: uuid.UUID,
    window: tuple[datetime, datetime],
    zone: ZoneInfo,
) -> Measure:
    incidents = (
        await session.scalars(
            select(Incident)
            .where(
                col(Incident.contractor_id) == contractor_id,
                col(Incident.occurred_at) >= window[0],
                col(Incident.occurred_at) < window[1],
            )
            .order_by(col(Incident.occurred_at))
        )
    ).all()
    unanswered = [i for i in incidents if i.answered_at is None and i.closed_at is None]
    evidence = tuple(
        Evidence(
            "incident",
            i.id,
            f"Incident {_local(i.occurred_at, zone)} {i.category}: not answered",
            i.op_hash or None,
        )
        for i in unanswered
    )
    return Measure(
        ratio(len(incidents) - len(unanswered), len(incidents)),
        Unit.RATIO,
        evidence,
        len(incidents),
    )


async def _attendance(
    session: AsyncSession,
    contractor_id: uuid.UUID,
    window: tuple[datetime, datetime],
    zone: ZoneInfo,
) -> Measure:
    now = utcnow()
    shifts = (
        await session.execute(
            select(PlannedShift, col(User.employee_no))
            .join(User, col(User.id) == col(PlannedShift.user_id))
            .where(
                col(PlannedShift.contractor_id) == contractor_id,
                col(PlannedShift.starts_at) >= window[0],
                col(PlannedShift.starts_at) < window[1],
                col(PlannedShift.ends_at) <= now,
            )
            .order_by(col(PlannedShift.starts_at), col(User.employee_no))
        )
    ).all()
    if not shifts:
        return Measure(None, Unit.RATIO, (), 0)
    people = {shift.user_id for shift, _ in shifts}
    clock_ins = (
        await session.execute(
            select(col(ClockEvent.user_id), col(ClockEvent.claimed_at)).where(
                col(ClockEvent.user_id).in_(people),
                col(ClockEvent.kind) == ClockKind.IN,
                col(ClockEvent.claimed_at) >= window[0] - EARLY_CLOCK_IN,
                col(ClockEvent.claimed_at) < window[1] + timedelta(days=1),
            )
        )
    ).all()
    absent: list[Evidence] = []
    for shift, employee_no in shifts:
        came = any(
            user == shift.user_id and shift.starts_at - EARLY_CLOCK_IN <= at < shift.ends_at
            for user, at in clock_ins
        )
        if not came:
            absent.append(
                Evidence(
                    "planned_shift",
                    shift.id,
                    f"Shift {_local(shift.starts_at, zone)} {employee_no}: no clock-in",
                )
            )
    return Measure(
        ratio(len(shifts) - len(absent), len(shifts)), Unit.RATIO, tuple(absent), len(shifts)
    )


async def security_measures(
    session: AsyncSession, contractor_id: uuid.UUID, month: date
) -> dict[str, Measure]:
    zone = await contractor_zone(session, contractor_id)
    window = month_window(month, zone)
    measures = await _rounds(session, contractor_id, window, zone)
    measures["security.incidents_answered"] = await _incidents(session, contractor_id, window, zone)
    measures["security.attendance"] = await _attendance(session, contractor_id, window, zone)
    measures["security.complaint_count"] = await complaint_count(session, contractor_id, window)
    return measures
