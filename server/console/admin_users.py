"""The users screens of the administration console (/desk/admin/users).

Reading needs `READ_ADMINISTRATION` (admins and supervisors); every change `ADMINISTER`
(admins), through server/domain/admin/users.py, which audits it.

- `GET /desk/admin/users` (q, role, status, page), `GET .../new`, `POST /desk/admin/users`
- `GET|POST /desk/admin/users/{id}`; `POST .../password`, `.../disable`, `.../enable`
- `POST /desk/admin/users/{id}/devices/{device_id}/revoke`
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Response, get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath, FromQuery
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template

from server.console.admin_forms import Outcome, form_values, submit_form
from server.console.forms import Pager, list_url, page_window, uuid_or_none
from server.console.pages import render, render_page_or_partial
from server.db.models import Role
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission
from server.domain.admin import audit
from server.domain.admin import users as admin_users
from server.domain.sites import service as sites
from server.web.deps import CurrentActor, DbSession
from server.web.security import requires

USERS = "/desk/admin/users"
WRITE = requires(Permission.ADMINISTER)


def _role_or_none(text: str) -> Role | None:
    try:
        return Role(text) if text else None
    except ValueError:
        return None


def _user_input(values: dict[str, Any], form: FormMultiDict) -> admin_users.UserInput:
    site_ids = {uuid_or_none(str(v)) for v in form.getall("site_ids", [])}
    return admin_users.UserInput(
        employee_no=values.get("employee_no", ""),
        name=values.get("name", ""),
        phone=values.get("phone", ""),
        roles=frozenset(str(v) for v in form.getall("roles", [])),
        site_ids=frozenset(s for s in site_ids if s is not None),
        team_id=uuid_or_none(values.get("team_id", "")),
        department_id=uuid_or_none(values.get("department_id", "")),
        contractor_id=uuid_or_none(values.get("contractor_id", "")),
    )


def _shown(values: dict[str, Any], form: FormMultiDict) -> dict[str, Any]:
    """What the form shows again after a refusal: repeated fields as lists."""
    return {
        **values,
        "roles": [str(v) for v in form.getall("roles", [])],
        "site_ids": [str(v) for v in form.getall("site_ids", [])],
    }


async def _choices(db_session: DbSession, actor: Actor) -> dict[str, Any]:
    """The form's options as (value, text) pairs; role texts are translated in the page."""
    return {
        "role_options": [(role.value, role.value) for role in Role],
        "site_options": [
            (s.id, f"{s.code} {s.name}") for s in await sites.list_sites(db_session, actor)
        ],
        "team_options": [(t.id, f"{t.code} {t.name}") for t in await sites.list_teams(db_session)],
        "department_options": [
            (d.id, f"{d.code} {d.name}") for d in await sites.list_departments(db_session)
        ],
        "contractor_options": [
            (c.id, f"{c.code} {c.name}") for c in await sites.list_contractors(db_session, actor)
        ],
    }


