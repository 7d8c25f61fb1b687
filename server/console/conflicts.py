"""The desk's conflict queue in the console: the list, one item with both sides, resolving it."""

from __future__ import annotations

import json
import uuid
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from server.console.forms import Pager, list_url, page_window
from server.console.pages import render, render_page_or_partial
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission
from server.domain.assets import service as assets
from server.domain.sync import resolution
from server.domain.sync.resolution import ConflictDetail, QueueKind, QueueStatus
from server.domain.work import workflow
from server.errors import AlreadyResolved, InvalidInput, NotFound, SenderInactive
from server.web.deps import CurrentActor, DbSession
from server.web.security import requires

QUEUE = "/desk/conflicts"


class ResolveForm(msgspec.Struct):
    """What the resolution form posts; the pressed button names the resolution."""

    resolution: str = ""
    note: str = ""
    args: str = ""


def _shown(value: Any) -> str:
    """A side's value as the desk reads it: text as it is, anything else as JSON."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _pretty(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


async def _order_number(session: AsyncSession, actor: Actor, order_id: uuid.UUID) -> str:
    """The order's number when the desk user may open it (no dead link otherwise)."""
    try:
        return (await workflow.load(session, actor, order_id, lock=False)).number
    except NotFound:
        return ""


async def _detail_page(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    actor: Actor,
    item_id: uuid.UUID,
    *,
    status: int = 200,
    error: str = "",
    form: ResolveForm | None = None,
) -> Template:
    detail: ConflictDetail = await resolution.conflict_detail(session, actor, item_id)
    item = detail.item
    rows = [
        {
            "field": row.field,
            "server": _shown(row.server) if row.field in detail.server_side else "—",
            "device": _shown(row.device) if row.field in detail.device_side else "—",
            "differs": row.differs,
        }
        for row in detail.fields
    ]
    entity_url, entity_name = "", ""
    if item.entity_type == "asset" and item.entity_id is not None:
        try:  # a rejected op may name an asset that does not exist: no dead link then
            asset = await assets.get_asset(session, actor, item.entity_id)
            entity_url, entity_name = f"/desk/assets/{asset.id}", asset.name
        except NotFound:
            pass
    if item.entity_type == "work_order" and item.entity_id is not None:
        number = await _order_number(session, actor, item.entity_id)
        if number:
            entity_url, entity_name = f"/desk/orders/{item.entity_id}", number
    return render(
        request,
        "conflicts/detail.html",
        status=status,
        detail=detail,
        item=item,
        rows=rows,
        entity_url=entity_url,
        entity_name=entity_name,
        op_json=_pretty(detail.op),
        args_text=form.args if form is not None and form.args else _pretty(detail.args),
        note_text=form.note if form is not None else "",
        error=error,
    )


class ConflictConsoleController(Controller):
    path = "/conflicts"
    guards = requires(Permission.RESOLVE_CONFLICTS)

    @get("/")
    async def queue(
        self,
        *,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        status: FromQuery[str] = "open",
        kind: FromQuery[str] = "all",
        page: FromQuery[int] = 1,
    ) -> Template:
        # A stray value in the address shows the default list rather than an error page.
        chosen_status: QueueStatus = "resolved" if status == "resolved" else "open"
        chosen_kind: QueueKind = "all"
        if kind in ("conflict", "rejected"):
            chosen_kind = "conflict" if kind == "conflict" else "rejected"
        params = {
            "status": "" if chosen_status == "open" else chosen_status,
            "kind": "" if chosen_kind == "all" else chosen_kind,
        }
        number = max(1, page)
        items, total = await resolution.list_queue(
            db_session, actor, chosen_status, chosen_kind, page_window(number)
        )
        return render_page_or_partial(
            request,
            "conflicts/list.html",
            "conflicts/partials/table.html",
            push_url=list_url(QUEUE, params, number),
            items=items,
            filters={"status": chosen_status, "kind": chosen_kind},
            pager=Pager(number, total),
            previous_url=list_url(QUEUE, params, number - 1),
            next_url=list_url(QUEUE, params, number + 1),
        )

    @get("/{item_id:uuid}")
    async def detail(
        self,
        request: Request[Any, Any, Any],
        item_id: FromPath[uuid.UUID],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Template:
        return await _detail_page(request, db_session, actor, item_id)

    @post("/{item_id:uuid}/resolve", status_code=303)
    async def resolve(
        self,
        request: Request[Any, Any, Any],
        item_id: FromPath[uuid.UUID],
        data: URLEncodedBody[ResolveForm],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Redirect | Template:
        """Resolve, then show the item again (who resolved it, or why a re-submission
        failed). A refused form comes back with its message and nothing changed."""
        try:
            edited: Any = None
            if data.resolution == "merge":
                try:
                    edited = json.loads(data.args)
                except json.JSONDecodeError as exc:
                    raise InvalidInput(
                        f"The args are not valid JSON: {exc.msg} "
                        f"(line {exc.lineno}, column {exc.colno})."
                    ) from exc
            await resolution.resolve(db_session, actor, item_id, data.resolution, data.note, edited)
        except (InvalidInput, AlreadyResolved, SenderInactive) as refusal:
            await db_session.rollback()
            return await _detail_page(
                request,
                db_session,
                actor,
                item_id,
                status=refusal.status,
                error=refusal.message,
                form=data,
            )
        return Redirect(f"{QUEUE}/{item_id}", status_code=303)
