"""The lift contractor's work orders: what the LIFT-2026 scorecard measures.

Apex's technician T0004 (team Lifts, whose `Team.contractor_id` is Apex) takes every lift
fault the desk dispatches. The orders are added after the in-house history, from their
own random stream, so the rest of the demo stays as it was; they go through the same
`History` (events with who and when, labour, rating, callback) and take the next numbers
of their year, so they look like the others on the desk.

In the demo month (the month before the current one, the month a settlement is worked
on) one lift fails three times within 30 days (two repeat faults), one order is reached
late and another fixed late (two SLA misses). The others, on other lifts, are spread
over the last 40 days and meet their SLA; the latest one is still being worked on.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from server.db.demo.assets import PlacedAsset
from server.db.demo.history import LIFT_ASSIGNEES, LOOP, History, OrderPlan
from server.db.demo.names import LIFTS
from server.db.demo.rows import DemoRows
from server.db.demo.work import WorkDesk
from server.db.models import AssetStatus, WorkOrder, WorkOrderKind, WorkOrderStatus
from server.domain.work.workflow import SLA_MINUTES

LATE_RESPONSE, LATE_REPAIR = "response", "repair"
# The demo month's orders: (day of the month, priority, the SLA leg missed, on the lift
# that keeps failing). Lift faults are urgent: priority 1 or 2 only.
MONTH_ORDERS: tuple[tuple[int, int, str | None, bool], ...] = (
    (3, 2, None, True),
    (8, 1, LATE_REPAIR, False),
    (12, 2, None, True),
    (17, 2, None, False),
    (24, 2, LATE_RESPONSE, True),
)
RECENT_ORDERS = (4, 8)  # how many more, on other lifts, over the last 40 days
RECENT_DAYS = 40
_FINISHED_WEIGHTS = {WorkOrderStatus.CLOSED: 70, WorkOrderStatus.CONFIRMED: 30}
_NODES = {WorkOrderStatus.CLOSED: 7, WorkOrderStatus.CONFIRMED: 6, WorkOrderStatus.IN_PROGRESS: 4}


def build_lift_orders(
    rows: DemoRows, rng: random.Random, assets: list[PlacedAsset], desk: WorkDesk
) -> None:
    """`rng` is the lifts' own stream; nothing is added when the hospital has no lift."""
    lifts = [
        asset
        for asset in assets
        if asset.equipment.trade == LIFTS and asset.status is not AssetStatus.RETIRED
    ]
    if not lifts:
        return
    # The month's lifts and the recent ones apart, so no repeat fault comes by chance.
    month_lifts = lifts[: 1 + len(MONTH_ORDERS)]
    recent_lifts = lifts[len(month_lifts) :] or lifts
    plans = _month_plans(rng, rows.now, month_lifts) + _recent_plans(rng, rows.now, recent_lifts)
    plans.sort(key=lambda entry: entry[0])
    history = History(rows, rng, desk.cast, LIFT_ASSIGNEES)
    for reported_at, plan in plans:
        plan.age = (rows.now - reported_at).total_seconds() / 60
        desk.sequence_by_year[reported_at.year] += 1
        values = history.order_values(plan, reported_at)
        rows.entity(
            WorkOrder,
            number=f"WO-{reported_at.year}-{desk.sequence_by_year[reported_at.year]:06d}",
            kind=plan.kind.value,
            priority=plan.priority,
            site_id=plan.asset.place.site_id,
            asset_id=plan.asset.id,
            location_id=plan.asset.place.id,
            department_id=plan.asset.place.department_id,
            team_id=plan.asset.team_id,
            description=plan.description,
            **values,
        )


