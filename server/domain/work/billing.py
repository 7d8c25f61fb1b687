"""The desk's billing decision on labour and part lines that wait for it.

A late line, or one from someone who may not bill the order, is `pending` (see
`late`). Resolving its conflict decides it: `accept` charges it to the department,
`keep_server` declines it, and a re-submission that applies declines it because the
re-submitted op wrote its own line: the same work is never charged twice. Each
decision leaves a `billing` event on the order naming the desk user.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import LabourLine, LineBilling, PartLine, WorkOrder
from server.domain.accounts.actor import Actor
from server.domain.work.workflow import Meta, _event


class BilledLine(msgspec.Struct):
    """A labour or part line of an op, as the desk decides about it."""

    id: uuid.UUID
    op_id: uuid.UUID | None
    kind: str  # labour | part
    work_order_id: uuid.UUID
    amount: int  # minutes of labour, or the quantity of parts
    cost_cents: int
    billing: str
    late: bool


async def _lines(session: AsyncSession, op_ids: Iterable[uuid.UUID]) -> list[LabourLine | PartLine]:
    wanted = list(op_ids)
    if not wanted:
        return []
    labour = await session.scalars(
        select(LabourLine)
        .where(col(LabourLine.op_id).in_(wanted))
        .order_by(col(LabourLine.created_at))
    )
    parts = await session.scalars(
        select(PartLine).where(col(PartLine.op_id).in_(wanted)).order_by(col(PartLine.created_at))
    )
    return [*labour, *parts]


async def lines_of(session: AsyncSession, op_ids: Iterable[uuid.UUID]) -> list[BilledLine]:
    """The lines these ops wrote, whatever their billing state."""
    return [
        BilledLine(
            id=line.id,
            op_id=line.op_id,
            kind="labour" if isinstance(line, LabourLine) else "part",
            work_order_id=line.work_order_id,
            amount=line.minutes if isinstance(line, LabourLine) else line.quantity,
            cost_cents=line.cost_cents,
            billing=str(line.billing),
            late=line.late,
        )
        for line in await _lines(session, op_ids)
    ]


async def decide(
    session: AsyncSession,
    actor: Actor,
    op_ids: Iterable[uuid.UUID],
    billing: LineBilling,
    why: str,
) -> int:
    """Accept or decline the pending lines of these ops; returns how many were decided."""
    pending = [
        line for line in await _lines(session, op_ids) if line.billing == LineBilling.PENDING
    ]
    by_order: dict[uuid.UUID, list[LabourLine | PartLine]] = {}
    for line in pending:
        line.billing = billing
        by_order.setdefault(line.work_order_id, []).append(line)
    for order_id, lines in by_order.items():
        order = await session.get(WorkOrder, order_id)
        if order is None:
            continue
        cents = sum(line.cost_cents for line in lines)
        detail = f"{billing.value}: {len(lines)} line(s), {cents / 100:.2f} ({why})"
        _event(session, order, actor, "billing", Meta(), None, detail)
    return len(pending)
