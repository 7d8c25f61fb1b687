"""The route and schedule editor: checkpoints, routes and their stops, schedules, walking
times between checkpoints and a site's time zone. Reading needs `WATCH_PATROL` (a
contractor manager sees their own contractor's routes); every change `MANAGE_PATROL`,
through server/domain/patrol/editing.py.

- `/desk/patrol/checkpoints`, `/new`, `/{id}`; `/desk/patrol/routes`, `/new`, `/{id}`
- `POST /desk/patrol/routes/{id}/stops`, `.../stops/{position}/{remove|up|down}`
- `POST /desk/patrol/routes/{id}/schedules[/{schedule_id}[/delete]]`
- `POST /desk/patrol/walks`, `POST /desk/patrol/sites/{id}/timezone`
- `POST /desk/patrol/routes/{id}/hand-over` (`HAND_OVER_ROUTES`: desk, supervisors, admins):
  first what would move, then (`confirmed=yes`) the hand-over, via
  server/domain/patrol/handover.py
"""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from sqlalchemy import select
from sqlmodel import col

from server.console.forms import uuid_or_none
from server.console.pages import page_context, render
from server.console.patrol import BASE, choices
from server.console.patrol_forms import (
    as_date,
    as_float,
    as_int,
    as_time,
    checked,
    done,
    refusal,
    submit,
)
from server.db.models import Checkpoint, CheckpointWalk, Location, RouteSchedule
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission, scope_checkpoints, scope_locations
from server.domain.patrol import editing, handover
from server.errors import InvalidInput
from server.web.deps import CurrentActor, DbSession
from server.web.security import requires

MANAGE = requires(Permission.MANAGE_PATROL)
HAND_OVER = requires(Permission.HAND_OVER_ROUTES)


class CheckpointForm(msgspec.Struct):
    code: str = ""
    name: str = ""
    site_id: str = ""
    location_id: str = ""
    qr_payload: str = ""
    nfc_uid: str = ""
    clock_point: str = ""
    latitude: str = ""
    longitude: str = ""


class RouteForm(msgspec.Struct):
    code: str = ""
    name: str = ""
    site_id: str = ""
    contractor_id: str = ""
    free_order: str = ""


class StopForm(msgspec.Struct):
    checkpoint_id: str = ""
    due_within_minutes: str = ""


class ScheduleForm(msgspec.Struct):
    first_start: str = ""
    last_start: str = ""
    every_minutes: str = "120"
    weekdays: str = "1234567"
    tolerance_minutes: str = "15"
    valid_from: str = ""
    valid_until: str = ""


class WalkForm(msgspec.Struct):
    from_checkpoint_id: str = ""
    to_checkpoint_id: str = ""
    min_seconds: str = ""


class TimezoneForm(msgspec.Struct):
    timezone: str = ""


class HandOverForm(msgspec.Struct):
    contractor_id: str = ""
    confirmed: str = ""


def _checkpoint_input(data: CheckpointForm) -> editing.CheckpointInput:
    return editing.CheckpointInput(
        code=data.code,
        name=data.name,
        site_id=uuid_or_none(data.site_id),
        location_id=uuid_or_none(data.location_id),
        qr_payload=data.qr_payload,
        nfc_uid=data.nfc_uid,
        clock_point=checked(data.clock_point),
        latitude=as_float(data.latitude, "latitude"),
        longitude=as_float(data.longitude, "longitude"),
    )


def _schedule_input(data: ScheduleForm) -> editing.ScheduleInput:
    valid_from = as_date(data.valid_from, "valid_from")
    assert valid_from is not None  # not optional
    return editing.ScheduleInput(
        first_start=as_time(data.first_start, "first_start"),
        last_start=as_time(data.last_start, "last_start"),
        every_minutes=as_int(data.every_minutes, "every_minutes"),
        weekdays=data.weekdays,
        tolerance_minutes=as_int(data.tolerance_minutes, "tolerance_minutes"),
        valid_from=valid_from,
        valid_until=as_date(data.valid_until, "valid_until", optional=True),
    )


async def _checkpoints(db_session: DbSession, actor: Actor) -> list[Checkpoint]:
    rows = await db_session.scalars(
        scope_checkpoints(actor, select(Checkpoint).order_by(col(Checkpoint.code)))
    )
    return list(rows.all())


async def _locations(db_session: DbSession, actor: Actor) -> list[Location]:
    rows = await db_session.scalars(
        scope_locations(actor, select(Location).order_by(col(Location.code)).limit(2000))
    )
    return list(rows.all())


