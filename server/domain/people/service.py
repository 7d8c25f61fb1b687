"""Listing people within the actor's scope."""

from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Contractor, Department, Role, Team, User, UserRole
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import scope_people
from server.domain.paging import PageRequest
from server.domain.people.schemas import PersonOut


async def search_people(
    session: AsyncSession,
    actor: Actor,
    page: PageRequest,
    *,
    query: str = "",
    role: Role | None = None,
    team_id: uuid.UUID | None = None,
) -> tuple[list[PersonOut], int]:
    stmt = scope_people(actor, select(User))
    if query.strip():
        like = f"%{query.strip()}%"
        stmt = stmt.where(or_(col(User.name).ilike(like), col(User.employee_no).ilike(like)))
    if role is not None:
        with_role = select(col(UserRole.user_id)).where(col(UserRole.role) == role)
        stmt = stmt.where(col(User.id).in_(with_role))
    if team_id:
        stmt = stmt.where(col(User.team_id) == team_id)
    total = await session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    users = (
        await session.scalars(
            stmt.order_by(col(User.employee_no)).limit(page.limit).offset(page.offset)
        )
    ).all()
    return await _people_out(session, list(users)), total


async def _names(
    session: AsyncSession, model: type[Team] | type[Contractor] | type[Department]
) -> dict[uuid.UUID, str]:
    rows = await session.execute(select(col(model.id), col(model.name)))
    return dict(rows.all())


async def _people_out(session: AsyncSession, users: list[User]) -> list[PersonOut]:
    roles: dict[uuid.UUID, list[str]] = defaultdict(list)
    ids = [user.id for user in users]
    for user_id, role in await session.execute(
        select(col(UserRole.user_id), col(UserRole.role)).where(col(UserRole.user_id).in_(ids))
    ):
        roles[user_id].append(str(role))
    teams, contractors, departments = (
        await _names(session, Team),
        await _names(session, Contractor),
        await _names(session, Department),
    )
    return [
        PersonOut(
            id=user.id,
            employee_no=user.employee_no,
            name=user.name,
            roles=sorted(roles[user.id]),
            team=teams.get(user.team_id) if user.team_id else None,
            contractor=contractors.get(user.contractor_id) if user.contractor_id else None,
            department=departments.get(user.department_id) if user.department_id else None,
            active=user.active,
        )
        for user in users
    ]


async def count_people(session: AsyncSession, actor: Actor) -> int:
    """Active people the actor may see: a contractor manager's company, a team lead's team."""
    stmt = scope_people(actor, select(func.count()).select_from(User)).where(col(User.active))
    return await session.scalar(stmt) or 0