def _month_plans(
    rng: random.Random, now: datetime, lifts: list[PlacedAsset]
) -> list[tuple[datetime, OrderPlan]]:
    """The demo month's orders; the first lift is the one that keeps failing."""
    failing, others = lifts[0], lifts[1:] or lifts
    month_start = _demo_month_start(now)
    fault = rng.choice(failing.equipment.faults)
    on_others = iter(_spread(rng, others, len(MONTH_ORDERS)))
    plans = []
    for day, priority, late, on_failing in MONTH_ORDERS:
        lift = failing if on_failing else next(on_others)
        reported_at = month_start + timedelta(days=day - 1, minutes=rng.uniform(-8, 8) * 60)
        description = fault if on_failing else rng.choice(lift.equipment.faults)
        plans.append((reported_at, _plan(rng, lift, priority, _weighted(rng), late, description)))
    return plans


def _recent_plans(
    rng: random.Random, now: datetime, lifts: list[PlacedAsset]
) -> list[tuple[datetime, OrderPlan]]:
    """Orders on time over the last 40 days; the latest one is still being worked on."""
    count = rng.randint(*RECENT_ORDERS)
    plans = []
    for number, lift in enumerate(_spread(rng, lifts, count)):
        latest = number == count - 1
        # The latest was reported long enough ago (90 min) for the technician to be there.
        ago = rng.uniform(90, 180) if latest else rng.uniform(2 * 24 * 60, RECENT_DAYS * 24 * 60)
        status = WorkOrderStatus.IN_PROGRESS if latest else _weighted(rng)
        description = rng.choice(lift.equipment.faults)
        plan = _plan(rng, lift, rng.choice((1, 2)), status, None, description)
        plans.append((now - timedelta(minutes=ago), plan))
    return plans


def _plan(
    rng: random.Random,
    lift: PlacedAsset,
    priority: int,
    status: WorkOrderStatus,
    late: str | None,
    description: str,
) -> OrderPlan:
    """The loop's times of one corrective lift order: on time unless `late` names a leg.

    On time means within the SLA for sure: at most 10 + 0.9 x the response minutes to
    arrive, and the repair done by 0.8 x the resolution minutes unless the work runs on.
    """
    respond, resolve = SLA_MINUTES[priority]
    chain = {"dispatch": rng.uniform(2, 10)}
    travel = respond * (rng.uniform(1.3, 2.0) if late == LATE_RESPONSE else rng.uniform(0.3, 0.9))
    chain["start"] = chain["dispatch"] + travel
    chain["assign"] = chain["dispatch"] + travel * rng.uniform(0.05, 0.3)
    chain["accept"] = chain["assign"] + (chain["start"] - chain["assign"]) * rng.uniform(0.1, 0.6)
    work = rng.uniform(30, 150)
    target = resolve * (rng.uniform(1.15, 1.6) if late == LATE_REPAIR else rng.uniform(0.2, 0.8))
    chain["complete"] = max(chain["start"] + work, target)
    chain["confirm"] = chain["complete"] + rng.uniform(5, 240)
    chain["rate"] = chain["confirm"] + rng.uniform(5, 600)
    nodes = LOOP[: _NODES[status]]
    return OrderPlan(
        status=status,
        asset=lift,
        priority=priority,
        kind=WorkOrderKind.CORRECTIVE,
        is_open=status is WorkOrderStatus.IN_PROGRESS,
        description=description,
        offsets={node: chain[node] for node in nodes},
        work_minutes=work,
    )


def _spread(rng: random.Random, lifts: list[PlacedAsset], count: int) -> list[PlacedAsset]:
    """`count` lifts, all different while there are enough of them."""
    chosen = rng.sample(lifts, k=min(count, len(lifts)))
    return chosen + [rng.choice(lifts) for _ in range(count - len(chosen))]


def _weighted(rng: random.Random) -> WorkOrderStatus:
    return rng.choices(list(_FINISHED_WEIGHTS), weights=list(_FINISHED_WEIGHTS.values()))[0]


def _demo_month_start(now: datetime) -> datetime:
    """The demo month's first day at the time of day it is now: whole days before now, so
    a hospital built twice has its orders at the same ages (as the rest of the demo)."""
    first = (now.date().replace(day=1) - timedelta(days=1)).replace(day=1)
    return now - timedelta(days=(now.date() - first).days)
