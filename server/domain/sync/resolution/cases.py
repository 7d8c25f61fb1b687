"""What an item of the desk's queue is: a `Conflict`, or a rejected op nobody resolved,
and how one is shown (`QueueItem`) with who sent it, from which device, about what.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Conflict, Device, SyncOp, User
from server.domain.sync.subject import subject_of
from server.errors import NotFound

QueueStatus = Literal["open", "resolved"]
QueueKind = Literal["conflict", "rejected", "all"]
Resolution = Literal["keep_server", "accept", "resubmit", "merge"]
RESOLUTIONS: tuple[str, ...] = ("keep_server", "accept", "resubmit", "merge")
SUPERSEDED = "superseded"


class Person(msgspec.Struct):
    user_id: uuid.UUID
    name: str
    employee_no: str


class QueueItem(msgspec.Struct):
    """One item of the queue. `id` is the conflict's id, or the op's id for a rejected op."""

    id: uuid.UUID
    kind: str  # conflict | rejected
    status: str  # open | resolved
    op_id: uuid.UUID
    op_name: str
    op_v: int
    seq: int
    sender: Person | None
    device_id: uuid.UUID
    device_name: str
    received_at: datetime
    code: str | None
    message: str | None
    entity_type: str | None
    entity_id: uuid.UUID | None
    resolution: str | None = None
    resolved_at: datetime | None = None
    resolved_by: Person | None = None


@dataclass
class Case:
    op: SyncOp
    conflict: Conflict | None

    @property
    def kind(self) -> str:
        return "rejected" if self.op.status == "rejected" else "conflict"

    @property
    def resolved(self) -> bool:
        return self.op.resolved_at is not None or (
            self.conflict is not None and self.conflict.status != "open"
        )


def parsed(op: SyncOp) -> dict[str, Any]:
    """The op as received, parsed (`{"raw": text}` if it never parsed)."""
    try:
        value = msgspec.json.decode(op.raw.encode()) if op.raw else {}
    except msgspec.DecodeError:
        return {"raw": op.raw}
    return value if isinstance(value, dict) else {"raw": op.raw}


def args_of(op: SyncOp) -> dict[str, Any]:
    args = parsed(op).get("args")
    return args if isinstance(args, dict) else {}


def entity_of(op: SyncOp) -> tuple[str | None, uuid.UUID | None]:
    """For an op without a conflict: `asset.add_note` is about the asset in `asset_id`
    (recorded at push; read from the args for an op logged before that)."""
    if op.entity_id is not None:
        return (op.entity_type, op.entity_id)
    return subject_of(op.name, args_of(op))


async def load_case(session: AsyncSession, item_id: uuid.UUID, *, lock: bool = False) -> Case:
    """The item with this id: a conflict, or an op that was rejected or conflicted."""
    conflict = await session.get(Conflict, item_id)
    op_id = conflict.op_id if conflict is not None else item_id
    stmt = select(SyncOp).where(col(SyncOp.op_id) == op_id)
    if lock:  # serialises two desks resolving the same item (SQLite has one writer anyway)
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    op = await session.scalar(stmt)
    if op is None or (conflict is None and op.status not in ("rejected", "conflict")):
        raise NotFound("There is no conflict or rejected op with this id.")
    if conflict is None:
        conflict_stmt = select(Conflict).where(col(Conflict.op_id) == op.op_id)
        if op.conflict_id is not None:
            conflict_stmt = select(Conflict).where(col(Conflict.id) == op.conflict_id)
        conflict = await session.scalar(conflict_stmt.order_by(col(Conflict.created_at)))
    if conflict is not None and lock:
        await session.refresh(conflict)
    return Case(op, conflict)


async def people(session: AsyncSession, ids: set[uuid.UUID]) -> dict[uuid.UUID, Person]:
    if not ids:
        return {}
    users = await session.scalars(select(User).where(col(User.id).in_(ids)))
    return {user.id: Person(user.id, user.name, user.employee_no) for user in users}


async def queue_items(session: AsyncSession, cases: Sequence[Case]) -> list[QueueItem]:
    user_ids = {case_.op.user_id for case_ in cases}
    user_ids |= {
        c.conflict.resolved_by_id for c in cases if c.conflict and c.conflict.resolved_by_id
    }
    senders = await people(session, user_ids)
    device_ids = {case_.op.device_id for case_ in cases}
    devices = {
        device.id: device.name
        for device in await session.scalars(select(Device).where(col(Device.id).in_(device_ids)))
    }
    items = []
    for case_ in cases:
        op, conflict = case_.op, case_.conflict
        entity_type, entity_id = entity_of(op)
        if conflict is not None and case_.kind == "conflict":
            entity_type, entity_id = conflict.entity_type, conflict.entity_id
        resolved_by = conflict.resolved_by_id if conflict is not None else None
        items.append(
            QueueItem(
                id=conflict.id if conflict is not None and case_.kind == "conflict" else op.op_id,
                kind=case_.kind,
                status="resolved" if case_.resolved else "open",
                op_id=op.op_id,
                op_name=op.name,
                op_v=op.v,
                seq=op.seq,
                sender=senders.get(op.user_id),
                device_id=op.device_id,
                device_name=devices.get(op.device_id, ""),
                received_at=op.received_at,
                code=op.code,
                message=conflict.message if conflict and case_.kind == "conflict" else op.message,
                entity_type=entity_type,
                entity_id=entity_id,
                resolution=conflict.resolution if conflict is not None else None,
                resolved_at=(conflict.resolved_at if conflict else None) or op.resolved_at,
                resolved_by=senders.get(resolved_by) if resolved_by else None,
            )
        )
    return items
