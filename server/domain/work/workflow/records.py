"""What a job consumed and recorded: labour, parts, photos and notes. Each may also be
kept as a late report (`meta.late`) when the order moved on meanwhile; a late labour or
part line waits for the desk's billing decision (`LineBilling.PENDING`).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import (
    Attachment,
    Item,
    LabourLine,
    LineBilling,
    Note,
    PartLine,
    Team,
    User,
    WorkOrder,
)
from server.domain.accounts.actor import Actor
from server.domain.work.workflow.core import (
    Meta,
    _move,
    _require_biller,
)
from server.errors import (
    InvalidInput,
)

if TYPE_CHECKING:
    from server.domain.stock.parts import PartSource


def _billing(meta: Meta) -> LineBilling:
    """On time means from someone who may bill (checked above); late waits for the desk."""
    return LineBilling.PENDING if meta.late else LineBilling.ACCEPTED


async def log_labour(
    session: AsyncSession, actor: Actor, meta: Meta, order: WorkOrder, minutes: int, grade: str
) -> LabourLine:
    """Priced from the rate card in force for the technician's trade and grade."""
    from server.domain.work.pricing import hourly_rate

    if not meta.late:
        _require_biller(order, actor)
        _move(session, order, actor, "log_labour", meta, f"{minutes} min")
    user = await session.get(User, actor.user_id)
    team = await session.get(Team, user.team_id) if user and user.team_id else None
    trade = team.trade if team else "general"
    rate = await hourly_rate(session, trade, grade, meta.when.date())
    line = LabourLine(
        work_order_id=order.id,
        technician_id=actor.user_id,
        minutes=minutes,
        trade=trade,
        grade=grade,
        hourly_rate_cents=rate,
        cost_cents=round(rate * minutes / 60),
        op_id=meta.op_id,
        late=meta.late,
        billing=_billing(meta),
    )
    session.add(line)
    return line


async def add_part(
    session: AsyncSession,
    actor: Actor,
    meta: Meta,
    order: WorkOrder,
    item_id: uuid.UUID,
    quantity: int,
    source: PartSource | None = None,
) -> PartLine:
    """A part used (or, with a negative quantity, brought back unused): the line is a
    ledger movement (`stock.parts.take_part`), priced at the value it moved at."""
    from server.domain.stock.parts import Stamp, take_part

    if not meta.late:
        _require_biller(order, actor)
        _move(session, order, actor, "add_part", meta, f"{quantity} x item")
    item = await session.get(Item, item_id)
    if item is None:
        raise InvalidInput("No such stock item.", field="item_id")
    stamp = Stamp(
        actor.user_id, meta.when, meta.received_at, meta.device_id, meta.op_id, meta.clock_flag
    )
    moved = await take_part(session, actor, stamp, order, item, quantity, source)
    unit_cost = moved.unit_cost_cents if moved is not None else item.unit_cost_cents
    line = PartLine(
        work_order_id=order.id,
        item_id=item.id,
        quantity=quantity,
        unit_cost_cents=unit_cost,
        # What left the store is the order's cost (a return, negative, credits it).
        cost_cents=-moved.value_cents if moved is not None else unit_cost * quantity,
        op_id=meta.op_id,
        late=meta.late,
        billing=_billing(meta),
        movement_id=moved.id if moved is not None else None,
    )
    session.add(line)
    return line


async def attach(
    session: AsyncSession,
    actor: Actor,
    meta: Meta,
    order: WorkOrder,
    sha256: str,
    kind: str,
    caption: str = "",
) -> None:
    if not meta.late:
        _move(session, order, actor, "attach", meta, kind)
    session.add(
        Attachment(
            work_order_id=order.id,
            sha256=sha256,
            kind=kind,
            caption=caption[:200],
            op_id=meta.op_id,
            late=meta.late,
        )
    )


async def note(
    session: AsyncSession, actor: Actor, meta: Meta, order: WorkOrder, text: str
) -> None:
    """Notes are appended, never replaced, whatever the order's state."""
    if not meta.late:
        _move(session, order, actor, "note", meta, text)
    session.add(
        Note(
            work_order_id=order.id,
            author_id=actor.user_id,
            text=text.strip(),
            op_id=meta.op_id,
            late=meta.late,
        )
    )
