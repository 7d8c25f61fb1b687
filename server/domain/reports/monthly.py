"""The monthly report, computed for the work orders REPORTED in a calendar month (UTC).

The rows are the actor's work orders (`scope_work_orders`), optionally narrowed to a
site and a team. Definitions, so a reader can recompute every figure by hand:

* workload: `received` counts the month's orders per team (and per assignee);
  `completed` those whose completion was recorded before the month ended; `open at
  month end` the rest, leaving out cancelled orders.
* response time runs from `dispatched_at` to `arrived_at` (the technician's start),
  repair time from `reported_at` to `completed_at`; orders missing either end are not
  measured. Median and 90th percentile by the nearest-rank method (`stats`).
* SLA: an order is assessed once it is completed (and has a due time) or is flagged
  as breached. It complies when it arrived by `response_due_at` and was completed by
  `resolution_due_at` (a leg without a due time counts as met) and neither breach flag
  is set.
* repeat repairs: a corrective order on an asset that had another corrective order
  reported in the 30 days before it (the earlier one may be in the previous month).
* cost per department: labour plus parts (`cost_cents`) of the month's orders, per
  the ordering department, most expensive first. Only accepted lines count: a late
  line, or one from someone who may not bill the order, is charged once the desk
  accepts it, and never when the desk declines it.
* satisfaction: the month's ratings, "not fixed" answers, and callbacks opened on the
  month's orders with the outcomes recorded so far.
* complaints and enquiries (not work orders: `reports.enquiries`): those received in
  the month, how many of them were answered and closed before it ended, and the median
  minutes from receipt to answer.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    Asset,
    Callback,
    Department,
    LabourLine,
    LineBilling,
    PartLine,
    Team,
    User,
    WorkOrder,
)
from server.db.models.work import WorkOrderKind, WorkOrderStatus
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import scope_work_orders
from server.domain.reports.enquiries import enquiry_lines
from server.domain.reports.schemas import (
    DepartmentCost,
    DurationStats,
    MonthlyReport,
    RepeatRepair,
    Satisfaction,
    SlaLine,
    WorkloadLine,
)
from server.domain.reports.stats import nearest_rank, share
from server.errors import InvalidInput

REPEAT_WINDOW = timedelta(days=30)
PERCENTILE_METHOD = "nearest-rank: the value at rank ceil(p/100*n) of the sorted values"
CALLBACK_OUTCOMES = ("reopen", "explained", "escalated")


def parse_month(text: str | None, today: date | None = None) -> date:
    """ "2031-03" -> 2031-03-01; no text means the current month (UTC)."""
    if not text:
        now = today or datetime.now(UTC).date()
        return now.replace(day=1)
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        raise InvalidInput("The month is written YYYY-MM, e.g. 2031-03.", field="month") from None


def month_bounds(month: date) -> tuple[datetime, datetime]:
    start = datetime(month.year, month.month, 1, tzinfo=UTC)
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return start, datetime(following.year, following.month, 1, tzinfo=UTC)


def _minutes(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None or end < start:
        return None
    return round((end - start).total_seconds() / 60, 1)


def _durations(values: Iterable[float | None]) -> DurationStats:
    measured = [v for v in values if v is not None]
    return DurationStats(len(measured), nearest_rank(measured, 50), nearest_rank(measured, 90))


def _done_by(order: WorkOrder, end: datetime) -> bool:
    return order.completed_at is not None and order.completed_at < end


def _workload(
    orders: Sequence[WorkOrder], key: str, names: dict[uuid.UUID, str], end: datetime
) -> list[WorkloadLine]:
    groups: dict[uuid.UUID | None, list[WorkOrder]] = defaultdict(list)
    for order in orders:
        groups[getattr(order, key)].append(order)
    lines = [
        WorkloadLine(
            id=group_id,
            name=names.get(group_id, "") if group_id is not None else "",
            received=len(rows),
            completed=sum(_done_by(o, end) for o in rows),
            open_at_month_end=sum(
                not _done_by(o, end) and o.status != WorkOrderStatus.CANCELLED for o in rows
            ),
        )
        for group_id, rows in groups.items()
    ]
    return sorted(lines, key=lambda line: (line.id is None, -line.received, line.name))


def _assessed(order: WorkOrder) -> bool:
    if order.response_breached or order.resolution_breached:
        return True
    has_due = order.response_due_at is not None or order.resolution_due_at is not None
    return has_due and order.completed_at is not None


def _complies(order: WorkOrder) -> bool:
    if order.response_breached or order.resolution_breached:
        return False
    response_met = order.response_due_at is None or (
        order.arrived_at is not None and order.arrived_at <= order.response_due_at
    )
    resolution_met = order.resolution_due_at is None or (
        order.completed_at is not None and order.completed_at <= order.resolution_due_at
    )
    return response_met and resolution_met


def _sla(orders: Sequence[WorkOrder]) -> list[SlaLine]:
    assessed = [o for o in orders if _assessed(o)]
    lines: list[SlaLine] = []
    for priority in sorted({o.priority for o in assessed}):
        rows = [o for o in assessed if o.priority == priority]
        ok = sum(_complies(o) for o in rows)
        lines.append(SlaLine(priority, len(rows), ok, share(ok, len(rows))))
    ok = sum(_complies(o) for o in assessed)
    lines.append(SlaLine(None, len(assessed), ok, share(ok, len(assessed))))
    return lines


async def _repeats(
    session: AsyncSession, actor: Actor, orders: Sequence[WorkOrder], start: datetime
) -> list[RepeatRepair]:
    corrective = [o for o in orders if o.kind == WorkOrderKind.CORRECTIVE and o.asset_id]
    if not corrective:
        return []
    asset_ids = {o.asset_id for o in corrective}
    earlier_stmt = scope_work_orders(
        actor,
        select(WorkOrder).where(
            col(WorkOrder.kind) == WorkOrderKind.CORRECTIVE,
            col(WorkOrder.asset_id).in_(asset_ids),
            col(WorkOrder.reported_at) >= start - REPEAT_WINDOW,
        ),
    )
    candidates = (await session.execute(earlier_stmt)).scalars().all()
    assets = {
        a.id: a
        for a in (await session.execute(select(Asset).where(col(Asset.id).in_(asset_ids))))
        .scalars()
        .all()
    }
    repeats: list[RepeatRepair] = []
    for order in sorted(corrective, key=lambda o: (o.reported_at, o.number)):
        before = [
            c
            for c in candidates
            if c.asset_id == order.asset_id
            and c.id != order.id
            and order.reported_at - REPEAT_WINDOW <= c.reported_at < order.reported_at
        ]
        if not before:
            continue
        previous = max(before, key=lambda c: c.reported_at)
        asset = assets.get(order.asset_id) if order.asset_id else None
        repeats.append(
            RepeatRepair(
                asset_id=previous.asset_id or order.asset_id or uuid.UUID(int=0),
                asset_name=asset.name if asset else "",
                asset_tag=asset.tag_code if asset else "",
                number=order.number,
                previous_number=previous.number,
                days_apart=round(
                    (order.reported_at - previous.reported_at).total_seconds() / 86400, 1
                ),
            )
        )
    return repeats


async def _line_costs(
    session: AsyncSession, model: type[LabourLine] | type[PartLine], ids: Select[Any]
) -> dict[uuid.UUID, int]:
    stmt = (
        select(col(model.work_order_id), func.coalesce(func.sum(col(model.cost_cents)), 0))
        .where(col(model.work_order_id).in_(ids), col(model.billing) == LineBilling.ACCEPTED)
        .group_by(col(model.work_order_id))
    )
    return {row[0]: int(row[1]) for row in (await session.execute(stmt)).all()}


async def _costs(
    session: AsyncSession, orders: Sequence[WorkOrder], ids: Select[Any]
) -> list[DepartmentCost]:
    labour = await _line_costs(session, LabourLine, ids)
    parts = await _line_costs(session, PartLine, ids)
    departments = {d.id: d for d in (await session.execute(select(Department))).scalars().all()}
    sums: dict[uuid.UUID | None, list[int]] = defaultdict(lambda: [0, 0, 0])
    for order in orders:
        entry = sums[order.department_id]
        entry[0] += 1
        entry[1] += labour.get(order.id, 0)
        entry[2] += parts.get(order.id, 0)
    lines = []
    for department_id, (count, labour_cents, parts_cents) in sums.items():
        department = departments.get(department_id) if department_id else None
        lines.append(
            DepartmentCost(
                department_id=department_id,
                code=department.code if department else "",
                name=department.name if department else "",
                cost_centre=department.cost_centre if department else "",
                orders=count,
                labour_cents=labour_cents,
                parts_cents=parts_cents,
                total_cents=labour_cents + parts_cents,
            )
        )
    return sorted(lines, key=lambda line: (-line.total_cents, line.code))


async def _satisfaction(
    session: AsyncSession, orders: Sequence[WorkOrder], ids: Select[Any]
) -> Satisfaction:
    ratings = [o.rating for o in orders if o.rating is not None]
    answers = [o.fixed for o in orders if o.fixed is not None]
    not_fixed = sum(not answer for answer in answers)
    callbacks = (
        (await session.execute(select(Callback).where(col(Callback.work_order_id).in_(ids))))
        .scalars()
        .all()
    )
    outcomes = Counter(c.outcome for c in callbacks if c.outcome)
    counts = Counter(ratings)
    return Satisfaction(
        ratings=len(ratings),
        average=round(sum(ratings) / len(ratings), 2) if ratings else None,
        distribution={str(score): counts.get(score, 0) for score in range(1, 6)},
        fixed_answers=len(answers),
        not_fixed=not_fixed,
        not_fixed_share=share(not_fixed, len(answers)),
        callbacks_opened=len(callbacks),
        callbacks_open=sum(c.status == "open" for c in callbacks),
        callback_outcomes={name: outcomes.get(name, 0) for name in CALLBACK_OUTCOMES},
    )


async def _names(session: AsyncSession, model: type[Team] | type[User]) -> dict[uuid.UUID, str]:
    rows = (await session.execute(select(col(model.id), col(model.name)))).all()
    return {row[0]: row[1] for row in rows}


async def monthly_report(
    session: AsyncSession,
    actor: Actor,
    month: date,
    site_id: uuid.UUID | None = None,
    team_id: uuid.UUID | None = None,
) -> MonthlyReport:
    """The report for the orders reported in `month` (its first day) that `actor` sees."""
    start, end = month_bounds(month)
    conditions = [col(WorkOrder.reported_at) >= start, col(WorkOrder.reported_at) < end]
    if site_id is not None:
        conditions.append(col(WorkOrder.site_id) == site_id)
    if team_id is not None:
        conditions.append(col(WorkOrder.team_id) == team_id)
    ids = scope_work_orders(actor, select(col(WorkOrder.id)).where(*conditions))
    orders_stmt = scope_work_orders(actor, select(WorkOrder).where(*conditions))
    orders = (
        (await session.execute(orders_stmt.order_by(col(WorkOrder.reported_at)))).scalars().all()
    )
    return MonthlyReport(
        month=f"{month.year:04d}-{month.month:02d}",
        period_start=start,
        period_end=end,
        site_id=site_id,
        team_id=team_id,
        orders=len(orders),
        percentile_method=PERCENTILE_METHOD,
        teams=_workload(orders, "team_id", await _names(session, Team), end),
        technicians=_workload(orders, "assignee_id", await _names(session, User), end),
        response_time=_durations(_minutes(o.dispatched_at, o.arrived_at) for o in orders),
        repair_time=_durations(_minutes(o.reported_at, o.completed_at) for o in orders),
        sla=_sla(orders),
        repeat_repairs=await _repeats(session, actor, orders, start),
        costs=await _costs(session, orders, ids),
        satisfaction=await _satisfaction(session, orders, ids),
        enquiries=await enquiry_lines(session, actor, start, end, site_id),
    )