class AdminUsersController(Controller):
    path = "/admin/users"
    guards = requires(Permission.READ_ADMINISTRATION)

    @get("/")
    async def users(
        self,
        *,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        q: FromQuery[str] = "",
        role: FromQuery[str] = "",
        page: FromQuery[int] = 1,
    ) -> Template:
        params = {"q": q.strip(), "role": role}
        number = max(1, page)
        rows, total = await admin_users.search_users(
            db_session, actor, page_window(number), query=q, role=_role_or_none(role)
        )
        return render_page_or_partial(
            request,
            "admin/users.html",
            "admin/partials/users_table.html",
            push_url=list_url(USERS, params, number),
            users=rows,
            filters=params,
            pager=Pager(number, total),
            previous_url=list_url(USERS, params, number - 1),
            next_url=list_url(USERS, params, number + 1),
            roles=list(Role),
        )

    @get("/new", guards=WRITE)
    async def new_user(
        self, request: HTMXRequest, actor: CurrentActor, db_session: DbSession
    ) -> Template:
        return render(
            request,
            "admin/user_form.html",
            detail=None,
            values={},
            **await _choices(db_session, actor),
        )

    @get("/{user_id:uuid}")
    async def user(
        self,
        request: HTMXRequest,
        user_id: FromPath[uuid.UUID],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Template:
        return await self._page(request, user_id, actor, db_session)

    async def _page(
        self,
        request: HTMXRequest,
        user_id: uuid.UUID,
        actor: Actor,
        db_session: DbSession,
        **extra: Any,
    ) -> Template:
        return render(
            request,
            "admin/user_form.html",
            **await self._context(user_id, actor, db_session),
            **{"values": {}, **extra},
        )

    async def _context(
        self, user_id: uuid.UUID | None, actor: Actor, db_session: DbSession
    ) -> dict[str, Any]:
        detail = await admin_users.load_user(db_session, actor, user_id) if user_id else None
        return {
            "detail": detail,
            "history": (
                await audit.history(db_session, admin_users.ENTITY, user_id) if user_id else []
            ),
            **await _choices(db_session, actor),
        }

    @post("/", guards=WRITE)
    async def create_user(
        self, request: HTMXRequest, actor: CurrentActor, db_session: DbSession
    ) -> Response[Any]:
        values, form = await form_values(request)

        async def action() -> Outcome:
            user, temporary = await admin_users.create_user(
                db_session, actor, _user_input(values, form), values.get("password", "")
            )
            if temporary:
                await db_session.commit()
                return await self._page(
                    request, user.id, actor, db_session, temporary_password=temporary
                )
            return f"{USERS}/{user.id}"

        return await submit_form(
            request,
            action,
            page="admin/user_form.html",
            context=lambda: self._context(None, actor, db_session),
            values=_shown(values, form),
        )

    @post("/{user_id:uuid}", guards=WRITE)
    async def edit_user(
        self,
        request: HTMXRequest,
        user_id: FromPath[uuid.UUID],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        values, form = await form_values(request)

        async def action() -> Outcome:
            await admin_users.update_user(db_session, actor, user_id, _user_input(values, form))
            return f"{USERS}/{user_id}"

        async def context() -> dict[str, Any]:
            await db_session.rollback()  # show the user as stored, not half-edited
            return await self._context(user_id, actor, db_session)

        return await submit_form(
            request,
            action,
            page="admin/user_form.html",
            context=context,
            values=_shown(values, form),
        )

    @post("/{user_id:uuid}/password", guards=WRITE)
    async def reset_password(
        self,
        request: HTMXRequest,
        user_id: FromPath[uuid.UUID],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        values, _ = await form_values(request)

        async def action() -> Outcome:
            temporary = await admin_users.reset_password(
                db_session, actor, user_id, values.get("password", "")
            )
            await db_session.commit()
            return await self._page(
                request, user_id, actor, db_session, temporary_password=temporary, password_set=True
            )

        return await submit_form(
            request,
            action,
            page="admin/user_form.html",
            context=lambda: self._context(user_id, actor, db_session),
            values={},
        )

    @post("/{user_id:uuid}/disable", guards=WRITE)
    async def disable(
        self,
        request: HTMXRequest,
        user_id: FromPath[uuid.UUID],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        return await self._set_active(request, user_id, actor, db_session, active=False)

    @post("/{user_id:uuid}/enable", guards=WRITE)
    async def enable(
        self,
        request: HTMXRequest,
        user_id: FromPath[uuid.UUID],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        return await self._set_active(request, user_id, actor, db_session, active=True)

    async def _set_active(
        self,
        request: HTMXRequest,
        user_id: uuid.UUID,
        actor: Actor,
        db_session: DbSession,
        *,
        active: bool,
    ) -> Response[Any]:
        async def action() -> Outcome:
            await admin_users.set_active(db_session, actor, user_id, active)
            return f"{USERS}/{user_id}"

        return await submit_form(
            request,
            action,
            page="admin/user_form.html",
            context=lambda: self._context(user_id, actor, db_session),
            values={},
        )

    @post("/{user_id:uuid}/devices/{device_id:uuid}/revoke", guards=WRITE)
    async def revoke_device(
        self,
        request: HTMXRequest,
        user_id: FromPath[uuid.UUID],
        device_id: FromPath[uuid.UUID],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        async def action() -> Outcome:
            await admin_users.revoke_device(db_session, actor, user_id, device_id)
            return f"{USERS}/{user_id}"

        return await submit_form(
            request,
            action,
            page="admin/user_form.html",
            context=lambda: self._context(user_id, actor, db_session),
            values={},
        )
