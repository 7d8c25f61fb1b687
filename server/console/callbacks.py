"""The callback queue: calls the desk owes departments after a poor rating or "not fixed"."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from server.console.pages import render
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission
from server.domain.work import board, workflow
from server.domain.work.workflow import Meta
from server.errors import NotFound, RoundsError
from server.web.deps import CurrentActor, DbSession
from server.web.security import requires

QUEUE = "/desk/callbacks"
OUTCOMES = ("explained", "reopen", "escalated")


class CallbackForm(msgspec.Struct):
    outcome: str = ""
    note: str = ""


async def _queue(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    actor: Actor,
    *,
    status: int = 200,
    error: str = "",
    error_id: uuid.UUID | None = None,
) -> Template:
    return render(
        request,
        "callbacks/list.html",
        status=status,
        rows=await board.open_callbacks(session, actor),
        outcomes=OUTCOMES,
        error=error,
        error_id=error_id,
    )


class CallbackConsoleController(Controller):
    path = "/callbacks"
    guards = requires(Permission.DISPATCH)

    @get("/")
    async def queue(
        self, request: Request[Any, Any, Any], actor: CurrentActor, db_session: DbSession
    ) -> Template:
        return await _queue(request, db_session, actor)

    @post("/{callback_id:uuid}")
    async def record(
        self,
        request: Request[Any, Any, Any],
        callback_id: FromPath[uuid.UUID],
        data: URLEncodedBody[CallbackForm],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Redirect | Template:
        try:
            await workflow.record_callback(
                db_session, actor, Meta(), callback_id, data.outcome, data.note
            )
            await db_session.flush()
        except NotFound:
            raise
        except RoundsError as refusal:
            await db_session.rollback()
            return await _queue(
                request,
                db_session,
                actor,
                status=refusal.status,
                error=refusal.message,
                error_id=callback_id,
            )
        return Redirect(QUEUE, status_code=303)
