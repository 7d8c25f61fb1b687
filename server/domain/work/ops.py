"""The work-order ops phones push. Each one calls the same workflow function the console
uses; what differs is only how a refusal travels back (a rejected op, or a conflict that
keeps the technician's report when the order moved on meanwhile)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import msgspec

from server.db.models import Role, WorkOrder, WorkOrderStatus
from server.domain.accounts.actor import Actor
from server.domain.sync.context import OPS, OpContext
from server.domain.work import workflow as wf
from server.domain.work.states import FIELD_ACTIONS, FINISHED
from server.errors import NotFound, RoundsError
from sync.registry import Applied, Conflicted, OpSpec, Rejected

EVERYONE = frozenset(Role)
FIELD = frozenset({Role.TECHNICIAN, Role.TEAM_LEAD, Role.DESK, Role.SUPERVISOR, Role.ADMIN})
LEADS = frozenset({Role.TEAM_LEAD, Role.DESK, Role.SUPERVISOR, Role.ADMIN})
DESK = frozenset({Role.DESK, Role.SUPERVISOR, Role.ADMIN})
CONFIRMERS = FIELD | {Role.REQUESTER}
Sha = Annotated[str, msgspec.Meta(pattern="^[0-9a-f]{64}$")]
Text = Annotated[str, msgspec.Meta(max_length=4000)]


class Ref(msgspec.Struct, forbid_unknown_fields=True):
    work_order_id: uuid.UUID


class Report(msgspec.Struct, forbid_unknown_fields=True):
    work_order_id: uuid.UUID
    description: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]
    priority: Annotated[int, msgspec.Meta(ge=1, le=5)] = 3
    asset_id: uuid.UUID | None = None
    location_id: uuid.UUID | None = None
    category: Annotated[str, msgspec.Meta(max_length=60)] = ""
    photos: list[Sha] = msgspec.field(default_factory=list)


class Dispatch(Ref, forbid_unknown_fields=True):
    team_id: uuid.UUID


class Assign(Ref, forbid_unknown_fields=True):
    technician_id: uuid.UUID


class Hold(Ref, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class Labour(Ref, forbid_unknown_fields=True):
    minutes: Annotated[int, msgspec.Meta(ge=1, le=24 * 60)]
    grade: Annotated[str, msgspec.Meta(max_length=40)] = "technician"


class Part(Ref, forbid_unknown_fields=True):
    item_id: uuid.UUID
    quantity: Annotated[int, msgspec.Meta(ge=1, le=10_000)]


class Attach(Ref, forbid_unknown_fields=True):
    sha256: Sha
    kind: Annotated[str, msgspec.Meta(pattern="^(photo|signature)$")] = "photo"
    caption: Annotated[str, msgspec.Meta(max_length=200)] = ""


class NoteArgs(Ref, forbid_unknown_fields=True):
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]


class Complete(Ref, forbid_unknown_fields=True):
    resolution: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]


class Confirm(Ref, forbid_unknown_fields=True):
    employee_no: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
    signature_sha256: Sha


class Rate(Ref, forbid_unknown_fields=True):
    score: Annotated[int, msgspec.Meta(ge=1, le=5)]
    fixed: bool
    comment: Text = ""


class CallbackArgs(msgspec.Struct, forbid_unknown_fields=True):
    callback_id: uuid.UUID
    outcome: Annotated[str, msgspec.Meta(pattern="^(reopen|explained|escalated)$")]
    note: Text = ""


class Reason(Ref, forbid_unknown_fields=True):
    reason: Text = ""


def meta_of(ctx: OpContext, *, late: bool = False) -> wf.Meta:
    """Where and when: the claimed time as push bounded it (sync/clocks.py)."""
    return wf.Meta(
        ctx.received_at, ctx.claimed_at, ctx.device_id, ctx.op.op_id, late, ctx.clock_flag
    )


def _versions(order: WorkOrder) -> dict[str, int]:
    return {f"work_order:{order.id}": order.version}


def _moved_on(order: WorkOrder, actor: Actor, action: str) -> bool:
    """The order changed under the technician: cancelled, reassigned, or done by another."""
    if actor.has(*DESK):
        return False
    status = WorkOrderStatus(order.status)
    if status == WorkOrderStatus.CANCELLED:
        return True
    if order.assignee_id is not None and order.assignee_id != actor.user_id:
        return True
    return action == "complete" and status in FINISHED


async def _late_report(ctx: OpContext, order: WorkOrder, action: str, args: Any) -> Conflicted:
    """Keep what the technician carried on the order, flagged late, and tell the desk."""
    meta = meta_of(ctx, late=True)
    session, actor = ctx.session, ctx.actor
    if isinstance(args, Labour):
        await wf.log_labour(session, actor, meta, order, args.minutes, args.grade)
    elif isinstance(args, Part):
        await wf.add_part(session, actor, meta, order, args.item_id, args.quantity)
    elif isinstance(args, Attach):
        await wf.attach(session, actor, meta, order, args.sha256, args.kind, args.caption)
    elif isinstance(args, Complete):
        await wf.note(session, actor, meta, order, f"Late completion report: {args.resolution}")
    else:
        await wf.note(
            session, actor, meta, order, f"Late {action.replace('_', ' ')} from the field."
        )
    await session.flush()
    return Conflicted(
        message=f"The work order was {WorkOrderStatus(order.status).value.replace('_', ' ')}"
        " or reassigned meanwhile; your report is kept on it and the desk will follow up.",
        entity_type="work_order",
        entity_id=order.id,
        server_side={
            "status": str(order.status),
            "assignee_id": str(order.assignee_id),
            "version": order.version,
        },
        device_side={
            "action": action,
            "args": msgspec.to_builtins(args),
            "by": actor.employee_no,
            "client_time": ctx.op.client_time,
        },
        entity_versions=_versions(order),
    )


Step = Callable[[OpContext, WorkOrder, Any], Awaitable[object]]


def _order_op(
    action: str, args_type: type[Ref], roles: frozenset[Role], step: Step, summary: str
) -> None:
    async def handler(ctx: OpContext, args: Any) -> Applied | Conflicted:
        try:
            order = await wf.load(ctx.session, ctx.actor, args.work_order_id)
        except NotFound as exc:
            raise Rejected("unknown_work_order", exc.message) from exc
        if action in FIELD_ACTIONS and _moved_on(order, ctx.actor, action):
            return await _late_report(ctx, order, action, args)
        try:
            await step(ctx, order, args)
        except RoundsError as exc:
            raise Rejected(exc.code, exc.message) from exc
        await ctx.session.flush()
        return Applied(_versions(order))

    OPS.register(OpSpec(f"work_order.{action}", 1, args_type, roles, handler, summary))


async def _report(ctx: OpContext, args: Report) -> Applied:
    try:
        order = await wf.report(
            ctx.session,
            ctx.actor,
            meta_of(ctx),
            order_id=args.work_order_id,
            description=args.description,
            priority=args.priority,
            asset_id=args.asset_id,
            location_id=args.location_id,
            category=args.category,
        )
        for sha in args.photos:
            await wf.attach(ctx.session, ctx.actor, meta_of(ctx), order, sha, "photo")
    except RoundsError as exc:
        raise Rejected(exc.code, exc.message) from exc
    await ctx.session.flush()
    return Applied(_versions(order))


async def _callback(ctx: OpContext, args: CallbackArgs) -> Applied:
    try:
        callback = await wf.record_callback(
            ctx.session, ctx.actor, meta_of(ctx), args.callback_id, args.outcome, args.note
        )
    except RoundsError as exc:
        raise Rejected(exc.code, exc.message) from exc
    await ctx.session.flush()
    return Applied({f"callback:{callback.id}": callback.version})


def _technician_step(action: str) -> Step:
    async def step(ctx: OpContext, order: WorkOrder, _: Any) -> None:
        await wf.technician_step(ctx.session, ctx.actor, meta_of(ctx), order, action)

    return step


def _register() -> None:
    s, m = wf, meta_of
    OPS.register(
        OpSpec(
            "work_order.report",
            1,
            Report,
            EVERYONE,
            _report,
            "Report a fault at an asset or a room.",
        )
    )
    _order_op(
        "dispatch",
        Dispatch,
        DESK,
        lambda c, o, x: s.dispatch(c.session, c.actor, m(c), o, x.team_id),
        "Send the order to a team.",
    )
    _order_op(
        "assign",
        Assign,
        LEADS,
        lambda c, o, x: s.assign(c.session, c.actor, m(c), o, x.technician_id),
        "The team accepts and names the technician.",
    )
    for step in ("accept", "start", "resume"):
        _order_op(step, Ref, FIELD, _technician_step(step), f"The technician's {step}.")
    _order_op(
        "hold",
        Hold,
        FIELD,
        lambda c, o, x: s.technician_step(c.session, c.actor, m(c), o, "hold", x.reason),
        "Pause: waiting for parts, access or a contractor.",
    )
    _order_op(
        "log_labour",
        Labour,
        FIELD,
        lambda c, o, x: s.log_labour(c.session, c.actor, m(c), o, x.minutes, x.grade),
        "Log labour, priced from the rate card.",
    )
    _order_op(
        "add_part",
        Part,
        FIELD,
        lambda c, o, x: s.add_part(c.session, c.actor, m(c), o, x.item_id, x.quantity),
        "Record a part used.",
    )
    _order_op(
        "attach",
        Attach,
        CONFIRMERS,
        lambda c, o, x: s.attach(c.session, c.actor, m(c), o, x.sha256, x.kind, x.caption),
        "Attach a photo.",
    )
    _order_op(
        "note",
        NoteArgs,
        EVERYONE,
        lambda c, o, x: s.note(c.session, c.actor, m(c), o, x.text),
        "Append a note.",
    )
    _order_op(
        "complete",
        Complete,
        FIELD,
        lambda c, o, x: s.complete(c.session, c.actor, m(c), o, x.resolution),
        "The repair is done.",
    )
    _order_op(
        "confirm",
        Confirm,
        CONFIRMERS,
        lambda c, o, x: s.confirm(c.session, c.actor, m(c), o, x.employee_no, x.signature_sha256),
        "The requester confirms on the spot.",
    )
    _order_op(
        "rate",
        Rate,
        frozenset({Role.REQUESTER}),
        lambda c, o, x: s.rate(c.session, c.actor, m(c), o, x.score, x.comment, x.fixed),
        "The requesting department rates it.",
    )
    _order_op(
        "cancel",
        Reason,
        DESK,
        lambda c, o, x: s.cancel(c.session, c.actor, m(c), o, x.reason),
        "Cancel the order.",
    )
    _order_op(
        "reopen",
        Reason,
        DESK,
        lambda c, o, x: s.reopen(c.session, c.actor, m(c), o, x.reason),
        "Reopen a finished order.",
    )
    OPS.register(
        OpSpec(
            "work_order.callback", 1, CallbackArgs, DESK, _callback, "Record the desk's call back."
        )
    )


_register()
