"""Who hears about a work order: the team's leads, the desk, the reporter, the assignee."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Role, User, UserRole, WorkOrder
from server.domain.notify.service import notify


async def users_with_role(
    session: AsyncSession, role: Role, team_id: uuid.UUID | None = None
) -> list[uuid.UUID]:
    stmt = (
        select(col(User.id))
        .join(UserRole, col(UserRole.user_id) == col(User.id))
        .where(col(UserRole.role) == role, col(User.active).is_(True))
    )
    if team_id is not None:
        stmt = stmt.where(col(User.team_id) == team_id)
    return list((await session.scalars(stmt)).all())


async def tell(
    session: AsyncSession,
    user_ids: list[uuid.UUID],
    kind: str,
    title: str,
    order: WorkOrder,
    body: str = "",
) -> None:
    if user_ids:
        await notify(
            session,
            user_ids,
            kind,
            f"{order.number}: {title}",
            body or order.description[:300],
            url=f"/app/#/orders/{order.id}",
            work_order_id=order.id,
        )


async def tell_leads_and_desk(
    session: AsyncSession, order: WorkOrder, kind: str, title: str
) -> None:
    leads = await users_with_role(session, Role.TEAM_LEAD, order.team_id) if order.team_id else []
    await tell(session, leads + await users_with_role(session, Role.DESK), kind, title, order)
