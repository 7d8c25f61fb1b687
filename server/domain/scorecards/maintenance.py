"""Maintenance indicators of an outside contractor, from the work orders of its teams
(`Team.contractor_id`) reported in the calendar month (UTC), as the monthly report counts
them (server/domain/reports/monthly.py: the same time legs, SLA test and 30-day window).

* `maintenance.response_minutes` MINUTES: the MEDIAN (nearest rank) of dispatch to arrival.
* `maintenance.repair_minutes` MINUTES: the MEDIAN (nearest rank) of report to completion.
  Medians, not means, so one order left open over a weekend does not swamp the month.
* `maintenance.repeat_faults` COUNT: corrective orders on an asset that had another
  corrective order of the contractor's teams reported in the 30 days before.
* `maintenance.sla_rate` RATIO: compliant / assessed orders, the monthly report's test.

Evidence: the orders behind each figure (the slowest first for times, the breaches for
the SLA, the repeats with the order they repeat), with the op hash of the phone's
completion op where the order was completed from the field.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import SyncOp, Team, WorkOrder, WorkOrderEvent
from server.db.models.work import WorkOrderKind
from server.domain.reports.monthly import (
    REPEAT_WINDOW,
    _assessed,
    _complies,
    _minutes,
    month_bounds,
)
from server.domain.reports.stats import nearest_rank
from server.domain.scorecards.measures import Evidence, Measure, Unit

EVIDENCE_TIMES = 10  # the slowest orders quoted for a time indicator


async def _completion_hashes(
    session: AsyncSession, order_ids: list[uuid.UUID]
) -> dict[uuid.UUID, str]:
    if not order_ids:
        return {}
    rows = await session.execute(
        select(col(WorkOrderEvent.work_order_id), col(SyncOp.op_hash))
        .join(SyncOp, col(SyncOp.op_id) == col(WorkOrderEvent.op_id))
        .where(
            col(WorkOrderEvent.work_order_id).in_(order_ids),
            col(WorkOrderEvent.to_status) == "completed",
        )
    )
    return {row[0]: row[1] for row in rows}


def _times(orders: list[WorkOrder], hashes: dict[uuid.UUID, str], leg: str) -> Measure:
    timed = []
    for order in orders:
        if leg == "response":
            minutes = _minutes(order.dispatched_at, order.arrived_at)
        else:
            minutes = _minutes(order.reported_at, order.completed_at)
        if minutes is not None:
            timed.append((minutes, order))
    timed.sort(key=lambda pair: (-pair[0], pair[1].number))
    evidence = tuple(
        Evidence(
            "work_order",
            order.id,
            f"{order.number}: {leg} {minutes:g} min",
            hashes.get(order.id),
        )
        for minutes, order in timed[:EVIDENCE_TIMES]
    )
    return Measure(nearest_rank([m for m, _ in timed], 50), Unit.MINUTES, evidence, len(timed))


async def maintenance_measures(
    session: AsyncSession, contractor_id: uuid.UUID, month: date
) -> dict[str, Measure]:
    start, end = month_bounds(month)
    teams = select(col(Team.id)).where(col(Team.contractor_id) == contractor_id)
    orders = list(
        (
            await session.scalars(
                select(WorkOrder)
                .where(
                    col(WorkOrder.team_id).in_(teams),
                    col(WorkOrder.reported_at) >= start,
                    col(WorkOrder.reported_at) < end,
                )
                .order_by(col(WorkOrder.reported_at), col(WorkOrder.number))
            )
        ).all()
    )
    hashes = await _completion_hashes(session, [o.id for o in orders])
    assessed = [o for o in orders if _assessed(o)]
    breaches = [o for o in assessed if not _complies(o)]
    sla = Measure(
        (len(assessed) - len(breaches)) / len(assessed) if assessed else None,
        Unit.RATIO,
        tuple(
            Evidence("work_order", o.id, f"{o.number}: SLA not met", hashes.get(o.id))
            for o in breaches
        ),
        len(assessed),
    )
    corrective = [o for o in orders if o.kind == WorkOrderKind.CORRECTIVE and o.asset_id]
    earlier = (
        (
            await session.scalars(
                select(WorkOrder).where(
                    col(WorkOrder.team_id).in_(teams),
                    col(WorkOrder.kind) == WorkOrderKind.CORRECTIVE,
                    col(WorkOrder.asset_id).in_({o.asset_id for o in corrective}),
                    col(WorkOrder.reported_at) >= start - REPEAT_WINDOW,
                    col(WorkOrder.reported_at) < end,
                )
            )
        ).all()
        if corrective
        else []
    )
    repeats: list[Evidence] = []
    for order in corrective:
        before = [
            c
            for c in earlier
            if c.asset_id == order.asset_id
            and c.id != order.id
            and order.reported_at - REPEAT_WINDOW <= c.reported_at < order.reported_at
        ]
        if before:
            previous = max(before, key=lambda c: c.reported_at)
            repeats.append(
                Evidence(
                    "work_order",
                    order.id,
                    f"{order.number}: same asset as {previous.number}, "
                    f"{(order.reported_at - previous.reported_at).days} days before",
                    hashes.get(order.id),
                )
            )
    return {
        "maintenance.response_minutes": _times(orders, hashes, "response"),
        "maintenance.repair_minutes": _times(orders, hashes, "repair"),
        "maintenance.repeat_faults": Measure(
            float(len(repeats)) if orders else None, Unit.COUNT, tuple(repeats), len(corrective)
        ),
        "maintenance.sla_rate": sla,
    }
