"""The desk's "new request" form on the board: a caller's fault taken on the phone.

The request is checked field by field (all errors at once, 422, beside their fields);
open orders on the same asset (or room) are offered before a new one is made, and the
desk chooses "add to order X as a call" or "create new anyway". Orders are made by the
same workflow as the phone's report op (`domain.intake.requests`).
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import FromQuery, URLEncodedBody
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from server.console.forms import uuid_or_none
from server.console.pages import VARY_ON_HTMX, render
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission
from server.domain.intake import requests as intake
from server.domain.intake.search import Hit, hit_by_id, search
from server.domain.sites import service as sites
from server.domain.work.workflow import Meta
from server.web.deps import CurrentActor, DbSession
from server.web.security import requires

NEW = "/desk/board/new"


class IntakeForm(msgspec.Struct):
    department_id: str = ""
    pick: str = ""  # "asset:<id>" or "location:<id>", from the search results
    description: str = ""
    priority: str = "3"
    caller_name: str = ""
    caller_phone: str = ""
    decision: str = ""  # "" (check for duplicates), "new", or "call:<order id>"

    def request(self) -> intake.CallerRequest:
        kind, _, chosen = self.pick.partition(":")
        return intake.CallerRequest(
            department_id=self.department_id,
            asset_id=chosen if kind == "asset" else "",
            location_id=chosen if kind == "location" else "",
            description=self.description,
            priority=self.priority,
            caller_name=self.caller_name,
            caller_phone=self.caller_phone,
        )


async def _chosen(session: AsyncSession, actor: Actor, pick: str) -> Hit | None:
    """The search result the form holds, shown again when the form comes back."""
    kind, _, chosen = pick.partition(":")
    chosen_id = uuid_or_none(chosen)
    if chosen_id is None or kind not in {"asset", "location"}:
        return None
    return await hit_by_id(session, actor, kind, chosen_id)


def _show(
    request: HTMXRequest,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> Template:
    template = "intake/partials/form.html" if request.htmx else "intake/form.html"
    return render(request, template, status=status, headers=VARY_ON_HTMX, **context)


async def _context(
    session: AsyncSession, actor: Actor, form: IntakeForm, **extra: Any
) -> dict[str, Any]:
    return {
        "values": asdict(form.request()) | {"pick": form.pick},
        "chosen": await _chosen(session, actor, form.pick),
        "departments": await sites.list_departments(session),
        "errors": {},
        "duplicates": [],
        **extra,
    }


def _done(request: HTMXRequest, order_id: uuid.UUID) -> Response[Any]:
    url = f"/desk/orders/{order_id}"
    if request.htmx:
        return ClientRedirect(redirect_to=url)
    return Redirect(url, status_code=303)


class IntakeController(Controller):
    path = "/board/new"
    guards = requires(Permission.TAKE_CALLS)

    @get("/")
    async def form_page(
        self, request: HTMXRequest, actor: CurrentActor, db_session: DbSession
    ) -> Template:
        return _show(request, await _context(db_session, actor, IntakeForm()))

    @get("/search")
    async def search_hits(
        self,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        q: FromQuery[str] = "",
    ) -> Template:
        hits = await search(db_session, actor, q)
        return render(
            request, "intake/partials/hits.html", headers=VARY_ON_HTMX, hits=hits, query=q.strip()
        )

    @post("/", status_code=200)
    async def take(
        self,
        request: HTMXRequest,
        data: URLEncodedBody[IntakeForm],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        try:
            checked = await intake.check(db_session, actor, data.request())
        except intake.RequestErrors as refused:
            context = await _context(db_session, actor, data, errors=refused.errors)
            return _show(request, context, status=422)
        meta = Meta()
        kind, _, target = data.decision.partition(":")
        if kind == "call" and (order_id := uuid_or_none(target)) is not None:
            order = await intake.add_call(db_session, actor, meta, order_id, checked)
            return _done(request, order.id)
        if kind != "new":
            duplicates = await intake.open_duplicates(db_session, actor, checked)
            if duplicates:
                context = await _context(db_session, actor, data, duplicates=duplicates)
                return _show(request, context)
        order = await intake.create_order(db_session, actor, meta, checked)
        return _done(request, order.id)
