"""Push: apply a device's batch of ops exactly once, in seq order, each atomically.

The batch runs in one transaction that holds the device's lock (a row lock on
PostgreSQL, the write lock on SQLite), so a second connection pushing the same batch
waits and then finds every op already recorded. Each op runs in a savepoint: its
effects and its log record commit together, and a refused op rolls back alone. Any
database failure aborts the whole batch, so nothing is recorded as failed.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import msgspec
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import BlobRef, Conflict, OpStream, SyncOp
from server.db.types import utcnow
from server.domain.accounts.actor import Actor
from server.domain.sync.capture import LAST_POSITION, current_txid
from server.domain.sync.context import OPS, OpContext
from sync.chain import op_hash
from sync.registry import Conflicted, Rejected
from sync.sequencing import decide
from sync.wire import Op, OpResult, Outcome

log = logging.getLogger("rounds.sync.push")
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


@dataclass
class _Stream:
    row: OpStream
    blocked_at: int | None = None  # a seq gap stops the rest of this stream's batch

    def __post_init__(self) -> None:
        # Advanced in memory and written once when the batch ends.
        self.last_seq, self.last_hash = self.row.last_seq, self.row.last_hash


@dataclass
class _Batch:
    """What one push writes at its end: op records, then the rows that reference them.

    Writing them together keeps per-op work to the op's own effects; the whole batch is
    one transaction, so each op's effects and its record still commit together.
    """

    txid: int
    received_at: datetime
    known: dict[uuid.UUID, SyncOp]
    streams: list[_Stream] = field(default_factory=list)
    records: list[SyncOp] = field(default_factory=list)
    referencing: list[BlobRef | Conflict] = field(default_factory=list)

    async def finish(self, session: AsyncSession) -> None:
        for stream in self.streams:
            if (stream.row.last_seq, stream.row.last_hash) != (stream.last_seq, stream.last_hash):
                stream.row.last_seq, stream.row.last_hash = stream.last_seq, stream.last_hash
                stream.row.updated_at = utcnow()
        session.add_all(self.records)
        await session.flush()
        if self.referencing:
            session.add_all(self.referencing)
            await session.flush()
        self.records, self.referencing = [], []


async def _known_ops(session: AsyncSession, op_ids: list[uuid.UUID]) -> dict[uuid.UUID, SyncOp]:
    found = await session.scalars(select(SyncOp).where(col(SyncOp.op_id).in_(op_ids)))
    return {record.op_id: record for record in found}


@dataclass
class PushResult:
    results: list[OpResult] = field(default_factory=list)
    last_seq: int = 0


async def lock_stream(
    session: AsyncSession, device_id: uuid.UUID, incarnation: uuid.UUID
) -> OpStream:
    """Create the stream if new (racing pushes both succeed) and lock it for this transaction.

    Its `last_seq` and `last_hash` say where the stream's next op goes: the desk reads them
    to build a re-submitted op for the console's own stream.
    """
    dialect = session.get_bind().dialect.name
    upsert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    await session.execute(
        upsert(OpStream)
        .values(
            device_id=device_id,
            incarnation=incarnation,
            last_seq=0,
            last_hash="",
            updated_at=utcnow(),
        )
        .on_conflict_do_nothing()
    )
    stmt = select(OpStream).where(
        col(OpStream.device_id) == device_id, col(OpStream.incarnation) == incarnation
    )
    if dialect == "postgresql":
        stmt = stmt.with_for_update()
    stream = await session.scalar(stmt.execution_options(populate_existing=True))
    assert stream is not None
    return stream


def _outcome(record: SyncOp) -> Outcome:
    return Outcome(
        status=record.status,  # type: ignore[arg-type]
        code=record.code,
        message=record.message,
        conflict_id=record.conflict_id,
        entity_versions=record.entity_versions,
    )


def _parse(raw: msgspec.Raw) -> tuple[Op | None, str]:
    try:
        return msgspec.json.decode(raw, type=Op), ""
    except msgspec.DecodeError as exc:
        return None, str(exc)


async def _apply(ctx: OpContext, record: SyncOp) -> Conflict | None:
    """Run the handler in a savepoint and fill in the record's outcome.

    A conflict is returned, not added: it references the op's row, which goes in first.
    """
    spec = OPS.get(ctx.op.name, ctx.op.v)
    session = ctx.session
    session.info.pop(LAST_POSITION, None)
    try:
        if spec is None:
            raise Rejected("unknown_op", f"This server has no op {ctx.op.name} v{ctx.op.v}.")
        if ctx.actor.roles.isdisjoint(spec.roles):
            raise Rejected("forbidden", f"Your role may not send {ctx.op.name}.")
        args = OPS.decode_args(spec, ctx.op.args)
        async with session.begin_nested():
            result = await spec.handler(ctx, args)
            await session.flush()
    except Rejected as refusal:
        record.status, record.code, record.message = "rejected", refusal.code, refusal.message
        return None
    except DBAPIError:
        raise
    except Exception:  # a bug in one handler must not block the device's queue
        log.exception("op %s (%s) failed", ctx.op.op_id, ctx.op.name)
        record.status, record.code = "rejected", "server_error"
        record.message = "The server could not apply this action; the desk can re-submit it."
        return None
    record.entity_versions = result.entity_versions or None
    record.txid, record.last_change_id = session.info.pop(LAST_POSITION, (record.txid, 0))
    if isinstance(result, Conflicted):
        conflict = Conflict(
            op_id=record.op_id,
            entity_type=result.entity_type,
            entity_id=result.entity_id,
            message=result.message,
            server_side=result.server_side,
            device_side=result.device_side,
        )
        record.status, record.code, record.message = "conflict", "conflict", result.message
        record.conflict_id = conflict.id
        return conflict
    record.status = "applied"
    return None


async def begin_push(session: AsyncSession) -> None:
    """Start the batch's transaction holding the write lock (BEGIN IMMEDIATE on SQLite).

    A deferred transaction that read first could not upgrade to a writer once another
    push committed; taking the lock up front makes concurrent pushes queue instead.
    """
    await session.connection(execution_options={"sqlite_begin": "BEGIN IMMEDIATE"})


async def push(
    session: AsyncSession, actor: Actor, device_id: uuid.UUID, raw_ops: Sequence[msgspec.Raw]
) -> PushResult:
    """Apply a batch. The session must be fresh: see `begin_push` for SQLite's write lock."""
    parsed = [(raw, *_parse(raw)) for raw in raw_ops]
    streams: dict[uuid.UUID, _Stream] = {}
    for _, op, _ in parsed:
        if op is not None and op.incarnation not in streams:
            streams[op.incarnation] = _Stream(await lock_stream(session, device_id, op.incarnation))
    # Read after the locks: ops committed by a racing push of the same batch are seen.
    known = await _known_ops(session, [op.op_id for _, op, _ in parsed if op is not None])
    batch = _Batch(await session.run_sync(current_txid), utcnow(), known, list(streams.values()))
    outcome = PushResult()
    for raw, op, error in parsed:
        if op is None:
            outcome.results.append(await _store_unreadable(session, actor, device_id, raw, error))
            continue
        stream = streams[op.incarnation]
        outcome.results.append(
            await _apply_in_batch(session, actor, device_id, op, raw, stream, batch)
        )
        outcome.last_seq = stream.last_seq
    await batch.finish(session)
    return outcome


