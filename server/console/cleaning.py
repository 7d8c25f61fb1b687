"""The desk's cleaning board.

- `/desk/cleaning`: open terminal cleans with the time left to their deadline, open spills,
  routine cleans overdue, the latest audits; the results poll every 30 s (htmx).
- `/desk/cleaning/tasks/{id}/cancel` (POST, reason): call a task off. A cleaner's record of
  it that arrives later is kept, with a conflict in the desk's queue.
"""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template

from server.console.pages import render_page_or_partial
from server.console.patrol_forms import done
from server.db.types import utcnow
from server.domain.accounts.policy import Permission
from server.domain.cleaning.board import board
from server.domain.cleaning.requests import cancel_task
from server.web.deps import CurrentActor, DbSession
from server.web.security import requires

BASE = "/desk/cleaning"


class CancelForm(msgspec.Struct):
    reason: str = ""


class CleaningConsoleController(Controller):
    path = "/cleaning"
    guards = requires(Permission.WATCH_CLEANING)

    @get("/")
    async def board(
        self, request: HTMXRequest, actor: CurrentActor, db_session: DbSession
    ) -> Template:
        now = utcnow()
        return render_page_or_partial(
            request,
            "cleaning/board.html",
            "cleaning/partials/board_results.html",
            push_url=BASE,
            view=await board(db_session, actor, now),
            now=now,
        )

    @post("/tasks/{task_id:uuid}/cancel", guards=requires(Permission.MANAGE_CLEANING))
    async def cancel(
        self,
        request: HTMXRequest,
        task_id: FromPath[uuid.UUID],
        data: URLEncodedBody[CancelForm],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        await cancel_task(db_session, actor, task_id, data.reason.strip(), utcnow())
        return done(request, BASE)
