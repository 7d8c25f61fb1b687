"""The desk's patrol pages: the live view of today's rounds and the incidents queue.

- `/desk/patrol?day=&site_id=&contractor_id=&route_id=&bucket=`: expected rounds of the
  day by how they stand; the results poll every 30 s (htmx), read afresh each time.
- `/desk/patrol/incidents?status=&site_id=&contractor_id=&category=`: open first.
- `/desk/patrol/incidents/{id}`: photos, acknowledge, answer, close, open a work order.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from sqlalchemy import select
from sqlmodel import col

from server.console.forms import list_url, uuid_or_none
from server.console.pages import render, render_page_or_partial
from server.console.patrol_forms import as_int, submit
from server.db.models import Checkpoint, Contractor, IncidentStatus, Location, Route, Site
from server.db.types import utcnow
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import (
    Permission,
    scope_contractors,
    scope_routes,
    scope_site_ids,
)
from server.domain.patrol import incident_queue as incidents
from server.domain.patrol.live import BUCKETS, LiveFilters, live_view
from server.web.deps import CurrentActor, DbSession
from server.web.security import requires

BASE = "/desk/patrol"


@dataclass(frozen=True)
class Choices:
    sites: list[Site]
    contractors: list[Contractor]
    routes: list[Route]


async def choices(db_session: DbSession, actor: Actor) -> Choices:
    sites = await db_session.scalars(
        scope_site_ids(actor, Site.id, select(Site).order_by(col(Site.code)))
    )
    contractors = await db_session.scalars(
        scope_contractors(actor, select(Contractor).order_by(col(Contractor.name)))
    )
    routes = await db_session.scalars(scope_routes(actor, select(Route).order_by(col(Route.code))))
    return Choices(list(sites.all()), list(contractors.all()), list(routes.all()))


class AnswerForm(msgspec.Struct):
    answer: str = ""


class WorkOrderForm(msgspec.Struct):
    priority: str = "3"


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text) if text else utcnow().date()
    except ValueError:
        return utcnow().date()


class PatrolConsoleController(Controller):
    path = "/patrol"
    guards = requires(Permission.WATCH_PATROL)

    @get("/")
    async def live(
        self,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        day: FromQuery[str] = "",
        site_id: FromQuery[str] = "",
        contractor_id: FromQuery[str] = "",
        route_id: FromQuery[str] = "",
        bucket: FromQuery[str] = "",
    ) -> Template:
        shown_day = _day(day)
        filters = LiveFilters(
            uuid_or_none(site_id), uuid_or_none(contractor_id), uuid_or_none(route_id), bucket
        )
        view = await live_view(db_session, actor, shown_day, filters, utcnow())
        params = {
            "day": day,
            "site_id": site_id,
            "contractor_id": contractor_id,
            "route_id": route_id,
            "bucket": bucket if bucket in BUCKETS else "",
        }
        return render_page_or_partial(
            request,
            "patrol/live.html",
            "patrol/partials/live_results.html",
            push_url=list_url(BASE, params),
            view=view,
            params=params,
            buckets=BUCKETS,
            choices=await choices(db_session, actor),
            poll_url=list_url(BASE, params),
        )

    @get("/incidents")
    async def queue(
        self,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        status: FromQuery[str] = "",
        site_id: FromQuery[str] = "",
        contractor_id: FromQuery[str] = "",
        category: FromQuery[str] = "",
    ) -> Template:
        chosen = IncidentStatus(status) if status in IncidentStatus._value2member_map_ else None
        filters = incidents.IncidentFilters(
            chosen, uuid_or_none(site_id), uuid_or_none(contractor_id), category
        )
        lines = await incidents.queue(db_session, actor, filters)
        params = {
            "status": status if chosen else "",
            "site_id": site_id,
            "contractor_id": contractor_id,
            "category": category,
        }
        return render_page_or_partial(
            request,
            "patrol/incidents.html",
            "patrol/partials/incident_rows.html",
            push_url=list_url(f"{BASE}/incidents", params),
            lines=lines,
            params=params,
            statuses=[s.value for s in IncidentStatus],
            choices=await choices(db_session, actor),
        )

    async def _detail_context(
        self, db_session: DbSession, actor: Actor, incident_id: uuid.UUID
    ) -> dict[str, Any]:
        found = await incidents.load(db_session, actor, incident_id)
        checkpoint = (
            await db_session.get(Checkpoint, found.checkpoint_id) if found.checkpoint_id else None
        )
        location_id = found.location_id or (checkpoint.location_id if checkpoint else None)
        location = await db_session.get(Location, location_id) if location_id else None
        return {
            "incident": found,
            "names": await incidents.people(db_session, found),
            "checkpoint": checkpoint,
            "location": location,
            "site": await db_session.get(Site, found.site_id),
        }

    @get("/incidents/{incident_id:uuid}")
    async def detail(
        self,
        request: HTMXRequest,
        incident_id: FromPath[uuid.UUID],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Template:
        context = await self._detail_context(db_session, actor, incident_id)
        return render(request, "patrol/incident.html", values={}, **context)

    @post("/incidents/{incident_id:uuid}/acknowledge", guards=requires(Permission.HANDLE_INCIDENTS))
    async def acknowledge(
        self,
        request: HTMXRequest,
        incident_id: FromPath[uuid.UUID],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        async def action() -> str:
            await incidents.acknowledge(db_session, actor, incident_id)
            return f"{BASE}/incidents/{incident_id}"

        return await self._submit(request, action, db_session, actor, incident_id, {})

    @post("/incidents/{incident_id:uuid}/answer", guards=requires(Permission.HANDLE_INCIDENTS))
    async def answer(
        self,
        request: HTMXRequest,
        incident_id: FromPath[uuid.UUID],
        data: URLEncodedBody[AnswerForm],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        async def action() -> str:
            await incidents.answer(db_session, actor, incident_id, data.answer)
            return f"{BASE}/incidents/{incident_id}"

        values = {"answer": data.answer}
        return await self._submit(request, action, db_session, actor, incident_id, values)

    @post("/incidents/{incident_id:uuid}/close", guards=requires(Permission.HANDLE_INCIDENTS))
    async def close(
        self,
        request: HTMXRequest,
        incident_id: FromPath[uuid.UUID],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        async def action() -> str:
            await incidents.close(db_session, actor, incident_id)
            return f"{BASE}/incidents/{incident_id}"

        return await self._submit(request, action, db_session, actor, incident_id, {})

    @post("/incidents/{incident_id:uuid}/work-order", guards=requires(Permission.DISPATCH))
    async def work_order(
        self,
        request: HTMXRequest,
        incident_id: FromPath[uuid.UUID],
        data: URLEncodedBody[WorkOrderForm],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        async def action() -> str:
            priority = as_int(data.priority, "priority")
            await incidents.open_work_order(db_session, actor, incident_id, priority)
            return f"{BASE}/incidents/{incident_id}"

        values = {"priority": data.priority}
        return await self._submit(request, action, db_session, actor, incident_id, values)

    async def _submit(
        self,
        request: HTMXRequest,
        action: Any,
        db_session: DbSession,
        actor: Actor,
        incident_id: uuid.UUID,
        values: dict[str, str],
    ) -> Response[Any]:
        async def context() -> dict[str, Any]:
            return await self._detail_context(db_session, actor, incident_id)

        return await submit(
            request,
            action,
            page="patrol/incident.html",
            partial="patrol/partials/incident_actions.html",
            context=context,
            values=values,
        )