async def apply_op(
    session: AsyncSession, actor: Actor, device_id: uuid.UUID, op: Op, raw: msgspec.Raw
) -> OpResult:
    """Record one op of a device's stream and apply it, alone: the desk's re-submission
    takes this path with the console's own stream, so it meets the same rules as a push."""
    stream = _Stream(await lock_stream(session, device_id, op.incarnation))
    known = await _known_ops(session, [op.op_id])
    batch = _Batch(await session.run_sync(current_txid), utcnow(), known, [stream])
    result = await _apply_in_batch(session, actor, device_id, op, raw, stream, batch)
    await batch.finish(session)
    return result


async def _apply_in_batch(
    session: AsyncSession,
    actor: Actor,
    device_id: uuid.UUID,
    op: Op,
    raw: msgspec.Raw,
    stream: _Stream,
    batch: _Batch,
) -> OpResult:
    """Exactly once, in seq order: decide, apply in a savepoint, keep the record for the end."""
    known = batch.known.get(op.op_id)
    decision = decide(known=known is not None, seq=op.seq, last_seq=stream.last_seq)
    if known is not None:
        return OpResult(op.op_id, "duplicate", outcome=_outcome(known))
    if stream.blocked_at is not None or decision == "seq_gap":
        stream.blocked_at = stream.blocked_at or op.seq
        expected = stream.last_seq + 1
        return OpResult(
            op.op_id,
            "seq_gap",
            code="seq_gap",
            expected_seq=expected,
            message=f"Expected seq {expected} next; resend from there.",
        )
    record = SyncOp(
        op_id=op.op_id,
        device_id=device_id,
        incarnation=op.incarnation,
        seq=op.seq,
        user_id=actor.user_id,
        name=op.name[:64],
        v=op.v,
        raw=bytes(raw).decode(),
        op_hash=op_hash(msgspec.json.decode(raw)),
        client_time=op.client_time[:64],
        received_at=batch.received_at,
        status="rejected",
        txid=batch.txid,
    )
    if decision == "seq_reused":
        record.code = "seq_reused"
        record.message = f"Seq {op.seq} was already used by another op of this phone."
    else:
        record.chain_ok = op.prev_hash == stream.last_hash
        context = OpContext(session, actor, device_id, op, batch.received_at)
        conflict = await _apply(context, record)
        if conflict is not None:
            batch.referencing.append(conflict)
        stream.last_seq, stream.last_hash = op.seq, record.op_hash
        # Only well-formed addresses: a malformed one must not fail the whole batch.
        shas = {sha for sha in op.blobs if SHA256_HEX.fullmatch(sha)}
        batch.referencing.extend(BlobRef(sha256=sha, op_id=op.op_id) for sha in sorted(shas))
    batch.records.append(record)
    batch.known[op.op_id] = record
    return OpResult(
        op.op_id,
        record.status,  # type: ignore[arg-type]
        code=record.code,
        message=record.message,
        conflict_id=record.conflict_id,
        entity_versions=record.entity_versions,
    )


async def _store_unreadable(
    session: AsyncSession, actor: Actor, device_id: uuid.UUID, raw: msgspec.Raw, error: str
) -> OpResult:
    """An op that does not parse is still kept, under its op_id if it has a readable one."""
    try:
        loose = msgspec.json.decode(raw)
        op_id = uuid.UUID(str(loose.get("op_id"))) if isinstance(loose, dict) else uuid.uuid4()
    except (msgspec.DecodeError, ValueError):
        op_id = uuid.uuid4()
    if await session.get(SyncOp, op_id) is None:
        session.add(
            SyncOp(
                op_id=op_id,
                device_id=device_id,
                incarnation=uuid.UUID(int=0),
                seq=0,
                user_id=actor.user_id,
                name="",
                v=0,
                raw=bytes(raw).decode(errors="replace"),
                op_hash="",
                status="rejected",
                code="invalid_op",
                message=error[:500],
            )
        )
        await session.flush()
    return OpResult(op_id, "rejected", code="invalid_op", message=error)
