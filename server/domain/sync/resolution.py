"""The desk's queue: conflicting and rejected ops, and what the desk decides about each.

An item of the queue is a `Conflict` (an op that met a state it could not apply to, with
both sides) or a rejected `SyncOp` that nobody has resolved. The desk resolves an item by

- `keep_server`: close it. The device's content stays in the op log and in the conflict
  record; nothing else changes.
- `resubmit`: apply the op's intent again as a new op (new op_id, same name and version,
  the original args) of the desk's own "console" stream, through the same path a phone's
  push takes (`push.apply_op`), so the same handler, savepoint and op log apply.
- `merge`: the same, with args the desk edited.

Every resolution records who, when, which and the desk's note on a `Conflict` row (for a
rejected op, which has none, one is written at resolution as the record of the decision)
and sets the original op's `resolved_at`, so it leaves the device's inbox.

A re-submission that conflicts or is rejected again leaves the item open: the original
op's `resubmitted_as` names the attempt, whose own outcome says why. The attempt is
folded into the original (its `resolved_at` is set, a conflict it opened is closed as
`superseded`), so one intent is never two items of the queue.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import msgspec
from sqlalchemy import String, case, func, literal_column, select, union_all
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Conflict, Device, SyncOp, User
from server.db.types import utcnow
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission, require
from server.domain.paging import PageRequest
from server.domain.sync.catalogue import load_ops
from server.domain.sync.push import apply_op, lock_stream
from server.errors import AlreadyResolved, InvalidInput, NotFound
from sync.hlc import HybridClock, Timestamp
from sync.registry import Rejected
from sync.wire import Op

QueueStatus = Literal["open", "resolved"]
QueueKind = Literal["conflict", "rejected", "all"]
Resolution = Literal["keep_server", "resubmit", "merge"]
RESOLUTIONS: tuple[str, ...] = ("keep_server", "resubmit", "merge")
SUPERSEDED = "superseded"

# The desk's own device and stream: one of each per desk user, the same every time.
CONSOLE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "rounds:console")
CONSOLE_DEVICE_NAME = "console"


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


class QueuePage(msgspec.Struct):
    items: list[QueueItem]
    total: int
    limit: int
    offset: int


class FieldRow(msgspec.Struct):
    """One field of the two sides; `differs` when both sides have it with other values."""

    field: str
    server: Any
    device: Any
    differs: bool


class Attempt(msgspec.Struct):
    """A re-submission: the new op and what happened to it."""

    op_id: uuid.UUID
    status: str
    code: str | None
    message: str | None
    received_at: datetime


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
    resubmitted_as: uuid.UUID | None
    last_attempt: Attempt | None
    can_resubmit: bool


class ResolveOutcome(msgspec.Struct):
    """`resolved` is false when a re-submission conflicted or was rejected: see `attempt`."""

    resolved: bool
    attempt: Attempt | None
    detail: ConflictDetail


@dataclass
class _Case:
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


def _parsed(op: SyncOp) -> dict[str, Any]:
    try:
        value = msgspec.json.decode(op.raw.encode()) if op.raw else {}
    except msgspec.DecodeError:
        return {"raw": op.raw}
    return value if isinstance(value, dict) else {"raw": op.raw}


def _args(op: SyncOp) -> dict[str, Any]:
    args = _parsed(op).get("args")
    return args if isinstance(args, dict) else {}


def _entity_of(op: SyncOp) -> tuple[str | None, uuid.UUID | None]:
    """For an op without a conflict: `asset.add_note` is about the asset in `asset_id`."""
    aggregate = op.name.split(".", 1)[0]
    try:
        return (aggregate, uuid.UUID(str(_args(op).get(f"{aggregate}_id"))))
    except ValueError:
        return (None, None)


# ---- the queue ---------------------------------------------------------------------------


def _open_items(kind: QueueKind) -> Any:
    conflicts: Any = (
        select(
            col(Conflict.id).label("item_id"),
            literal_column("'conflict'", String).label("kind"),
            col(SyncOp.received_at).label("at"),
        )
        .join(SyncOp, col(SyncOp.op_id) == col(Conflict.op_id))
        .where(col(Conflict.status) == "open")
    )
    rejected: Any = select(
        col(SyncOp.op_id).label("item_id"),
        literal_column("'rejected'", String).label("kind"),
        col(SyncOp.received_at).label("at"),
    ).where(col(SyncOp.status) == "rejected", col(SyncOp.resolved_at).is_(None))
    if kind == "conflict":
        return conflicts.subquery()
    if kind == "rejected":
        return rejected.subquery()
    return union_all(conflicts, rejected).subquery()


def _resolved_items(kind: QueueKind) -> Any:
    stmt = (
        select(
            col(Conflict.id).label("item_id"),
            case((col(SyncOp.status) == "rejected", "rejected"), else_="conflict").label("kind"),
            col(Conflict.resolved_at).label("at"),
        )
        .join(SyncOp, col(SyncOp.op_id) == col(Conflict.op_id))
        .where(col(Conflict.status) == "resolved", col(Conflict.resolution) != SUPERSEDED)
    )
    if kind == "conflict":
        stmt = stmt.where(col(SyncOp.status) != "rejected")
    elif kind == "rejected":
        stmt = stmt.where(col(SyncOp.status) == "rejected")
    return stmt.subquery()


async def list_queue(
    session: AsyncSession,
    actor: Actor,
    status: QueueStatus = "open",
    kind: QueueKind = "all",
    page: PageRequest | None = None,
) -> tuple[list[QueueItem], int]:
    """Open items (newest received first) or resolved ones (latest resolved first)."""
    require(actor, Permission.RESOLVE_CONFLICTS)
    page = page or PageRequest()
    items = _resolved_items(kind) if status == "resolved" else _open_items(kind)
    total = await session.scalar(select(func.count()).select_from(items)) or 0
    rows = (
        await session.execute(
            select(items.c.item_id, items.c.kind)
            .order_by(items.c.at.desc(), items.c.item_id)
            .limit(page.limit)
            .offset(page.offset)
        )
    ).all()
    # Resolved items and open conflicts are conflict ids; open rejected items are op ids.
    is_conflict = [status == "resolved" or kind_ == "conflict" for _, kind_ in rows]
    conflict_ids = [row[0] for row, yes in zip(rows, is_conflict, strict=True) if yes]
    conflicts = {
        conflict.id: conflict
        for conflict in await session.scalars(
            select(Conflict).where(col(Conflict.id).in_(conflict_ids))
        )
    }
    op_ids = {conflict.op_id for conflict in conflicts.values()}
    op_ids |= {row[0] for row, yes in zip(rows, is_conflict, strict=True) if not yes}
    ops = {
        op.op_id: op
        for op in await session.scalars(select(SyncOp).where(col(SyncOp.op_id).in_(op_ids)))
    }
    cases = [
        _Case(ops[conflicts[item_id].op_id], conflicts[item_id])
        if yes
        else _Case(ops[item_id], None)
        for (item_id, _), yes in zip(rows, is_conflict, strict=True)
    ]
    return await _items(session, cases), total


async def count_open(session: AsyncSession, actor: Actor) -> int:
    _, total = await list_queue(session, actor, "open", "all", PageRequest(limit=1))
    return total


async def _case(session: AsyncSession, item_id: uuid.UUID, *, lock: bool = False) -> _Case:
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
    return _Case(op, conflict)


async def _people(session: AsyncSession, ids: set[uuid.UUID]) -> dict[uuid.UUID, Person]:
    if not ids:
        return {}
    users = await session.scalars(select(User).where(col(User.id).in_(ids)))
    return {user.id: Person(user.id, user.name, user.employee_no) for user in users}


async def _items(session: AsyncSession, cases: Sequence[_Case]) -> list[QueueItem]:
    user_ids = {case_.op.user_id for case_ in cases}
    user_ids |= {
        c.conflict.resolved_by_id for c in cases if c.conflict and c.conflict.resolved_by_id
    }
    people = await _people(session, user_ids)
    device_ids = {case_.op.device_id for case_ in cases}
    devices = {
        device.id: device.name
        for device in await session.scalars(select(Device).where(col(Device.id).in_(device_ids)))
    }
    items = []
    for case_ in cases:
        op, conflict = case_.op, case_.conflict
        entity_type, entity_id = _entity_of(op)
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
                sender=people.get(op.user_id),
                device_id=op.device_id,
                device_name=devices.get(op.device_id, ""),
                received_at=op.received_at,
                code=op.code,
                message=conflict.message if conflict and case_.kind == "conflict" else op.message,
                entity_type=entity_type,
                entity_id=entity_id,
                resolution=conflict.resolution if conflict is not None else None,
                resolved_at=(conflict.resolved_at if conflict else None) or op.resolved_at,
                resolved_by=people.get(resolved_by) if resolved_by else None,
            )
        )
    return items


# ---- one item ----------------------------------------------------------------------------


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


def _attempt(op: SyncOp | None) -> Attempt | None:
    if op is None:
        return None
    return Attempt(op.op_id, op.status, op.code, op.message, op.received_at)


async def _detail(session: AsyncSession, case_: _Case) -> ConflictDetail:
    op, conflict = case_.op, case_.conflict
    item = (await _items(session, [case_]))[0]
    args = _args(op)
    if case_.kind == "conflict" and conflict is not None:
        server_side, device_side = dict(conflict.server_side), dict(conflict.device_side)
    else:  # a refusal has no server version to compare with: the device's args alone
        server_side, device_side = {}, args
    attempt = await session.get(SyncOp, op.resubmitted_as) if op.resubmitted_as else None
    return ConflictDetail(
        item=item,
        server_side=server_side,
        device_side=device_side,
        fields=_fields(server_side, device_side),
        op=_parsed(op),
        args=args,
        chain_ok=op.chain_ok,
        client_time=op.client_time,
        resolution_note=conflict.resolution_note if conflict is not None else "",
        resubmitted_as=op.resubmitted_as,
        last_attempt=_attempt(attempt),
        can_resubmit=bool(op.name) and "args" in _parsed(op),
    )


async def conflict_detail(
    session: AsyncSession, actor: Actor, item_id: uuid.UUID
) -> ConflictDetail:
    """Both sides, the op verbatim, the entity it is about, and how it was resolved."""
    require(actor, Permission.RESOLVE_CONFLICTS)
    return await _detail(session, await _case(session, item_id))


# ---- resolving ---------------------------------------------------------------------------


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
    case_ = await _case(session, item_id, lock=True)
    if case_.resolved:
        raise await _already_resolved(session, case_)
    note = note.strip()[:2000]
    attempt: SyncOp | None = None
    if resolution == "keep_server":
        _close(session, case_, actor, resolution, note)
    else:
        args = _args_to_submit(case_.op, resolution, edited_args)
        attempt = await _resubmit(session, actor, case_.op, args)
        case_.op.resubmitted_as = attempt.op_id
        if attempt.status == "applied":
            _close(session, case_, actor, resolution, note)
        else:
            await _fold(session, actor, attempt, case_.op)
    await session.flush()
    return ResolveOutcome(
        resolved=case_.resolved, attempt=_attempt(attempt), detail=await _detail(session, case_)
    )


async def _already_resolved(session: AsyncSession, case_: _Case) -> AlreadyResolved:
    conflict = case_.conflict
    who = ""
    if conflict is not None and conflict.resolved_by_id is not None:
        person = (await _people(session, {conflict.resolved_by_id})).get(conflict.resolved_by_id)
        who = f" by {person.name} ({person.employee_no})" if person else ""
    when = (conflict.resolved_at if conflict else None) or case_.op.resolved_at
    how = f" ({conflict.resolution})" if conflict is not None and conflict.resolution else ""
    stamp = f" at {when:%Y-%m-%d %H:%M} UTC" if when else ""
    return AlreadyResolved(f"This was already resolved{how}{who}{stamp}.")


def _args_to_submit(op: SyncOp, resolution: str, edited_args: Any) -> dict[str, Any]:
    """The args to re-submit, checked against the op's schema first: 422 changes nothing."""
    if not op.name or "args" not in _parsed(op):
        raise InvalidInput(
            "This op could not be read, so it cannot be re-submitted; keep the server's "
            "version to close it."
        )
    args = _args(op) if resolution == "resubmit" else edited_args
    if not isinstance(args, dict):
        raise InvalidInput("Edit and re-submit needs the op's args as a JSON object.")
    spec = load_ops().get(op.name, op.v)
    if spec is not None:
        try:
            load_ops().decode_args(spec, args)
        except Rejected as refusal:
            raise InvalidInput(f"These args are not valid: {refusal.message}") from refusal
    return args


