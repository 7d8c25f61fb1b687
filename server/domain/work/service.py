"""Listing work orders in scope: a requester sees their department's, a technician their team's."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import OPEN_STATUSES, WorkOrder
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import scope_work_orders
from server.domain.paging import PageRequest
from server.domain.work.schemas import WorkOrderOut


def work_order_out(order: WorkOrder) -> WorkOrderOut:
    return WorkOrderOut(
        id=order.id,
        number=order.number,
        kind=order.kind,
        status=order.status,
        priority=order.priority,
        site_id=order.site_id,
        asset_id=order.asset_id,
        location_id=order.location_id,
        department_id=order.department_id,
        team_id=order.team_id,
        description=order.description,
        reported_at=order.reported_at,
    )


async def search_work_orders(
    session: AsyncSession, actor: Actor, page: PageRequest, *, open_only: bool = False
) -> tuple[Sequence[WorkOrder], int]:
    stmt = scope_work_orders(actor, select(WorkOrder))
    if open_only:
        stmt = stmt.where(col(WorkOrder.status).in_(OPEN_STATUSES))
    total = await session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = await session.scalars(
        stmt.order_by(col(WorkOrder.reported_at).desc()).limit(page.limit).offset(page.offset)
    )
    return rows.all(), total


async def count_work_orders(session: AsyncSession, actor: Actor, *, open_only: bool = False) -> int:
    stmt = scope_work_orders(actor, select(func.count()).select_from(WorkOrder))
    if open_only:
        stmt = stmt.where(col(WorkOrder.status).in_(OPEN_STATUSES))
    return await session.scalar(stmt) or 0


async def recent_for_asset(
    session: AsyncSession, actor: Actor, asset_id: uuid.UUID, *, limit: int = 10
) -> Sequence[WorkOrder]:
    """The asset's latest work orders that the actor may see (a requester: their department's)."""
    stmt = scope_work_orders(actor, select(WorkOrder).where(col(WorkOrder.asset_id) == asset_id))
    rows = await session.scalars(stmt.order_by(col(WorkOrder.reported_at).desc()).limit(limit))
    return rows.all()
