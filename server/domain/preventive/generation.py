"""Opening the work orders of due maintenance plans.

Scheduled work is done in the name of a system actor: the first active administrator
(by employee number), loaded as an ordinary `Actor`. Its events therefore name a real
account an auditor can look up, carry no device, and say in their detail which plan
scheduled them. With no active administrator nothing is generated (and it is logged).

`generate_due` is idempotent for a day: a plan's `next_due` moves past `today` in the
same transaction that opens its orders, and an asset that still has an open order from
the plan gets no second one. The background loop runs it under a job lease, so with
several workers only one generates.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from server.db.models import (
    OPEN_STATUSES,
    Asset,
    AssetStatus,
    PmPlan,
    PmPlanOrder,
    Role,
    User,
    UserRole,
    WorkOrder,
    WorkOrderKind,
)
from server.db.types import utcnow
from server.domain.accounts.actor import Actor
from server.domain.accounts.service import load_actor
from server.domain.work import workflow as wf

log = logging.getLogger(__name__)
JOB_NAME = "pm-generation"


async def system_actor(session: AsyncSession) -> Actor | None:
    """The actor scheduled work is recorded under: the first active administrator."""
    user_id = await session.scalar(
        select(col(User.id))
        .join(UserRole, col(UserRole.user_id) == col(User.id))
        .where(col(UserRole.role) == Role.ADMIN, col(User.active).is_(True))
        .order_by(col(User.employee_no))
        .limit(1)
    )
    return await load_actor(session, user_id) if user_id is not None else None


async def _plan_assets(session: AsyncSession, plan: PmPlan) -> list[Asset]:
    if plan.asset_id is not None:
        asset = await session.get(Asset, plan.asset_id)
        return [asset] if asset is not None and asset.status != AssetStatus.RETIRED else []
    if not plan.category:
        return []
    stmt = select(Asset).where(
        col(Asset.category) == plan.category, col(Asset.status) == AssetStatus.IN_SERVICE
    )
    if plan.site_id is not None:
        stmt = stmt.where(col(Asset.site_id) == plan.site_id)
    return list(await session.scalars(stmt.order_by(col(Asset.tag_code))))


async def _has_open_order(session: AsyncSession, plan_id: uuid.UUID, asset_id: uuid.UUID) -> bool:
    found = await session.scalar(
        select(col(PmPlanOrder.id))
        .join(WorkOrder, col(WorkOrder.id) == col(PmPlanOrder.work_order_id))
        .where(
            col(PmPlanOrder.plan_id) == plan_id,
            col(PmPlanOrder.asset_id) == asset_id,
            col(WorkOrder.status).in_(OPEN_STATUSES),
        )
        .limit(1)
    )
    return found is not None


def next_due_after(due: date, interval_days: int, today: date) -> date:
    """`due` advanced by whole intervals until it is after `today`."""
    step = timedelta(days=max(1, interval_days))
    while due <= today:
        due += step
    return due


async def generate_due(
    session: AsyncSession, today: date, *, actor: Actor | None = None
) -> list[WorkOrder]:
    """Open the orders of every active plan due on or before `today`; flushes, the caller
    commits. Returns the orders opened."""
    actor = actor or await system_actor(session)
    if actor is None:
        log.warning("No active administrator: planned maintenance is not generated.")
        return []
    plans = await session.scalars(
        select(PmPlan)
        .where(col(PmPlan.active).is_(True), col(PmPlan.next_due) <= today)
        .order_by(col(PmPlan.next_due), col(PmPlan.name))
        .with_for_update()
    )
    opened: list[WorkOrder] = []
    meta = wf.Meta()
    for plan in list(plans):
        kind = WorkOrderKind.INSPECTION if plan.checklist_id else WorkOrderKind.PREVENTIVE
        for asset in await _plan_assets(session, plan):
            if await _has_open_order(session, plan.id, asset.id):
                continue
            order = await wf.create_planned(
                session,
                actor,
                meta,
                asset=asset,
                kind=kind,
                description=f"{plan.name} (plan due {plan.next_due.isoformat()})",
                priority=plan.priority,
                team_id=plan.team_id,
            )
            session.add(
                PmPlanOrder(
                    plan_id=plan.id, work_order_id=order.id, asset_id=asset.id, due_on=plan.next_due
                )
            )
            opened.append(order)
        plan.next_due = next_due_after(plan.next_due, plan.interval_days, today)
        plan.updated_at = meta.received_at
    await session.flush()
    return opened


async def generate_now(
    session_factory: async_sessionmaker[AsyncSession], today: date | None = None
) -> list[WorkOrder]:
    """One generation run in its own transaction."""
    async with session_factory() as session:
        opened = await generate_due(session, today or utcnow().date())
        await session.commit()
    if opened:
        log.info("Planned maintenance opened %d work orders.", len(opened))
    return opened
