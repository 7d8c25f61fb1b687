"""The desk's own device and op stream: a re-submission is the next op of it, applied
through the same path a phone's push takes (`push.apply_op`), so the same handler,
savepoint and op log apply."""

from __future__ import annotations

import time
import uuid
from typing import Any

import msgspec
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Device, SyncOp
from server.db.types import utcnow
from server.domain.accounts.actor import Actor
from server.domain.sync.push import apply_op, lock_stream
from server.domain.sync.resolution.cases import parsed
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
    """The desk decides now, after the op it re-submits: its clock is later than both."""
    clock = HybridClock(node)
    now_ms = int(time.time() * 1000)
    try:
        return str(clock.receive(Timestamp.parse(str(original)), now_ms))
    except ValueError:
        return str(clock.tick(now_ms))


async def resubmit(
    session: AsyncSession, actor: Actor, original: SyncOp, args: dict[str, Any]
) -> SyncOp:
    """Apply the intent again as the next op of the desk's console stream."""
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
    await apply_op(session, actor, device_id, msgspec.Raw(msgspec.json.encode(body)))
    record = await session.get(SyncOp, op_id)
    assert record is not None
    return record
