"""The work-order ops phones push. Each one calls the same workflow function the console
uses; what differs is only how a refusal travels back (a rejected op, or a conflict that
keeps the technician's report when the order moved on meanwhile: see `late`)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import msgspec

from server.db.models import Role, WorkOrder
from server.domain.stock.parts import PartSource, item_locked
from server.domain.sync.context import OPS, OpContext
from server.domain.work import workflow as wf
from server.domain.work.late import (
    KEPT_WHEN_REFUSED,
    MOVED_AWAY,
    late_report,
    state_reason,
    why_late,
)
from server.domain.work.states import FIELD_ACTIONS
from server.errors import InvalidTransition, NotFound, RoundsError
from sync.registry import Applied, Conflicted, LockKey, OpSpec, Rejected

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


def meta_of(ctx: OpContext) -> wf.Meta:
    """Where and when: the claimed time as push bounded it (sync/clocks.py)."""
    return wf.Meta(
        ctx.received_at, ctx.claimed_at, ctx.device_id, ctx.op.op_id, False, ctx.clock_flag
    )


def _versions(order: WorkOrder) -> dict[str, int]:
    return {f"work_order:{order.id}": order.version}


Step = Callable[[OpContext, WorkOrder, Any], Awaitable[object]]


async def _target(ctx: OpContext, action: str, order_id: uuid.UUID) -> tuple[WorkOrder, bool]:
    """The order in the sender's scope, or (for field actions) one they were tied to and
    no longer see (True). Anyone else gets `unknown_work_order` and learns nothing."""
    try:
        return await wf.load(ctx.session, ctx.actor, order_id), False
    except NotFound as exc:
        tied = None
        if action in FIELD_ACTIONS and not ctx.actor.has(*DESK):
            tied = await wf.load_tied(ctx.session, ctx.actor, order_id)
        if tied is None:
            raise Rejected("unknown_work_order", exc.message) from exc
        return tied, True


async def _apply(ctx: OpContext, action: str, step: Step, args: Any) -> Applied | Conflicted:
    order, moved_away = await _target(ctx, action, args.work_order_id)
    if moved_away:
        return await late_report(ctx, order, action, args, MOVED_AWAY)
    reason = why_late(order, ctx.actor, action) if action in FIELD_ACTIONS else None
    if reason is not None:
        return await late_report(ctx, order, action, args, reason)
    try:  # a refused move raises before the step writes anything
        await step(ctx, order, args)
    except InvalidTransition:
        if action not in KEPT_WHEN_REFUSED or ctx.actor.has(*DESK):
            raise
        return await late_report(ctx, order, action, args, state_reason(order))
    await ctx.session.flush()
    return Applied(_versions(order))


def _order_op(
    action: str,
    args_type: type[Ref],
    roles: frozenset[Role],
    step: Step,
    summary: str,
    locks: Callable[[Any], Sequence[LockKey]] | None = None,
) -> None:
    async def handler(ctx: OpContext, args: Any) -> Applied | Conflicted:
        try:
            return await _apply(ctx, action, step, args)
        except RoundsError as exc:  # e.g. a part naming no stock item, kept late or not
            raise Rejected(exc.code, exc.message) from exc

    spec = OpSpec(f"work_order.{action}", 1, args_type, roles, handler, summary, locks=locks)
    OPS.register(spec)


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


@dataclass(frozen=True)
class PartArgs:
    """A part line as a stock op carries it: the order, the item, the quantity used
    (negative: brought back) and the store, bin and lot it moved from or to."""

    work_order_id: uuid.UUID
    item_id: uuid.UUID
    quantity: int
    source: PartSource | None = None


async def _part_step(ctx: OpContext, order: WorkOrder, args: Any) -> None:
    source = getattr(args, "source", None)
    await wf.add_part(
        ctx.session, ctx.actor, meta_of(ctx), order, args.item_id, args.quantity, source
    )


async def apply_part(ctx: OpContext, args: PartArgs) -> Applied | Conflicted:
    """A part line from a stock op, under exactly the rules of `work_order.add_part`: the
    sender's scope, billing, late reports when the order moved on meanwhile."""
    try:
        return await _apply(ctx, "add_part", _part_step, args)
    except RoundsError as exc:
        raise Rejected(exc.code, exc.message) from exc


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
        _part_step,
        "Record a part used (issued from the sender's van, else the site's store).",
        locks=item_locked,
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
