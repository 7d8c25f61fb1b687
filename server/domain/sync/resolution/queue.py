"""The queue: open items newest received first, resolved ones latest resolved first, each
limited to the sites of a desk user who has site limits (`policy.scope_queue_items`)."""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import String, case, func, literal_column, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Conflict, SyncOp
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission, require, scope_queue_items
from server.domain.paging import PageRequest
from server.domain.sync.resolution.cases import (
    SUPERSEDED,
    Case,
    QueueItem,
    QueueKind,
    QueueStatus,
    queue_items,
)
from server.errors import NotFound


class QueuePage(msgspec.Struct):
    items: list[QueueItem]
    total: int
    limit: int
    offset: int


def _scoped(actor: Actor, stmt: Any, about: type[Conflict] | type[SyncOp]) -> Any:
    """Items in the actor's sites, by what `about` names as their subject: the conflict
    (open conflicts, every resolved item) or the op, read from its args at push (open
    rejected ops)."""
    return scope_queue_items(
        actor,
        stmt,
        entity_type=col(about.entity_type),
        entity_id=col(about.entity_id),
        sender_id=col(SyncOp.user_id),
    )


def _open_items(actor: Actor, kind: QueueKind) -> Any:
    conflicts: Any = _scoped(
        actor,
        (
            select(
                col(Conflict.id).label("item_id"),
                literal_column("'conflict'", String).label("kind"),
                col(SyncOp.received_at).label("at"),
            )
            .join(SyncOp, col(SyncOp.op_id) == col(Conflict.op_id))
            .where(col(Conflict.status) == "open")
        ),
        Conflict,
    )
    rejected: Any = _scoped(
        actor,
        select(
            col(SyncOp.op_id).label("item_id"),
            literal_column("'rejected'", String).label("kind"),
            col(SyncOp.received_at).label("at"),
        ).where(col(SyncOp.status) == "rejected", col(SyncOp.resolved_at).is_(None)),
        SyncOp,
    )
    if kind == "conflict":
        return conflicts.subquery()
    if kind == "rejected":
        return rejected.subquery()
    return union_all(conflicts, rejected).subquery()


def _resolved_items(actor: Actor, kind: QueueKind) -> Any:
    stmt = (
        select(
            col(Conflict.id).label("item_id"),
            case((col(SyncOp.status) == "rejected", "rejected"), else_="conflict").label("kind"),
            col(Conflict.resolved_at).label("at"),
        )
        .join(SyncOp, col(SyncOp.op_id) == col(Conflict.op_id))
        .where(col(Conflict.status) == "resolved", col(Conflict.resolution) != SUPERSEDED)
    )
    if kind == "conflict":
        stmt = stmt.where(col(SyncOp.status) != "rejected")
    elif kind == "rejected":
        stmt = stmt.where(col(SyncOp.status) == "rejected")
    return _scoped(actor, stmt, Conflict).subquery()


async def list_queue(
    session: AsyncSession,
    actor: Actor,
    status: QueueStatus = "open",
    kind: QueueKind = "all",
    page: PageRequest | None = None,
) -> tuple[list[QueueItem], int]:
    """Open items (newest received first) or resolved ones (latest resolved first)."""
    require(actor, Permission.RESOLVE_CONFLICTS)
    page = page or PageRequest()
    items = _resolved_items(actor, kind) if status == "resolved" else _open_items(actor, kind)
    total = await session.scalar(select(func.count()).select_from(items)) or 0
    rows = (
        await session.execute(
            select(items.c.item_id, items.c.kind)
            .order_by(items.c.at.desc(), items.c.item_id)
            .limit(page.limit)
            .offset(page.offset)
        )
    ).all()
    # Resolved items and open conflicts are conflict ids; open rejected items are op ids.
    is_conflict = [status == "resolved" or kind_ == "conflict" for _, kind_ in rows]
    conflict_ids = [row[0] for row, yes in zip(rows, is_conflict, strict=True) if yes]
    conflicts = {
        conflict.id: conflict
        for conflict in await session.scalars(
            select(Conflict).where(col(Conflict.id).in_(conflict_ids))
        )
    }
    op_ids = {conflict.op_id for conflict in conflicts.values()}
    op_ids |= {row[0] for row, yes in zip(rows, is_conflict, strict=True) if not yes}
    ops = {
        op.op_id: op
        for op in await session.scalars(select(SyncOp).where(col(SyncOp.op_id).in_(op_ids)))
    }
    cases = [
        Case(ops[conflicts[item_id].op_id], conflicts[item_id]) if yes else Case(ops[item_id], None)
        for (item_id, _), yes in zip(rows, is_conflict, strict=True)
    ]
    return await queue_items(session, cases), total


async def require_in_scope(session: AsyncSession, actor: Actor, case_: Case) -> None:
    """An item outside the actor's sites is not found: opening or resolving it by id
    teaches nothing about it (the rule is `policy.scope_queue_items`)."""
    if not actor.site_limited:
        return
    stmt = select(col(SyncOp.op_id)).where(col(SyncOp.op_id) == case_.op.op_id)
    if case_.conflict is not None:
        joined = stmt.join(Conflict, col(Conflict.id) == case_.conflict.id)
        stmt = _scoped(actor, joined, Conflict)
    else:
        stmt = _scoped(actor, stmt, SyncOp)
    if await session.scalar(stmt) is None:
        raise NotFound("There is no conflict or rejected op with this id.")


async def count_open(session: AsyncSession, actor: Actor) -> int:
    _, total = await list_queue(session, actor, "open", "all", PageRequest(limit=1))
    return total
