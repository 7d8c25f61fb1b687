"""Deciding about an item, once: close it (declining the labour and parts a late report
kept), accept it (charging them), or apply its intent again (as sent, or with args the
desk edited) and close it if that applies; a refused re-submission is folded into the
item, which stays open. Billing follows the decision (`server.domain.work.billing`)."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Conflict, LineBilling, SyncOp
from server.db.types import utcnow
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission, require
from server.domain.sync.catalogue import load_ops
from server.domain.sync.resolution.cases import (
    RESOLUTIONS,
    SUPERSEDED,
    Case,
    args_of,
    entity_of,
    load_case,
    parsed,
    people,
)
from server.domain.sync.resolution.console import resubmit
from server.domain.sync.resolution.detail import Attempt, ConflictDetail, attempt_of, detail_of
from server.domain.sync.resolution.queue import require_in_scope
from server.domain.work import billing
from server.errors import AlreadyResolved, InvalidInput
from sync.registry import Rejected


class ResolveOutcome(msgspec.Struct):
    """`resolved` is false when a re-submission conflicted or was rejected: see `attempt`."""

    resolved: bool
    attempt: Attempt | None
    detail: ConflictDetail


async def resolve(
    session: AsyncSession,
    actor: Actor,
    item_id: uuid.UUID,
    resolution: str,
    note: str = "",
    edited_args: Any = None,
) -> ResolveOutcome:
    """Decide about an item once. A second decision is `already_resolved` (409)."""
    require(actor, Permission.RESOLVE_CONFLICTS)
    if resolution not in RESOLUTIONS:
        raise InvalidInput(f"A resolution is one of {', '.join(RESOLUTIONS)}.")
    case_ = await load_case(session, item_id, lock=True)
    await require_in_scope(session, actor, case_)
    if case_.resolved:
        raise await _already_resolved(session, case_)
    note = note.strip()[:2000]
    attempt: SyncOp | None = None
    original = [case_.op.op_id]
    if resolution == "keep_server":
        await billing.decide(session, actor, original, LineBilling.DECLINED, "server kept")
        _close(session, case_, actor, resolution, note)
    elif resolution == "accept":
        if not await billing.decide(session, actor, original, LineBilling.ACCEPTED, "accepted"):
            raise InvalidInput(
                "Nothing on this item waits for billing: accepting charges the labour or parts"
                " a late report kept. Keep the server's version or re-submit instead."
            )
        _close(session, case_, actor, resolution, note)
    else:
        args = _args_to_submit(case_.op, resolution, edited_args)
        attempt = await resubmit(session, actor, case_.op, args)
        case_.op.resubmitted_as = attempt.op_id
        if attempt.status == "applied":  # its own lines are charged: the kept ones are not
            await billing.decide(session, actor, original, LineBilling.DECLINED, "re-submitted")
            _close(session, case_, actor, resolution, note)
        else:  # the attempt kept a second copy of the same work: never to be charged
            copy = [attempt.op_id]
            await billing.decide(session, actor, copy, LineBilling.DECLINED, "copy of a refusal")
            await _fold(session, actor, attempt, case_.op)
    await session.flush()
    return ResolveOutcome(
        resolved=case_.resolved,
        attempt=await attempt_of(session, attempt),
        detail=await detail_of(session, case_),
    )


async def _already_resolved(session: AsyncSession, case_: Case) -> AlreadyResolved:
    conflict = case_.conflict
    who = ""
    if conflict is not None and conflict.resolved_by_id is not None:
        person = (await people(session, {conflict.resolved_by_id})).get(conflict.resolved_by_id)
        who = f" by {person.name} ({person.employee_no})" if person else ""
    when = (conflict.resolved_at if conflict else None) or case_.op.resolved_at
    how = f" ({conflict.resolution})" if conflict is not None and conflict.resolution else ""
    stamp = f" at {when:%Y-%m-%d %H:%M} UTC" if when else ""
    return AlreadyResolved(f"This was already resolved{how}{who}{stamp}.")


def _args_to_submit(op: SyncOp, resolution: str, edited_args: Any) -> dict[str, Any]:
    """The args to re-submit, checked against the op's schema first: 422 changes nothing."""
    if not op.name or "args" not in parsed(op):
        raise InvalidInput(
            "This op could not be read, so it cannot be re-submitted; keep the server's "
            "version to close it."
        )
    args = args_of(op) if resolution == "resubmit" else edited_args
    if not isinstance(args, dict):
        raise InvalidInput("Edit and re-submit needs the op's args as a JSON object.")
    spec = load_ops().get(op.name, op.v)
    if spec is not None:
        try:
            load_ops().decode_args(spec, args)
        except Rejected as refusal:
            raise InvalidInput(f"These args are not valid: {refusal.message}") from refusal
    return args


def _close(session: AsyncSession, case_: Case, actor: Actor, resolution: str, note: str) -> None:
    now = utcnow()
    conflict = case_.conflict
    if conflict is None:  # a rejected op: the record of the decision is written now
        entity_type, entity_id = entity_of(case_.op)
        conflict = Conflict(
            op_id=case_.op.op_id,
            entity_type=entity_type or "op",
            entity_id=entity_id or case_.op.op_id,
            message=case_.op.message or "",
            server_side={"code": case_.op.code, "message": case_.op.message},
            device_side=args_of(case_.op),
        )
        session.add(conflict)
        case_.conflict = conflict
    conflict.status = "resolved"
    conflict.resolution = resolution
    conflict.resolution_note = note
    conflict.resolved_by_id = actor.user_id
    conflict.resolved_at = now
    case_.op.resolved_at = now


async def _fold(session: AsyncSession, actor: Actor, attempt: SyncOp, original: SyncOp) -> None:
    """A failed re-submission belongs to the original item, which stays open."""
    now = utcnow()
    attempt.resolved_at = now
    if attempt.conflict_id is not None:
        conflict = await session.get(Conflict, attempt.conflict_id)
        if conflict is not None:
            conflict.status, conflict.resolution = "resolved", SUPERSEDED
            conflict.resolution_note = f"Re-submission of op {original.op_id}, which stays open."
            conflict.resolved_by_id, conflict.resolved_at = actor.user_id, now
