"""The people list, and creating accounts (admin)."""

from __future__ import annotations

import uuid

from litestar import Controller, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Role
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission
from server.domain.accounts.schemas import NewUser
from server.domain.accounts.service import create_user
from server.domain.paging import PageRequest
from server.domain.people.schemas import PersonOut, PersonPage
from server.domain.people.service import search_people
from server.web.security import requires


class PeopleController(Controller):
    path = "/people"
    tags = ["people"]

    @get("/", guards=requires(Permission.READ_PEOPLE))
    async def search(
        self,
        db_session: AsyncSession,
        actor: Actor,
        q: str = "",
        role: Role | None = None,
        team_id: uuid.UUID | None = None,
        limit: int = Parameter(default=50, ge=1, le=200),
        offset: int = Parameter(default=0, ge=0),
    ) -> PersonPage:
        page = PageRequest(limit, offset)
        items, total = await search_people(
            db_session, actor, page, query=q, role=role, team_id=team_id
        )
        return PersonPage(items, total, page.limit, page.offset)

    @post("/", guards=requires(Permission.MANAGE_PEOPLE))
    async def create(self, data: NewUser, db_session: AsyncSession, actor: Actor) -> PersonOut:
        """Create an account. Passwords are hashed with argon2id and never returned."""
        user = await create_user(db_session, data)
        items, _ = await search_people(db_session, actor, PageRequest(1, 0), query=user.employee_no)
        return items[0]
