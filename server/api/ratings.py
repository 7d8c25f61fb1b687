"""Contractor ratings over the JSON API: the month the desk page shows."""

from __future__ import annotations

import uuid

from litestar import Controller, get
from litestar.params import FromQuery

from server.domain.accounts.policy import Permission
from server.domain.ratings.reading import ratings_month
from server.domain.ratings.schemas import RatingsMonth
from server.domain.reports.monthly import parse_month
from server.web.deps import CurrentActor, DbSession
from server.web.security import requires


class RatingController(Controller):
    tags = ["ratings"]
    guards = requires(Permission.READ_RATINGS)

    @get("/ratings")
    async def month(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        month: FromQuery[str | None] = None,
        contractor_id: FromQuery[uuid.UUID | None] = None,
    ) -> RatingsMonth:
        """Each contractor you may see with the departments' ratings of `month` (YYYY-MM;
        default this month, UTC): the ones that count, each with those it replaced. A
        contractor no department rated has `mean_score` null: there is no default score."""
        return await ratings_month(db_session, actor, parse_month(month), contractor_id)
