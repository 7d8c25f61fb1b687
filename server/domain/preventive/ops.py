"""`work_order.inspect`: the assignee records the checklist of an inspection order.

A failed check, or a reading outside its range, opens a corrective order for the same
asset (through `workflow.report`, as if the technician had reported the fault) and the
result points at it in `follow_up_order_id`.
"""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec
from sqlalchemy import select
from sqlmodel import col

from server.db.models import (
    ChecklistItem,
    ChecklistItemKind,
    InspectionOutcome,
    InspectionResult,
    PmPlan,
    PmPlanOrder,
    WorkOrder,
)
from server.domain.sync.context import OPS, OpContext
from server.domain.work import workflow as wf
from server.domain.work.ops import FIELD, meta_of
from server.errors import NotFound, RoundsError
from sync.registry import Applied, OpSpec, Rejected

# A failed check opens a follow-up of this priority (2: within a working day).
FOLLOW_UP_PRIORITY = 2


class ResultArgs(msgspec.Struct, forbid_unknown_fields=True):
    item_id: uuid.UUID
    outcome: Annotated[str, msgspec.Meta(pattern="^(pass|fail|value)$")]
    value: float | None = None
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class Inspect(msgspec.Struct, forbid_unknown_fields=True):
    work_order_id: uuid.UUID
    results: Annotated[list[ResultArgs], msgspec.Meta(min_length=1, max_length=200)]


async def checklist_items(ctx: OpContext, order: WorkOrder) -> dict[uuid.UUID, ChecklistItem]:
    """The items of the checklist of the plan that opened `order`."""
    checklist_id = await ctx.session.scalar(
        select(col(PmPlan.checklist_id))
        .join(PmPlanOrder, col(PmPlanOrder.plan_id) == col(PmPlan.id))
        .where(col(PmPlanOrder.work_order_id) == order.id)
    )
    if checklist_id is None:
        return {}
    items = await ctx.session.scalars(
        select(ChecklistItem).where(col(ChecklistItem.checklist_id) == checklist_id)
    )
    return {item.id: item for item in items}


def failure(item: ChecklistItem, result: ResultArgs) -> str | None:
    """Why a result needs a follow-up, or None when it is within limits."""
    if result.outcome == InspectionOutcome.FAIL:
        return "failed"
    if result.outcome != InspectionOutcome.VALUE or result.value is None:
        return None
    unit = f" {item.unit}" if item.unit else ""
    if item.min_value is not None and result.value < item.min_value:
        return f"reading {result.value:g}{unit} is below the minimum {item.min_value:g}{unit}"
    if item.max_value is not None and result.value > item.max_value:
        return f"reading {result.value:g}{unit} is above the maximum {item.max_value:g}{unit}"
    return None


def _check(item: ChecklistItem | None, result: ResultArgs) -> ChecklistItem:
    if item is None:
        raise Rejected("invalid_args", f"Item {result.item_id} is not on this order's checklist.")
    if item.kind == ChecklistItemKind.VALUE:
        if result.outcome != InspectionOutcome.VALUE or result.value is None:
            raise Rejected("invalid_args", f"{item.text!r} needs a reading (outcome value).")
    elif result.outcome == InspectionOutcome.VALUE:
        raise Rejected("invalid_args", f"{item.text!r} is a pass or fail check.")
    return item


async def _inspect(ctx: OpContext, args: Inspect) -> Applied:
    session, actor, meta = ctx.session, ctx.actor, meta_of(ctx)
    try:
        order = await wf.load(session, actor, args.work_order_id)
    except NotFound as exc:
        raise Rejected("unknown_work_order", exc.message) from exc
    items = await checklist_items(ctx, order)
    if not items:
        raise Rejected("no_checklist", "This work order has no checklist to record.")
    checked = [(_check(items.get(r.item_id), r), r) for r in args.results]
    versions: dict[str, int] = {}
    follow_ups: list[WorkOrder] = []
    try:
        wf.record_inspection(
            session, actor, meta, order, f"{len(checked)} of {len(items)} checklist items"
        )
        for item, result in checked:
            row = InspectionResult(
                work_order_id=order.id,
                checklist_item_id=item.id,
                outcome=InspectionOutcome(result.outcome),
                value=result.value,
                note=result.note.strip(),
                op_id=meta.op_id,
                recorded_by_id=actor.user_id,
                recorded_at=meta.when,
            )
            why = failure(item, result)
            if why is not None:
                follow_up = await wf.report(
                    session,
                    actor,
                    meta,
                    order_id=uuid.uuid5(meta.op_id or uuid.uuid4(), str(item.id)),
                    description=f"Inspection {order.number}: {item.text!r} {why}."
                    + (f" {result.note.strip()}" if result.note.strip() else ""),
                    priority=FOLLOW_UP_PRIORITY,
                    asset_id=order.asset_id,
                    location_id=order.location_id,
                    category=order.category,
                )
                row.follow_up_order_id = follow_up.id
                follow_ups.append(follow_up)
            session.add(row)
    except RoundsError as exc:
        raise Rejected(exc.code, exc.message) from exc
    await session.flush()
    for touched in [order, *follow_ups]:
        versions[f"work_order:{touched.id}"] = touched.version
    return Applied(versions)


OPS.register(
    OpSpec(
        "work_order.inspect",
        1,
        Inspect,
        FIELD,
        _inspect,
        "Record an inspection checklist; failures open corrective orders.",
    )
)
