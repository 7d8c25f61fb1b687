"""The people list: search by name or employee number, filter by role and team."""

from __future__ import annotations

from litestar import Controller, get
from litestar.params import FromQuery
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template

from server.console.forms import Pager, list_url, page_window, uuid_or_none
from server.console.pages import render_page_or_partial
from server.db.models import Role
from server.domain.accounts.policy import Permission
from server.domain.people import service as people
from server.domain.sites import service as sites
from server.web.deps import CurrentActor, DbSession
from server.web.security import requires

PEOPLE = "/desk/people"


def _role_or_none(text: str) -> Role | None:
    try:
        return Role(text) if text else None
    except ValueError:
        return None


class PeopleConsoleController(Controller):
    path = "/people"
    guards = requires(Permission.READ_PEOPLE)

    @get("/")
    async def people_list(
        self,
        *,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        q: FromQuery[str] = "",
        role: FromQuery[str] = "",
        team: FromQuery[str] = "",
        page: FromQuery[int] = 1,
    ) -> Template:
        params = {"q": q.strip(), "role": role, "team": team}
        number = max(1, page)
        # search_people scopes the rows: a team lead sees their team, a manager their company.
        rows, total = await people.search_people(
            db_session,
            actor,
            page_window(number),
            query=q,
            role=_role_or_none(role),
            team_id=uuid_or_none(team),
        )
        return render_page_or_partial(
            request,
            "people/list.html",
            "people/partials/table.html",
            push_url=list_url(PEOPLE, params, number),
            people=rows,
            filters=params,
            pager=Pager(number, total),
            previous_url=list_url(PEOPLE, params, number - 1),
            next_url=list_url(PEOPLE, params, number + 1),
            roles=list(Role),
            teams=await sites.list_teams(db_session),
        )
