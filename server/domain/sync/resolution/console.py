"""The desk's own device and op stream: a re-submission is the next op of it, applied
through the same path a phone's push takes (`push.apply_op`), so the same handler,
savepoint and op log apply.

The op log records the re-submission as the desk user's, from the console device; its
handler runs on behalf of the original op (`OnBehalf`): as its sender (their roles and
scope, so a requester-only rating applies as the requester), from their device, at the
time their op claimed. Events and lines so name the technician, and the `Conflict` names
the desk user who resolved it."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Device, SyncOp
from server.db.types import utcnow
from server.domain.accounts.actor import Actor
from server.domain.accounts.service import load_actor
from server.domain.sync.context import OnBehalf
from server.domain.sync.push import apply_op, lock_stream
from server.domain.sync.resolution.cases import parsed
from server.errors import SenderInactive
from sync.clocks import bound_claim, hlc_too_far_ahead
from sync.hlc import HybridClock, Timestamp

# One device and one stream per desk user, the same every time.
CONSOLE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "rounds:console")
CONSOLE_DEVICE_NAME = "console"


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
    """The desk decides now, after the op it re-submits: its clock is later than both. A
    stamp more than a day ahead (a phone's wrong clock) is not followed: the attempt would
    meet `clock_ahead` again. The desk's own clock is used instead."""
    clock = HybridClock(node)
    now = utcnow()
    now_ms = int(now.timestamp() * 1000)
    try:
        stamp = Timestamp.parse(str(original))
    except ValueError:
        return str(clock.tick(now_ms))
    if hlc_too_far_ahead(stamp, now):
        return str(clock.tick(now_ms))
    return str(clock.receive(stamp, now_ms))


async def _on_behalf_of(session: AsyncSession, original: SyncOp) -> OnBehalf:
    """The original op's sender, device and recorded time (ops logged before claimed times
    were recorded are bounded now, against the time they were received)."""
    sender = await load_actor(session, original.user_id, original.device_id)
    if sender is None:
        raise SenderInactive(
            "The re-submission would act as the person who sent this action, whose account"
            " is no longer active; keep the server's version, or reactivate the account."
        )
    claimed_at, flag = original.claimed_at, original.clock_flag
    if claimed_at is None:
        bounded = bound_claim(original.client_time, original.received_at, None)
        claimed_at, flag = bounded.claimed_at, bounded.flag
    return OnBehalf(sender, original.device_id, claimed_at, flag)


async def resubmit(
    session: AsyncSession, actor: Actor, original: SyncOp, args: dict[str, Any]
) -> SyncOp:
    """Apply the intent again as the next op of the desk's console stream, on behalf of
    the original op's sender."""
    on_behalf = await _on_behalf_of(session, original)
    device_id = await console_device(session, actor)
    incarnation = uuid.uuid5(CONSOLE_NAMESPACE, f"stream:{actor.user_id}")
    stream = await lock_stream(session, device_id, incarnation)
    received = parsed(original)
    blobs = received.get("blobs")
    op_id = uuid.uuid4()
    body = {
        "op_id": str(op_id),
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
    raw = msgspec.Raw(msgspec.json.encode(body))
    await apply_op(session, actor, device_id, raw, on_behalf=on_behalf)
    record = await session.get(SyncOp, op_id)
    assert record is not None
    return record
