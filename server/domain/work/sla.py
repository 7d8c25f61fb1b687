"""Service levels by priority, and the scheduled check that flags and escalates breaches.

Response runs from dispatch to the technician's arrival, resolution from the report to
completion (the limits are `workflow.SLA_MINUTES`). The check runs under a job lease, so
with several workers one of them does it at a time; a breach is flagged once, with an
event on the order and a notification to the team's leads and the desk. A warning goes
out once when a quarter of the time is left.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from server.db.models import Notification, WorkOrder, WorkOrderEvent, WorkOrderStatus
from server.db.types import utcnow
from server.domain.work.audience import tell_leads_and_desk
from server.domain.work.states import OPEN
from server.domain.work.workflow import SLA_MINUTES

NOT_ARRIVED = frozenset(
    {WorkOrderStatus.DISPATCHED, WorkOrderStatus.ACCEPTED_BY_TEAM, WorkOrderStatus.ACCEPTED}
)
WARNING_SHARE = 0.25
log = logging.getLogger("rounds.sla")


@dataclass
class SlaReport:
    response_breaches: list[str] = field(default_factory=list)
    resolution_breaches: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _event(order: WorkOrder, action: str, detail: str, now: datetime) -> WorkOrderEvent:
    return WorkOrderEvent(
        work_order_id=order.id, action=action, received_at=now, claimed_at=now, detail=detail
    )


async def _warned(session: AsyncSession, order: WorkOrder) -> bool:
    found = await session.scalar(
        select(col(Notification.id))
        .where(col(Notification.work_order_id) == order.id, col(Notification.kind) == "sla_warning")
        .limit(1)
    )
    return found is not None


def _warning_window(order: WorkOrder) -> timedelta:
    return timedelta(minutes=SLA_MINUTES[order.priority][1] * WARNING_SHARE)


async def check_slas(session: AsyncSession, now: datetime) -> SlaReport:
    report = SlaReport()
    orders = (
        await session.scalars(
            select(WorkOrder).where(col(WorkOrder.status).in_(OPEN)).with_for_update()
        )
    ).all()
    for order in orders:
        if (
            order.status in NOT_ARRIVED
            and order.response_due_at is not None
            and order.response_due_at < now
            and not order.response_breached
        ):
            order.response_breached = True
            session.add(_event(order, "sla_breach", "response time exceeded", now))
            await tell_leads_and_desk(
                session, order, "sla_breach", "nobody on site yet: response time exceeded"
            )
            report.response_breaches.append(order.number)
        due = order.resolution_due_at
        if due is None or order.resolution_breached:
            continue
        if due < now:
            order.resolution_breached = True
            session.add(_event(order, "sla_breach", "resolution time exceeded", now))
            await tell_leads_and_desk(session, order, "sla_breach", "resolution time exceeded")
            report.resolution_breaches.append(order.number)
        elif due - now <= _warning_window(order) and not await _warned(session, order):
            minutes = int((due - now).total_seconds() // 60)
            await tell_leads_and_desk(
                session, order, "sla_warning", f"{minutes} min left to resolve"
            )
            report.warnings.append(order.number)
    await session.flush()
    return report


async def check_now(
    session_factory: async_sessionmaker[AsyncSession], now: datetime | None = None
) -> SlaReport:
    async with session_factory() as session:
        await session.connection(execution_options={"sqlite_begin": "BEGIN IMMEDIATE"})
        report = await check_slas(session, now or utcnow())
        await session.commit()
        return report
