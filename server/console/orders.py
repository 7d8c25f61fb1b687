"""One work order in the console: its timeline, costs, photos, notes, callbacks, actions."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.console.board import duration, required_id
from server.console.forms import uuid_or_none
from server.console.pages import render
from server.db.models import (
    Asset,
    Conflict,
    Department,
    Item,
    LineBilling,
    Role,
    Team,
    User,
    WorkOrderStatus,
)
from server.db.types import utcnow
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission, can
from server.domain.intake.requests import calls_on
from server.domain.sites import service as sites
from server.domain.work import board, workflow
from server.domain.work.detail import work_order_detail
from server.domain.work.states import MOVES
from server.domain.work.workflow import Meta
from server.errors import NotFound, RoundsError
from server.web.deps import CurrentActor, DbSession
from server.web.security import requires

ORDERS = "/desk/orders"


class ActionForm(msgspec.Struct):
    team_id: str = ""
    technician_id: str = ""
    reason: str = ""


async def _name(session: AsyncSession, model: Any, row_id: uuid.UUID | None) -> str:
    row = await session.get(model, row_id) if row_id else None
    return str(row.name) if row is not None else ""


def may(actor: Actor, action: str, status: str, team_id: uuid.UUID | None) -> bool:
    """Whether to offer a button: the role may take it and the state allows it."""
    if WorkOrderStatus(status) not in MOVES[action].allowed_from:
        return False
    if action == "assign":
        return can(actor, Permission.DISPATCH) or (
            actor.has(Role.TEAM_LEAD) and team_id is not None and actor.team_id == team_id
        )
    return can(actor, Permission.DISPATCH)


async def _open_conflicts(
    session: AsyncSession, actor: Actor, op_ids: set[uuid.UUID]
) -> dict[uuid.UUID, uuid.UUID]:
    """The open conflict deciding each pending line's op, for a desk user who may decide."""
    if not op_ids or not can(actor, Permission.RESOLVE_CONFLICTS):
        return {}
    rows = await session.execute(
        select(col(Conflict.op_id), col(Conflict.id)).where(
            col(Conflict.op_id).in_(op_ids), col(Conflict.status) == "open"
        )
    )
    return {row[0]: row[1] for row in rows.all()}


async def order_page(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    actor: Actor,
    order_id: uuid.UUID,
    *,
    status: int = 200,
    error: str = "",
) -> Template:
    detail = await work_order_detail(session, actor, order_id)
    order = detail.order
    hashes = {a["sha256"] for a in detail.attachments}
    item_ids = {line["item_id"] for line in detail.parts}
    items = (
        dict(
            (
                await session.execute(
                    select(col(Item.id), col(Item.name)).where(col(Item.id).in_(item_ids))
                )
            ).all()
        )
        if item_ids
        else {}
    )
    people_ids = {line["technician_id"] for line in detail.labour}
    people_ids |= {n["author_id"] for n in detail.notes if n["author_id"]}
    people = (
        dict(
            (
                await session.execute(
                    select(col(User.id), col(User.name)).where(col(User.id).in_(people_ids))
                )
            ).all()
        )
        if people_ids
        else {}
    )
    assignee_id = detail.extra["assignee_id"]
    now = utcnow()
    waiting = {
        line["op_id"]
        for line in [*detail.labour, *detail.parts]
        if line["billing"] == LineBilling.PENDING and line["op_id"] is not None
    }
    return render(
        request,
        "orders/detail.html",
        status=status,
        error=error,
        detail=detail,
        order=order,
        extra=detail.extra,
        where=" › ".join(await sites.location_path(session, order.location_id)),
        asset_name=await _name(session, Asset, order.asset_id),
        department=await _name(session, Department, order.department_id),
        team=await _name(session, Team, order.team_id),
        assignee=await _name(session, User, assignee_id),
        items=items,
        people=people,
        blobs=await board.existing_blobs(session, hashes),
        teams=await sites.list_teams(session),
        technicians=await board.technicians_by_team(session),
        offer={
            action: may(actor, action, order.status, order.team_id)
            for action in ("dispatch", "assign", "cancel", "reopen")
        },
        now=now,
        duration=duration,
        decide=await _open_conflicts(session, actor, waiting),
        calls=await calls_on(session, order.id),
    )


async def _act(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    actor: Actor,
    order_id: uuid.UUID,
    action: str,
    form: ActionForm,
) -> Redirect | Template:
    try:
        order = await workflow.load(session, actor, order_id)
        meta = Meta()
        if action == "dispatch":
            team = uuid_or_none(form.team_id) or required_id("", "team_id")
            await workflow.dispatch(session, actor, meta, order, team)
        elif action == "assign":
            who = uuid_or_none(form.technician_id) or required_id("", "technician_id")
            await workflow.assign(session, actor, meta, order, who)
        elif action == "cancel":
            await workflow.cancel(session, actor, meta, order, form.reason)
        else:
            await workflow.reopen(session, actor, meta, order, form.reason)
        await session.flush()
    except NotFound:
        raise
    except RoundsError as refusal:
        await session.rollback()
        return await order_page(
            request, session, actor, order_id, status=refusal.status, error=refusal.message
        )
    return Redirect(f"{ORDERS}/{order_id}", status_code=303)


class OrderConsoleController(Controller):
    path = "/orders"

    @get("/{order_id:uuid}", guards=requires(Permission.READ_WORK_ORDERS))
    async def detail(
        self,
        request: Request[Any, Any, Any],
        order_id: FromPath[uuid.UUID],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Template:
        return await order_page(request, db_session, actor, order_id)

    @post("/{order_id:uuid}/assign", guards=requires(Permission.READ_WORK_ORDERS))
    async def assign(
        self,
        request: Request[Any, Any, Any],
        order_id: FromPath[uuid.UUID],
        data: URLEncodedBody[ActionForm],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Redirect | Template:
        """The desk, or the order's team lead (the workflow checks which)."""
        return await _act(request, db_session, actor, order_id, "assign", data)

    @post("/{order_id:uuid}/{action:str}", guards=requires(Permission.DISPATCH))
    async def act(
        self,
        request: Request[Any, Any, Any],
        order_id: FromPath[uuid.UUID],
        action: FromPath[str],
        data: URLEncodedBody[ActionForm],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Redirect | Template:
        """dispatch, cancel or reopen."""
        if action not in {"dispatch", "cancel", "reopen"}:
            raise NotFound("No such action.")
        return await _act(request, db_session, actor, order_id, action, data)
