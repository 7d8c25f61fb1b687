"""One work order as the desk reads it: the timeline of nodes, labour, parts, photos,
notes, callbacks and what it costs the department: the accepted lines only, with what
still waits for the desk's billing decision beside it (`pending_cents`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col

from server.db.models import (
    Attachment,
    Callback,
    LabourLine,
    LineBilling,
    Note,
    PartLine,
    User,
    WorkOrderEvent,
)
from server.domain.accounts.actor import Actor
from server.domain.work.schemas import WorkOrderOut
from server.domain.work.service import work_order_out
from server.domain.work.workflow import load


class TimelineEntry(msgspec.Struct):
    action: str
    from_status: str | None
    to_status: str | None
    actor: str | None
    device_id: uuid.UUID | None
    claimed_at: datetime | None
    received_at: datetime
    detail: str
    late: bool
    clock_flag: str | None = None  # the phone's claim was out of bounds: the receipt time


class WorkOrderDetail(msgspec.Struct):
    order: WorkOrderOut
    timeline: list[TimelineEntry]
    labour: list[dict[str, Any]]
    parts: list[dict[str, Any]]
    attachments: list[dict[str, Any]]
    notes: list[dict[str, Any]]
    callbacks: list[dict[str, Any]]
    labour_cents: int
    parts_cents: int
    total_cents: int
    pending_cents: int
    extra: dict[str, Any] = msgspec.field(default_factory=dict)


def _plain(row: SQLModel) -> dict[str, Any]:
    return {key: value for key, value in row.model_dump().items() if key not in {"updated_at"}}


def _billed(lines: list[LabourLine] | list[PartLine], billing: LineBilling) -> int:
    return sum(line.cost_cents for line in lines if line.billing == billing)


async def work_order_detail(
    session: AsyncSession, actor: Actor, order_id: uuid.UUID
) -> WorkOrderDetail:
    order = await load(session, actor, order_id, lock=False)

    async def rows(model: Any) -> list[Any]:
        found = await session.scalars(
            select(model)
            .where(col(model.work_order_id) == order.id)
            .order_by(col(model.created_at))
        )
        return list(found)

    events = list(
        await session.scalars(
            select(WorkOrderEvent)
            .where(col(WorkOrderEvent.work_order_id) == order.id)
            .order_by(col(WorkOrderEvent.received_at), col(WorkOrderEvent.created_at))
        )
    )
    names = dict(
        (
            await session.execute(
                select(col(User.id), col(User.name)).where(
                    col(User.id).in_({e.actor_id for e in events if e.actor_id})
                )
            )
        ).all()
    )
    labour, parts = await rows(LabourLine), await rows(PartLine)
    labour_cents = _billed(labour, LineBilling.ACCEPTED)
    parts_cents = _billed(parts, LineBilling.ACCEPTED)
    return WorkOrderDetail(
        order=work_order_out(order),
        timeline=[
            TimelineEntry(
                e.action,
                e.from_status,
                e.to_status,
                names.get(e.actor_id) if e.actor_id else None,
                e.device_id,
                e.claimed_at,
                e.received_at,
                e.detail,
                e.late,
                e.clock_flag,
            )
            for e in events
        ],
        labour=[_plain(line) for line in labour],
        parts=[_plain(line) for line in parts],
        attachments=[_plain(a) for a in await rows(Attachment)],
        notes=[_plain(n) for n in await rows(Note)],
        callbacks=[_plain(c) for c in await rows(Callback)],
        labour_cents=labour_cents,
        parts_cents=parts_cents,
        total_cents=labour_cents + parts_cents,
        pending_cents=_billed(labour, LineBilling.PENDING) + _billed(parts, LineBilling.PENDING),
        extra={
            "assignee_id": order.assignee_id,
            "rating": order.rating,
            "fixed": order.fixed,
            "rating_comment": order.rating_comment,
            "confirmed_by_id": order.confirmed_by_id,
            "signature_sha256": order.signature_sha256,
            "resolution": order.resolution,
            "arrived_at": order.arrived_at,
            "completed_at": order.completed_at,
            "response_due_at": order.response_due_at,
            "resolution_due_at": order.resolution_due_at,
        },
    )
