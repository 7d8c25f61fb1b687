"""Service levels by priority, and the scheduled check that flags and escalates breaches.

Response runs from dispatch to the technician's arrival, resolution from the report to
completion (the limits are `workflow.SLA_MINUTES`). The check runs under a job lease, so
with several workers one of them does it at a time; a breach is flagged once, with an
event on the order and a notification to the team's leads and the desk. A warning goes
out once when a quarter of the time is left.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from server.db.models import Notification, WorkOrder, WorkOrderEvent, WorkOrderStatus
from server.db.types import utcnow
from server.domain.sync.capture import update_rows
from server.domain.work.audience import leads_and_desk, tell
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


def _warning_window(order: WorkOrder) -> timedelta:
    return timedelta(minutes=SLA_MINUTES[order.priority][1] * WARNING_SHARE)


# The longest warning window of any priority: orders due within it are worth a look.
LONGEST_WARNING = timedelta(
    minutes=max(resolve for _, resolve in SLA_MINUTES.values()) * WARNING_SHARE
)


def _worth_a_look(now: datetime) -> ColumnElement[bool]:
    """Open orders late to arrive, or due (or nearly) to be resolved, not yet flagged.

    Years of closed orders sit beside a few dozen open ones, so the status leads (the
    status index), and only these are locked, not every open order.
    """
    late_to_arrive = and_(
        col(WorkOrder.status).in_(NOT_ARRIVED),
        col(WorkOrder.response_due_at) < now,
        col(WorkOrder.response_breached).is_(False),
    )
    nearly_due = and_(
        col(WorkOrder.resolution_due_at) < now + LONGEST_WARNING,
        col(WorkOrder.resolution_breached).is_(False),
    )
    return and_(col(WorkOrder.status).in_(OPEN), or_(late_to_arrive, nearly_due))


async def _already_warned(session: AsyncSession, order_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    if not order_ids:
        return set()
    found = await session.scalars(
        select(col(Notification.work_order_id)).where(
            col(Notification.work_order_id).in_(order_ids),
            col(Notification.kind) == "sla_warning",
        )
    )
    return {order_id for order_id in found if order_id is not None}


async def check_slas(session: AsyncSession, now: datetime) -> SlaReport:
    """Flag and escalate breaches, and warn of orders nearly due, in a fixed number of
    statements however many orders there are: the flags of every order are written in
    one set-based update (`capture.update_rows`, under the lock taken here)."""
    report = SlaReport()
    orders = (
        await session.scalars(
            select(WorkOrder)
            .where(_worth_a_look(now))
            .order_by(col(WorkOrder.id))
            .with_for_update()
        )
    ).all()
    warned = await _already_warned(session, [order.id for order in orders])
    audience = await leads_and_desk(session, {o.team_id for o in orders if o.team_id})
    flags: dict[uuid.UUID, tuple[int, dict[str, Any]]] = {}
    for order in orders:
        response_breached, resolution_breached = order.response_breached, order.resolution_breached
        if (
            order.status in NOT_ARRIVED
            and order.response_due_at is not None
            and order.response_due_at < now
            and not response_breached
        ):
            response_breached = True
            session.add(_event(order, "sla_breach", "response time exceeded", now))
            await tell(
                session,
                audience.of(order),
                "sla_breach",
                "nobody on site yet: response time exceeded",
                order,
            )
            report.response_breaches.append(order.number)
        due = order.resolution_due_at
        if due is not None and not resolution_breached and due < now:
            resolution_breached = True
            session.add(_event(order, "sla_breach", "resolution time exceeded", now))
            await tell(session, audience.of(order), "sla_breach", "resolution time exceeded", order)
            report.resolution_breaches.append(order.number)
        elif (
            due is not None
            and not resolution_breached
            and due - now <= _warning_window(order)
            and order.id not in warned
        ):
            minutes = int((due - now).total_seconds() // 60)
            await tell(
                session, audience.of(order), "sla_warning", f"{minutes} min left to resolve", order
            )
            report.warnings.append(order.number)
        if (response_breached, resolution_breached) != (
            order.response_breached,
            order.resolution_breached,
        ):
            flags[order.id] = (
                order.version,
                {
                    "response_breached": response_breached,
                    "resolution_breached": resolution_breached,
                },
            )
    await session.flush()
    await update_rows(session, WorkOrder, flags)
    return report


async def check_now(
    session_factory: async_sessionmaker[AsyncSession], now: datetime | None = None
) -> SlaReport:
    async with session_factory() as session:
        await session.connection(execution_options={"sqlite_begin": "BEGIN IMMEDIATE"})
        report = await check_slas(session, now or utcnow())
        await session.commit()
        return report