class PatrolEditorController(Controller):
    path = "/patrol"
    guards = requires(Permission.WATCH_PATROL)

    # Checkpoints ---------------------------------------------------------------------
    @get("/checkpoints")
    async def checkpoints(
        self, request: HTMXRequest, actor: CurrentActor, db_session: DbSession
    ) -> Template:
        return render(
            request,
            "patrol/checkpoints.html",
            checkpoints=await _checkpoints(db_session, actor),
            choices=await choices(db_session, actor),
            walks=await self._walks(db_session, actor),
            values={},
        )

    async def _walks(self, db_session: DbSession, actor: Actor) -> list[tuple[str, str, int]]:
        visible = {c.id: c.code for c in await _checkpoints(db_session, actor)}
        rows = await db_session.scalars(select(CheckpointWalk))
        return sorted(
            (visible[w.from_checkpoint_id], visible[w.to_checkpoint_id], w.min_seconds)
            for w in rows.all()
            if w.from_checkpoint_id in visible and w.to_checkpoint_id in visible
        )

    async def _checkpoint_context(self, db_session: DbSession, actor: Actor) -> dict[str, Any]:
        return {
            "choices": await choices(db_session, actor),
            "locations": await _locations(db_session, actor),
        }

    @get("/checkpoints/new", guards=MANAGE)
    async def new_checkpoint(
        self, request: HTMXRequest, actor: CurrentActor, db_session: DbSession
    ) -> Template:
        context = await self._checkpoint_context(db_session, actor)
        return render(request, "patrol/checkpoint_form.html", checkpoint=None, values={}, **context)

    @get("/checkpoints/{checkpoint_id:uuid}")
    async def checkpoint(
        self,
        request: HTMXRequest,
        checkpoint_id: FromPath[uuid.UUID],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Template:
        found = await editing.load_checkpoint(db_session, actor, checkpoint_id)
        context = await self._checkpoint_context(db_session, actor)
        return render(
            request, "patrol/checkpoint_form.html", checkpoint=found, values={}, **context
        )

    @post("/checkpoints", guards=MANAGE)
    async def create_checkpoint(
        self,
        request: HTMXRequest,
        data: URLEncodedBody[CheckpointForm],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        return await self._save_checkpoint(request, None, data, actor, db_session)

    @post("/checkpoints/{checkpoint_id:uuid}", guards=MANAGE)
    async def edit_checkpoint(
        self,
        request: HTMXRequest,
        checkpoint_id: FromPath[uuid.UUID],
        data: URLEncodedBody[CheckpointForm],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        return await self._save_checkpoint(request, checkpoint_id, data, actor, db_session)

    async def _save_checkpoint(
        self,
        request: HTMXRequest,
        checkpoint_id: uuid.UUID | None,
        data: CheckpointForm,
        actor: Actor,
        db_session: DbSession,
    ) -> Response[Any]:
        async def action() -> str:
            saved = await editing.save_checkpoint(
                db_session, actor, checkpoint_id, _checkpoint_input(data)
            )
            return f"{BASE}/checkpoints/{saved.id}"

        async def context() -> dict[str, Any]:
            found = (
                await editing.load_checkpoint(db_session, actor, checkpoint_id)
                if checkpoint_id
                else None
            )
            return {"checkpoint": found, **await self._checkpoint_context(db_session, actor)}

        return await submit(
            request,
            action,
            page="patrol/checkpoint_form.html",
            partial="patrol/partials/checkpoint_fields.html",
            context=context,
            values=msgspec.structs.asdict(data),
        )

    @post("/walks", guards=MANAGE)
    async def walk(
        self,
        request: HTMXRequest,
        data: URLEncodedBody[WalkForm],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        async def action() -> str:
            seconds = as_int(data.min_seconds, "min_seconds")
            await editing.set_walk(
                db_session,
                actor,
                uuid_or_none(data.from_checkpoint_id),
                uuid_or_none(data.to_checkpoint_id),
                seconds,
            )
            return f"{BASE}/checkpoints"

        async def context() -> dict[str, Any]:
            return {
                "checkpoints": await _checkpoints(db_session, actor),
                "choices": await choices(db_session, actor),
                "walks": await self._walks(db_session, actor),
            }

        return await submit(
            request,
            action,
            page="patrol/checkpoints.html",
            partial="patrol/partials/walk_form.html",
            context=context,
            values=msgspec.structs.asdict(data),
        )

    @post("/sites/{site_id:uuid}/timezone", guards=MANAGE)
    async def timezone(
        self,
        request: HTMXRequest,
        site_id: FromPath[uuid.UUID],
        data: URLEncodedBody[TimezoneForm],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        async def action() -> str:
            await editing.set_site_timezone(db_session, actor, site_id, data.timezone)
            return f"{BASE}/routes"

        async def context() -> dict[str, Any]:
            return {
                "rows": await self._route_rows(db_session, actor),
                "choices": await choices(db_session, actor),
                "tz_site": str(site_id),
            }

        return await submit(
            request,
            action,
            page="patrol/routes.html",
            partial="patrol/partials/timezones.html",
            context=context,
            values={"timezone": data.timezone},
        )

    # Routes --------------------------------------------------------------------------
    async def _route_rows(self, db_session: DbSession, actor: Actor) -> list[tuple[Any, int]]:
        found = await choices(db_session, actor)
        counts: dict[uuid.UUID, int] = {}
        for route in found.routes:
            counts[route.id] = len(await editing.stops(db_session, route.id))
        return [(route, counts[route.id]) for route in found.routes]

    @get("/routes")
    async def routes(
        self, request: HTMXRequest, actor: CurrentActor, db_session: DbSession
    ) -> Template:
        return render(
            request,
            "patrol/routes.html",
            rows=await self._route_rows(db_session, actor),
            choices=await choices(db_session, actor),
            values={},
        )

    @get("/routes/new", guards=MANAGE)
    async def new_route(
        self, request: HTMXRequest, actor: CurrentActor, db_session: DbSession
    ) -> Template:
        return render(
            request,
            "patrol/route_new.html",
            route=None,
            choices=await choices(db_session, actor),
            values={},
        )

    async def _route_context(
        self, db_session: DbSession, actor: Actor, route_id: uuid.UUID
    ) -> dict[str, Any]:
        route = await editing.load_route(db_session, actor, route_id)
        on_site = [c for c in await _checkpoints(db_session, actor) if c.site_id == route.site_id]
        by_id = {c.id: c for c in on_site}
        schedules = await db_session.scalars(
            select(RouteSchedule)
            .where(col(RouteSchedule.route_id) == route.id)
            .order_by(col(RouteSchedule.first_start))
        )
        found = await choices(db_session, actor)
        return {
            "route": route,
            "stops": [
                (s, by_id.get(s.checkpoint_id)) for s in await editing.stops(db_session, route.id)
            ],
            "site_checkpoints": on_site,
            "schedules": list(schedules.all()),
            "choices": found,
            "handover_options": [
                (c.id, c.name) for c in found.contractors if c.id != route.contractor_id
            ],
            "handovers": await handover.history(db_session, route.id),
            "plan": None,
        }

    @get("/routes/{route_id:uuid}")
    async def route(
        self,
        request: HTMXRequest,
        route_id: FromPath[uuid.UUID],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Template:
        context = await self._route_context(db_session, actor, route_id)
        return render(request, "patrol/route.html", values={}, form="", **context)

    @post("/routes", guards=MANAGE)
    async def create_route(
        self,
        request: HTMXRequest,
        data: URLEncodedBody[RouteForm],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        async def action() -> str:
            saved = await editing.save_route(db_session, actor, None, self._route_input(data))
            return f"{BASE}/routes/{saved.id}"

        async def context() -> dict[str, Any]:
            return {"route": None, "choices": await choices(db_session, actor)}

        return await submit(
            request,
            action,
            page="patrol/route_new.html",
            partial="patrol/partials/route_fields.html",
            context=context,
            values=msgspec.structs.asdict(data),
        )

    def _route_input(self, data: RouteForm) -> editing.RouteInput:
        return editing.RouteInput(
            data.code,
            data.name,
            uuid_or_none(data.site_id),
            uuid_or_none(data.contractor_id),
            checked(data.free_order),
        )

    async def _route_submit(
        self,
        request: HTMXRequest,
        action: Any,
        db_session: DbSession,
        actor: Actor,
        route_id: uuid.UUID,
        form: str,
        values: dict[str, Any],
    ) -> Response[Any]:
        async def context() -> dict[str, Any]:
            return {"form": form, **await self._route_context(db_session, actor, route_id)}

        return await submit(
            request,
            action,
            page="patrol/route.html",
            partial=f"patrol/partials/route_{form}.html",
            context=context,
            values=values,
        )

    @post("/routes/{route_id:uuid}", guards=MANAGE)
    async def edit_route(
        self,
        request: HTMXRequest,
        route_id: FromPath[uuid.UUID],
        data: URLEncodedBody[RouteForm],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        async def action() -> str:
            await editing.save_route(db_session, actor, route_id, self._route_input(data))
            return f"{BASE}/routes/{route_id}"

        values = msgspec.structs.asdict(data)
        return await self._route_submit(
            request, action, db_session, actor, route_id, "fields", values
        )

    @post("/routes/{route_id:uuid}/stops", guards=MANAGE)
    async def add_stop(
        self,
        request: HTMXRequest,
        route_id: FromPath[uuid.UUID],
        data: URLEncodedBody[StopForm],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        async def action() -> str:
            due = as_int(data.due_within_minutes, "due_within_minutes")
            await editing.add_stop(
                db_session, actor, route_id, uuid_or_none(data.checkpoint_id), due
            )
            return f"{BASE}/routes/{route_id}"

        values = msgspec.structs.asdict(data)
        return await self._route_submit(
            request, action, db_session, actor, route_id, "stops", values
        )

    @post("/routes/{route_id:uuid}/stops/{position:int}/{how:str}", guards=MANAGE)
    async def change_stop(
        self,
        request: HTMXRequest,
        route_id: FromPath[uuid.UUID],
        position: FromPath[int],
        how: FromPath[str],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        async def action() -> str:
            if how == "remove":
                await editing.remove_stop(db_session, actor, route_id, position)
            elif how in {"up", "down"}:
                await editing.move_stop(db_session, actor, route_id, position, up=how == "up")
            else:
                raise InvalidInput("Remove, up or down.", field="position")
            return f"{BASE}/routes/{route_id}"

        return await self._route_submit(request, action, db_session, actor, route_id, "stops", {})

    @post("/routes/{route_id:uuid}/schedules", guards=MANAGE)
    async def add_schedule(
        self,
        request: HTMXRequest,
        route_id: FromPath[uuid.UUID],
        data: URLEncodedBody[ScheduleForm],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        return await self._save_schedule(request, route_id, None, data, actor, db_session)

    @post("/routes/{route_id:uuid}/schedules/{schedule_id:uuid}", guards=MANAGE)
    async def edit_schedule(
        self,
        request: HTMXRequest,
        route_id: FromPath[uuid.UUID],
        schedule_id: FromPath[uuid.UUID],
        data: URLEncodedBody[ScheduleForm],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        return await self._save_schedule(request, route_id, schedule_id, data, actor, db_session)

    async def _save_schedule(
        self,
        request: HTMXRequest,
        route_id: uuid.UUID,
        schedule_id: uuid.UUID | None,
        data: ScheduleForm,
        actor: Actor,
        db_session: DbSession,
    ) -> Response[Any]:
        async def action() -> str:
            schedule = _schedule_input(data)
            await editing.save_schedule(db_session, actor, route_id, schedule_id, schedule)
            return f"{BASE}/routes/{route_id}"

        values = {**msgspec.structs.asdict(data), "schedule_id": str(schedule_id or "")}
        return await self._route_submit(
            request, action, db_session, actor, route_id, "schedules", values
        )

    @post("/routes/{route_id:uuid}/schedules/{schedule_id:uuid}/delete", guards=MANAGE)
    async def delete_schedule(
        self,
        request: HTMXRequest,
        route_id: FromPath[uuid.UUID],
        schedule_id: FromPath[uuid.UUID],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        await editing.delete_schedule(db_session, actor, route_id, schedule_id)
        return done(request, f"{BASE}/routes/{route_id}")

    @post("/routes/{route_id:uuid}/hand-over", guards=HAND_OVER, status_code=200)
    async def hand_over(
        self,
        request: HTMXRequest,
        route_id: FromPath[uuid.UUID],
        data: URLEncodedBody[HandOverForm],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        """Without `confirmed`: what would move, and a button to confirm. With it: done."""
        to = uuid_or_none(data.contractor_id)
        try:
            if checked(data.confirmed):
                await handover.hand_over(db_session, actor, route_id, to)
                return done(request, f"{BASE}/routes/{route_id}")
            plan = await handover.plan(db_session, actor, route_id, to)
        except InvalidInput as refused:
            extra = {"form": "handover", **await self._route_context(db_session, actor, route_id)}
            return refusal(
                request,
                refused,
                page="patrol/route.html",
                partial="patrol/partials/route_handover.html",
                extra=extra,
                values=msgspec.structs.asdict(data),
            )
        context = {**await self._route_context(db_session, actor, route_id), "plan": plan}
        if request.htmx:
            return Template(
                template_name="patrol/partials/route_handover.html",
                context=page_context(request, **context),
            )
        return render(request, "patrol/route.html", values={}, form="handover", **context)
