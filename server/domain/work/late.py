"""Late reports: work a technician recorded offline on an order that moved on meanwhile.

The order was cancelled, reassigned, moved to another team, finished, or the sender may
not bill it: what the op carried (labour, parts, photos, notes, a completion report) is
kept on the order flagged `late`, an event records it with the sender's device and time,
and the op answers `conflict` so the desk decides. Labour and part lines kept this way
are `pending`: nothing is charged until the desk accepts them.
"""

from __future__ import annotations

from typing import Any

import msgspec

from server.db.models import WorkOrder, WorkOrderStatus
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import OVERSEERS, may_bill_work
from server.domain.sync.context import OpContext
from server.domain.work import workflow as wf
from server.domain.work.states import FINISHED
from sync.registry import Conflicted

LINE_ACTIONS = frozenset({"log_labour", "add_part"})
# Content that a state refusal must not lose: kept as a late report instead of rejected.
KEPT_WHEN_REFUSED = LINE_ACTIONS | {"attach"}
MOVED_AWAY = "The work order was moved to another team meanwhile"
CANCELLED = "The work order was cancelled meanwhile"
REASSIGNED = "The work order was reassigned meanwhile"
NOT_BILLABLE = "Only the assignee or the lead of the order's team may bill work on this order"
KEPT = "; your report is kept on it and the desk will decide."


def state_reason(order: WorkOrder) -> str:
    return f"The work order was {WorkOrderStatus(order.status).value.replace('_', ' ')} meanwhile"


def why_late(order: WorkOrder, actor: Actor, action: str) -> str | None:
    """Why this field action cannot apply as sent (None: it may). The desk acts online,
    so its actions are applied or refused, never late; a note is appended whatever the
    state of an order the sender sees."""
    if actor.has(*OVERSEERS) or action == "note":
        return None
    status = WorkOrderStatus(order.status)
    reassigned = order.assignee_id is not None and order.assignee_id != actor.user_id
    if status == WorkOrderStatus.CANCELLED:
        reason: str | None = CANCELLED
    elif action in LINE_ACTIONS:
        reason = None if may_bill_work(actor, order) else NOT_BILLABLE
    elif reassigned:
        reason = REASSIGNED
    elif action == "complete" and status in FINISHED:
        reason = state_reason(order)
    else:
        reason = None
    return reason


async def _keep(ctx: OpContext, order: WorkOrder, action: str, args: Any) -> str:
    """Store the op's content on the order, flagged late; returns the event's detail."""
    meta = wf.Meta(
        ctx.received_at, ctx.claimed_at, ctx.device_id, ctx.op.op_id, True, ctx.clock_flag
    )
    session, actor = ctx.session, ctx.actor
    if action == "log_labour":
        await wf.log_labour(session, actor, meta, order, args.minutes, args.grade)
        detail = f"{args.minutes} min"
    elif action == "add_part":
        source = getattr(args, "source", None)  # a stock op names its store and lot
        await wf.add_part(session, actor, meta, order, args.item_id, args.quantity, source)
        detail = f"{args.quantity} x item"
    elif action == "attach":
        await wf.attach(session, actor, meta, order, args.sha256, args.kind, args.caption)
        detail = args.kind
    elif action == "note":
        await wf.note(session, actor, meta, order, args.text)
        detail = args.text
    elif action == "complete":
        detail = f"Late completion report: {args.resolution}"
        await wf.note(session, actor, meta, order, detail)
    else:
        detail = f"Late {action.replace('_', ' ')} from the field."
        await wf.note(session, actor, meta, order, detail)
    wf._event(session, order, actor, action, meta, None, detail)
    return detail


async def late_report(
    ctx: OpContext, order: WorkOrder, action: str, args: Any, reason: str
) -> Conflicted:
    """Keep what the technician carried on the order, flagged late, and tell the desk."""
    await _keep(ctx, order, action, args)
    await ctx.session.flush()
    return Conflicted(
        message=reason + KEPT,
        entity_type="work_order",
        entity_id=order.id,
        server_side={
            "status": str(order.status),
            "team_id": str(order.team_id),
            "assignee_id": str(order.assignee_id),
            "version": order.version,
        },
        device_side={
            "action": action,
            "args": msgspec.to_builtins(args),
            "by": ctx.actor.employee_no,
            "client_time": ctx.op.client_time,
        },
        entity_versions={f"work_order:{order.id}": order.version},
    )
