"""Listing people within the actor's scope."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Contractor, Department, Role, Team, User, UserRole, UserSite
from server.db.types import utcnow
from server.domain.accounts.actor import Actor
from server.domain.accounts.passwords import MIN_PASSWORD_LENGTH, hash_in_thread
from server.domain.accounts.policy import scope_people
from server.domain.paging import PageRequest
from server.domain.people.schemas import PersonOut
from server.errors import InvalidInput, NotFound


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


# An imported account has no password until an admin sets one (`rounds user password`):
# not a valid hash, so no password verifies against it.
NO_PASSWORD = "!imported"  # noqa: S105 - a marker that is not a hash, not a password


@dataclass(frozen=True)
class Links:
    """A person's roles and sites, as `user_role` and `user_site` rows hold them."""

    roles: frozenset[Role]
    site_ids: frozenset[uuid.UUID]


async def people_links(session: AsyncSession) -> dict[uuid.UUID, Links]:
    roles: dict[uuid.UUID, set[Role]] = {}
    sites: dict[uuid.UUID, set[uuid.UUID]] = {}
    for user_id, role in await session.execute(select(col(UserRole.user_id), col(UserRole.role))):
        roles.setdefault(user_id, set()).add(role)
    for user_id, site_id in await session.execute(
        select(col(UserSite.user_id), col(UserSite.site_id))
    ):
        sites.setdefault(user_id, set()).add(site_id)
    return {
        user_id: Links(frozenset(roles.get(user_id, ())), frozenset(sites.get(user_id, ())))
        for user_id in roles.keys() | sites.keys()
    }


async def save_people(
    session: AsyncSession,
    created: Sequence[dict[str, Any]],
    changed: Sequence[User],
    links: dict[uuid.UUID, Links],
) -> None:
    """New people in one INSERT (without a usable password), changed ones (loaded by this
    session) through the unit of work, and the roles and sites of those in `links`
    replaced by what it says."""
    connection = await session.connection()
    if created:
        now = utcnow()
        await connection.execute(
            insert(User.__table__),  # type: ignore[attr-defined]
            [
                {
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                    **row,
                    "password_hash": NO_PASSWORD,
                }
                for row in created
            ],
        )
    assert all(user in session for user in changed)
    await session.flush()
    if not links:
        return
    ids = list(links)
    role_table = UserRole.__table__  # type: ignore[attr-defined]
    site_table = UserSite.__table__  # type: ignore[attr-defined]
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        await connection.execute(delete(role_table).where(role_table.c.user_id.in_(chunk)))
        await connection.execute(delete(site_table).where(site_table.c.user_id.in_(chunk)))
    role_rows = [{"user_id": u, "role": r} for u, link in links.items() for r in link.roles]
    site_rows = [{"user_id": u, "site_id": s} for u, link in links.items() for s in link.site_ids]
    if role_rows:
        await connection.execute(insert(role_table), role_rows)
    if site_rows:
        await connection.execute(insert(site_table), site_rows)


async def set_password(session: AsyncSession, employee_no: str, password: str) -> User:
    """An admin sets a person's password (an imported account has none)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"The password must have at least {MIN_PASSWORD_LENGTH} characters.", field="password"
        )
    user = await session.scalar(select(User).where(col(User.employee_no) == employee_no))
    if user is None:
        raise NotFound("No account has this employee number.", employee_no=employee_no)
    user.password_hash = await hash_in_thread(password)
    await session.flush()
    return user
