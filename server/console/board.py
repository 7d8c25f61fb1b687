"""The dispatch board: open orders in scope, dispatch and reassign, live over SSE.

Changes reach the board through the "work_orders" channel (see `server.web.live`): the
page listens on `/desk/board/events` and reloads its partial when an order changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncGenerator
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.channels import ChannelsPlugin
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, ServerSentEvent, ServerSentEventMessage, Template
from sqlalchemy.ext.asyncio import AsyncSession

from server.console.forms import uuid_or_none
from server.console.pages import VARY_ON_HTMX, render
from server.db.types import utcnow
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission
from server.domain.sites import service as sites
from server.domain.work import board, workflow
from server.domain.work.workflow import Meta
from server.errors import InvalidInput, NotFound, RoundsError
from server.web.deps import CurrentActor, DbSession
from server.web.live import CHANNEL
from server.web.security import requires

BOARD = "/desk/board"
PING_SECONDS = 15.0


class DispatchForm(msgspec.Struct):
    team_id: str = ""


class AssignForm(msgspec.Struct):
    technician_id: str = ""


def required_id(text: str, field: str) -> uuid.UUID:
    value = uuid_or_none(text)
    if value is None:
        raise InvalidInput(f"Choose a {field.replace('_id', '')}.", field=field)
    return value


async def board_context(session: AsyncSession, actor: Actor) -> dict[str, Any]:
    now = utcnow()
    cards = await board.board_cards(session, actor, now)
    return {
        "cards": cards,
        "groups": {g: [c for c in cards if c.group == g] for g in board.GROUPS},
        "teams": await sites.list_teams(session),
        "technicians": await board.technicians_by_team(session),
        "now": now,
    }


def duration(seconds: float) -> str:
    """A short human duration: 3d 4h, 2h 05m, 12m."""
    seconds = abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m"


async def _board_response(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    actor: Actor,
    *,
    partial: bool,
    status: int = 200,
    error: str = "",
    error_order: uuid.UUID | None = None,
) -> Template:
    context = await board_context(session, actor)
    template = "board/partials/board.html" if partial else "board/board.html"
    return render(
        request,
        template,
        status=status,
        headers=VARY_ON_HTMX,
        duration=duration,
        error=error,
        error_order=error_order,
        **context,
    )


async def _act(
    request: HTMXRequest,
    session: AsyncSession,
    actor: Actor,
    order_id: uuid.UUID,
    action: str,
    target: uuid.UUID | None,
) -> Template | Redirect:
    """Run one workflow action; a refusal is shown inline with nothing changed."""
    try:
        order = await workflow.load(session, actor, order_id)
        if action == "dispatch":
            await workflow.dispatch(
                session, actor, Meta(), order, target or required_id("", "team_id")
            )
        else:
            await workflow.assign(
                session, actor, Meta(), order, target or required_id("", "technician_id")
            )
        await session.flush()
    except NotFound:
        raise
    except RoundsError as refusal:
        await session.rollback()
        htmx = bool(request.htmx)
        return await _board_response(
            request,
            session,
            actor,
            partial=htmx,
            # htmx swaps only 2xx answers: the refusal travels in the page, not the status.
            status=200 if htmx else refusal.status,
            error=refusal.message,
            error_order=order_id,
        )
    if request.htmx:
        return await _board_response(request, session, actor, partial=True)
    return Redirect(BOARD, status_code=303)


async def _events(
    channels: ChannelsPlugin, max_events: int, max_seconds: float
) -> AsyncGenerator[ServerSentEventMessage, None]:
    """Each change as one `work_orders` event (JSON with the ids); a ping comment meanwhile."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + max_seconds if max_seconds > 0 else None
    sent = 0
    async with channels.start_subscription([CHANNEL]) as subscriber:
        queue: asyncio.Queue[bytes] = asyncio.Queue()

        async def pump() -> None:
            async for raw in subscriber.iter_events():
                await queue.put(raw)

        pumping = asyncio.create_task(pump())
        try:
            yield ServerSentEventMessage(comment="connected")
            while max_events <= 0 or sent < max_events:
                wait = PING_SECONDS
                if deadline is not None:
                    wait = min(wait, deadline - loop.time())
                    if wait <= 0:
                        break
                try:
                    raw = await asyncio.wait_for(queue.get(), wait)
                except TimeoutError:
                    yield ServerSentEventMessage(comment="ping")
                    continue
                payload = json.loads(raw)
                yield ServerSentEventMessage(data=json.dumps(payload), event="work_orders")
                sent += 1
        finally:
            pumping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pumping


class BoardController(Controller):
    path = "/board"
    guards = requires(Permission.DISPATCH)

    @get("/")
    async def board_page(
        self,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        partial: FromQuery[int] = 0,
    ) -> Template:
        return await _board_response(
            request, db_session, actor, partial=bool(partial or request.htmx)
        )

    @post("/{order_id:uuid}/dispatch", status_code=200)
    async def dispatch(
        self,
        request: HTMXRequest,
        order_id: FromPath[uuid.UUID],
        data: URLEncodedBody[DispatchForm],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Template | Redirect:
        team = uuid_or_none(data.team_id)
        return await _act(request, db_session, actor, order_id, "dispatch", team)

    @post("/{order_id:uuid}/assign", status_code=200)
    async def assign(
        self,
        request: HTMXRequest,
        order_id: FromPath[uuid.UUID],
        data: URLEncodedBody[AssignForm],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Template | Redirect:
        technician = uuid_or_none(data.technician_id)
        return await _act(request, db_session, actor, order_id, "assign", technician)

    @get("/events")
    async def events(
        self,
        channels: NamedDependency[ChannelsPlugin],
        max_events: FromQuery[int] = 0,
        max_seconds: FromQuery[float] = 0,
    ) -> ServerSentEvent:
        """Server-sent events: `work_orders` with `{"ids": [...]}` whenever orders change.

        `max_events` / `max_seconds` end the stream early (the browser's EventSource
        reconnects by itself); 0 streams until the client goes away.
        """
        return ServerSentEvent(
            _events(channels, max_events, max_seconds),
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )
