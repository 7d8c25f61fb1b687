"""One item as the desk reads it before deciding: both sides field by field, the op
verbatim, the entity it is about, and the last re-submission's outcome."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import SyncOp
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission, require
from server.domain.sync.resolution.cases import (
    Case,
    Person,
    QueueItem,
    args_of,
    load_case,
    parsed,
    people,
    queue_items,
)
from server.domain.sync.resolution.queue import require_in_scope
from server.domain.work.billing import BilledLine, lines_of


class FieldRow(msgspec.Struct):
    """One field of the two sides; `differs` when both sides have it with other values."""

    field: str
    server: Any
    device: Any
    differs: bool


class Attempt(msgspec.Struct):
    """A re-submission: the new op, what happened to it, and the desk user who sent it (it
    acted as the original op's sender: see `resolution.console`)."""

    op_id: uuid.UUID
    status: str
    code: str | None
    message: str | None
    received_at: datetime
    sent_by: Person | None = None


class ConflictDetail(msgspec.Struct):
    item: QueueItem
    server_side: dict[str, Any]
    device_side: dict[str, Any]
    fields: list[FieldRow]
    op: dict[str, Any]  # the op as received, parsed (`{"raw": text}` if it never parsed)
    args: dict[str, Any]
    chain_ok: bool
    client_time: str
    resolution_note: str
    # The time of the act as the op log recorded it (the phone's claim, within bounds): a
    # re-submission applies at this time, as the sender, from the sender's device.
    claimed_at: datetime | None
    resubmitted_as: uuid.UUID | None
    last_attempt: Attempt | None
    can_resubmit: bool
    # Labour and part lines the op (and its re-submission) wrote, with their billing state;
    # `can_accept` when some wait for the desk's decision.
    lines: list[BilledLine] = msgspec.field(default_factory=list)
    can_accept: bool = False


def _fields(server: dict[str, Any], device: dict[str, Any]) -> list[FieldRow]:
    names = list(server) + [name for name in device if name not in server]
    return [
        FieldRow(
            field=name,
            server=server.get(name),
            device=device.get(name),
            differs=name in server and name in device and server[name] != device[name],
        )
        for name in names
    ]


async def attempt_of(session: AsyncSession, op: SyncOp | None) -> Attempt | None:
    if op is None:
        return None
    sent_by = (await people(session, {op.user_id})).get(op.user_id)
    return Attempt(op.op_id, op.status, op.code, op.message, op.received_at, sent_by)


async def detail_of(session: AsyncSession, case_: Case) -> ConflictDetail:
    op, conflict = case_.op, case_.conflict
    item = (await queue_items(session, [case_]))[0]
    args = args_of(op)
    if case_.kind == "conflict" and conflict is not None:
        server_side, device_side = dict(conflict.server_side), dict(conflict.device_side)
    else:  # a refusal has no server version to compare with: the device's args alone
        server_side, device_side = {}, args
    attempt = await session.get(SyncOp, op.resubmitted_as) if op.resubmitted_as else None
    lines = await lines_of(session, [op.op_id, *([attempt.op_id] if attempt else [])])
    return ConflictDetail(
        item=item,
        server_side=server_side,
        device_side=device_side,
        fields=_fields(server_side, device_side),
        op=parsed(op),
        args=args,
        chain_ok=op.chain_ok,
        client_time=op.client_time,
        resolution_note=conflict.resolution_note if conflict is not None else "",
        claimed_at=op.claimed_at,
        resubmitted_as=op.resubmitted_as,
        last_attempt=await attempt_of(session, attempt),
        can_resubmit=bool(op.name) and "args" in parsed(op),
        lines=lines,
        can_accept=not case_.resolved
        and any(line.op_id == op.op_id and line.billing == "pending" for line in lines),
    )


async def conflict_detail(
    session: AsyncSession, actor: Actor, item_id: uuid.UUID
) -> ConflictDetail:
    """Both sides, the op verbatim, the entity it is about, and how it was resolved."""
    require(actor, Permission.RESOLVE_CONFLICTS)
    case_ = await load_case(session, item_id)
    await require_in_scope(session, actor, case_)
    return await detail_of(session, case_)
