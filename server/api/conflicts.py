"""The desk's conflict queue: conflicting and rejected ops, and resolving them."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from server.domain.accounts.policy import Permission
from server.domain.paging import PageRequest
from server.domain.sync import resolution
from server.domain.sync.resolution import (
    ConflictDetail,
    QueueKind,
    QueuePage,
    QueueStatus,
    Resolution,
    ResolveOutcome,
)
from server.web.deps import CurrentActor, DbSession
from server.web.security import requires


class ResolveRequest(msgspec.Struct, forbid_unknown_fields=True):
    resolution: Resolution
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    args: Any = None  # for `merge`: the op's args as the desk edited them


class ConflictController(Controller):
    path = "/conflicts"
    tags = ["conflicts"]
    guards = requires(Permission.RESOLVE_CONFLICTS)

    @get("/")
    async def queue(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        status: FromQuery[QueueStatus] = "open",
        kind: FromQuery[QueueKind] = "all",
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> QueuePage:
        """Conflicts and rejected ops: open ones newest first, or resolved ones."""
        page = PageRequest(limit, offset)
        items, total = await resolution.list_queue(db_session, actor, status, kind, page)
        return QueuePage(items, total, page.limit, page.offset)

    @get("/{item_id:uuid}")
    async def detail(
        self, item_id: FromPath[uuid.UUID], db_session: DbSession, actor: CurrentActor
    ) -> ConflictDetail:
        """Both sides, the op verbatim, and the resolution. `item_id` is a conflict's id or
        a rejected op's id."""
        return await resolution.conflict_detail(db_session, actor, item_id)

    @post("/{item_id:uuid}/resolve", status_code=200)
    async def resolve(
        self,
        item_id: FromPath[uuid.UUID],
        data: JSONBody[ResolveRequest],
        db_session: DbSession,
        actor: CurrentActor,
    ) -> ResolveOutcome:
        """`keep_server`, `resubmit` (the op again, as a new op of the desk) or `merge` (with
        `args` edited). A re-submission that conflicts or is rejected again answers
        `resolved: false` with the attempt's outcome; the item stays open. Resolving a
        resolved item is 409 `already_resolved`; args that do not fit the op are 422."""
        return await resolution.resolve(
            db_session, actor, item_id, data.resolution, data.note, data.args
        )