def _close(session: AsyncSession, case_: _Case, actor: Actor, resolution: str, note: str) -> None:
    now = utcnow()
    conflict = case_.conflict
    if conflict is None:  # a rejected op: the record of the decision is written now
        entity_type, entity_id = _entity_of(case_.op)
        conflict = Conflict(
            op_id=case_.op.op_id,
            entity_type=entity_type or "op",
            entity_id=entity_id or case_.op.op_id,
            message=case_.op.message or "",
            server_side={"code": case_.op.code, "message": case_.op.message},
            device_side=_args(case_.op),
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


async def console_device(session: AsyncSession, actor: Actor) -> uuid.UUID:
    """The desk user's "console" device, which owns the stream of their re-submissions."""
    device_id = uuid.uuid5(CONSOLE_NAMESPACE, f"console:{actor.user_id}")
    now = utcnow()
    dialect = session.get_bind().dialect.name
    upsert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    await session.execute(
        upsert(Device)
        .values(
            id=device_id,
            user_id=actor.user_id,
            name=CONSOLE_DEVICE_NAME,
            created_at=now,
            updated_at=now,
            last_seen_at=now,
            version=1,
        )
        .on_conflict_do_nothing()
    )
    return device_id


def _stamp_after(original: Any, node: str) -> str:
    """The desk decides now, after the op it re-submits: its clock is later than both."""
    clock = HybridClock(node)
    now_ms = int(time.time() * 1000)
    try:
        return str(clock.receive(Timestamp.parse(str(original)), now_ms))
    except ValueError:
        return str(clock.tick(now_ms))


async def _resubmit(
    session: AsyncSession, actor: Actor, original: SyncOp, args: dict[str, Any]
) -> SyncOp:
    """Apply the intent again as the next op of the desk's console stream."""
    device_id = await console_device(session, actor)
    incarnation = uuid.uuid5(CONSOLE_NAMESPACE, f"stream:{actor.user_id}")
    stream = await lock_stream(session, device_id, incarnation)
    received = _parsed(original)
    blobs = received.get("blobs")
    body = {
        "op_id": str(uuid.uuid4()),
        "incarnation": str(incarnation),
        "seq": stream.last_seq + 1,
        "name": original.name,
        "v": original.v,
        "args": args,
        "client_time": utcnow().isoformat(timespec="milliseconds"),
        "hlc": _stamp_after(received.get("hlc"), str(device_id)),
        "blobs": [sha for sha in blobs if isinstance(sha, str)] if isinstance(blobs, list) else [],
        "prev_hash": stream.last_hash,
        "resubmits": str(original.op_id),  # kept in the verbatim copy, outside the hash
    }
    raw = msgspec.json.encode(body)
    op = msgspec.json.decode(raw, type=Op)
    await apply_op(session, actor, device_id, op, msgspec.Raw(raw))
    record = await session.get(SyncOp, op.op_id)
    assert record is not None
    return record
