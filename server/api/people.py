"""The people list, and creating accounts (admin)."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, get, post
from litestar.params import FromQuery, JSONBody, QueryParameter

from server.db.models import Role
from server.domain.accounts.policy import Permission
from server.domain.accounts.schemas import NewUser
from server.domain.accounts.service import create_user
from server.domain.admin import users as admin_users
from server.domain.paging import PageRequest
from server.domain.people.schemas import PersonOut, PersonPage
from server.domain.people.service import search_people
from server.web.deps import CurrentActor, DbSession
from server.web.security import requires


class PeopleController(Controller):
    path = "/people"
    tags = ["people"]

    @get("/", guards=requires(Permission.READ_PEOPLE))
    async def search(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        q: FromQuery[str] = "",
        role: FromQuery[Role | None] = None,
        team_id: FromQuery[uuid.UUID | None] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> PersonPage:
        page = PageRequest(limit, offset)
        items, total = await search_people(
            db_session, actor, page, query=q, role=role, team_id=team_id
        )
        return PersonPage(items, total, page.limit, page.offset)

    @post("/", guards=requires(Permission.MANAGE_PEOPLE))
    async def create(
        self, data: JSONBody[NewUser], db_session: DbSession, actor: CurrentActor
    ) -> PersonOut:
        """Create an account. Passwords are hashed with argon2id and never returned."""
        user = await create_user(db_session, data)
        await admin_users.audit_created(db_session, actor, user.id)
        items, _ = await search_people(db_session, actor, PageRequest(1, 0), query=user.employee_no)
        return items[0]
