"""Who hears about a work order: the team's leads, the desk, the reporter, the assignee."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

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


@dataclass(frozen=True)
class LeadsAndDesk:
    """The leads of some teams and the desk, read once for a run over many orders."""

    leads: dict[uuid.UUID, list[uuid.UUID]]
    desk: list[uuid.UUID]

    def of(self, order: WorkOrder) -> list[uuid.UUID]:
        leads = self.leads.get(order.team_id, []) if order.team_id else []
        return leads + self.desk


async def leads_and_desk(session: AsyncSession, team_ids: set[uuid.UUID]) -> LeadsAndDesk:
    leads: dict[uuid.UUID, list[uuid.UUID]] = {}
    if team_ids:
        rows = await session.execute(
            select(col(User.id), col(User.team_id))
            .join(UserRole, col(UserRole.user_id) == col(User.id))
            .where(
                col(UserRole.role) == Role.TEAM_LEAD,
                col(User.active).is_(True),
                col(User.team_id).in_(team_ids),
            )
        )
        for user_id, team_id in rows.all():
            if team_id is not None:
                leads.setdefault(team_id, []).append(user_id)
    return LeadsAndDesk(leads, await users_with_role(session, Role.DESK))
