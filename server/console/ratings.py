"""/desk/ratings: the departments' satisfaction ratings per contractor and month, with
their comments and the ratings they replaced, and the month as CSV. A contractor manager
sees their own company's only (policy: `scope_ratings`, `scope_contractors`)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get
from litestar.params import FromQuery
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.console.forms import uuid_or_none
from server.console.pages import render_page_or_partial
from server.db.models import Contractor
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission, scope_contractors
from server.domain.ratings.reading import ratings_month, to_csv
from server.domain.ratings.schemas import RatingsMonth
from server.domain.reports.monthly import parse_month
from server.errors import InvalidInput
from server.web.deps import CurrentActor, DbSession
from server.web.security import requires


def _month(text: str) -> Any:
    try:
        return parse_month(text)
    except InvalidInput:  # a stray value in the address shows this month, not an error
        return parse_month(None)


async def _report(
    db_session: AsyncSession, actor: Actor, month: str, contractor_id: str
) -> RatingsMonth:
    return await ratings_month(db_session, actor, _month(month), uuid_or_none(contractor_id))


class RatingConsoleController(Controller):
    path = "/ratings"
    guards = requires(Permission.READ_RATINGS)

    @get("/")
    async def month(
        self,
        *,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        month: FromQuery[str] = "",
        contractor_id: FromQuery[str] = "",
    ) -> Template:
        report = await _report(db_session, actor, month, contractor_id)
        query = f"month={report.month:%Y-%m}"
        query += f"&contractor_id={contractor_id}" if uuid_or_none(contractor_id) else ""
        options = scope_contractors(actor, select(Contractor).order_by(col(Contractor.code)))
        return render_page_or_partial(
            request,
            "ratings/month.html",
            "ratings/partials/month.html",
            push_url=f"/desk/ratings?{query}",
            report=report,
            contractor_options=(await db_session.execute(options)).scalars().all(),
            selected_contractor=contractor_id,
            query=query,
        )

    @get("/export.csv")
    async def export_csv(
        self,
        actor: CurrentActor,
        db_session: DbSession,
        month: FromQuery[str] = "",
        contractor_id: FromQuery[str] = "",
    ) -> Response[str]:
        report = await _report(db_session, actor, month, contractor_id)
        name = f"rounds-ratings-{report.month:%Y-%m}.csv"
        return Response(
            content=to_csv(report),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
