"""Push: apply a device's batch of ops exactly once, in seq order, each atomically.

The batch runs in one transaction that holds the device's lock (a row lock on
PostgreSQL, the write lock on SQLite), so a second connection pushing the same batch
waits and then finds every op already recorded. Any database failure aborts the whole
batch, so nothing is recorded as failed.

A batch goes in two passes. The first decides, without writing, what each op is:
duplicate, seq gap, reused seq, or an op to apply, refused at once when the catalogue
does not know it, the role may not send it or its args do not decode. Sequencing never
depends on an op's outcome (a refused op advances the stream too), so this pass is
exact. The second applies the remaining ops in seq order. An op that has a `run` form
is applied with the ops of the same kind that follow it, in one savepoint that holds
only ops refused before they wrote (see `OpSpec.run`); other ops, and a run that failed
unexpectedly, go one by one in their own savepoint. So a refused op never undoes
another, and each op's effects and its log record commit together. The op records and
the rows that reference them are written at the end, in one statement each.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col

from server.db.models import BlobRef, Conflict, OpStream, SyncOp
from server.db.types import utcnow
from server.domain.accounts.actor import Actor
from server.domain.sync.capture import LAST_POSITION, current_txid
from server.domain.sync.context import OPS, OnBehalf, OpContext
from server.domain.sync.subject import subject_of
from sync.chain import op_hash
from sync.clocks import bound_claim
from sync.registry import Applied, Conflicted, OpSpec, Outcome, Rejected
from sync.sequencing import decide
from sync.wire import Op, OpResult
from sync.wire import Outcome as StoredOutcome

log = logging.getLogger("rounds.sync.push")
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
SERVER_ERROR = "The server could not apply this action; the desk can re-submit it."
# A value the database refused for this op alone (a constraint, a value out of range), by
# SQLSTATE class: the op is kept and refused with a stable code, and the batch goes on.
DATA_REFUSALS: dict[str, tuple[str, str]] = {
    "23": (
        "data_conflict",
        "The server already holds a record this action would create or contradicts it;"
        " it is kept and the desk can correct and re-submit it.",
    ),
    "22": (
        "invalid_data",
        "A value in this action does not fit what the server stores (too long, out of"
        " range or unreadable); it is kept and the desk can correct and re-submit it.",
    ),
}
# Columns of the op log that hold ints of this size: a larger seq or version is unreadable.
MAX_INT32 = 2**31 - 1
SYNC_OP = SyncOp.__table__  # type: ignore[attr-defined]


@dataclass
class PushResult:
    results: list[OpResult] = field(default_factory=list)
    last_seq: int = 0


@dataclass
class _Stream:
    row: OpStream
    blocked_at: int | None = None  # a seq gap stops the rest of this stream's batch

    def __post_init__(self) -> None:
        # Advanced in memory and written once when the batch ends.
        self.last_seq, self.last_hash = self.row.last_seq, self.row.last_hash
        self.last_claimed = self.row.last_claimed_at


@dataclass(slots=True)
class _Record:
    """A `sync_op` row being written: a plain object, as a batch makes hundreds."""

    op_id: uuid.UUID
    device_id: uuid.UUID
    incarnation: uuid.UUID
    seq: int
    user_id: uuid.UUID
    name: str
    v: int
    raw: str
    op_hash: str
    received_at: datetime
    client_time: str = ""
    claimed_at: datetime | None = None
    clock_flag: str | None = None
    chain_ok: bool = True
    status: str = "rejected"
    code: str | None = None
    message: str | None = None
    conflict_id: uuid.UUID | None = None
    entity_versions: dict[str, int] | None = None
    txid: int = 0
    last_change_id: int = 0
    entity_type: str | None = None
    entity_id: uuid.UUID | None = None

    def row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _Record.__slots__}


@dataclass
class _Pending:
    """An op to apply, with its record (outcome still open) and what it needs to run."""

    ctx: OpContext
    record: _Record
    spec: OpSpec[OpContext]
    args: Any


@dataclass
class _Answer:
    """One op's place in the response, read from its record once the batch has run."""

    op_id: uuid.UUID | None
    record: SyncOp | _Record | None = None  # this op's own record, or the one it duplicates
    duplicate: bool = False
    immediate: OpResult | None = None  # seq_gap: answered without a record


@dataclass
class _Batch:
    """What one push decides, applies and writes at its end.

    The whole batch is one transaction, so writing the op records last still commits each
    op's effects together with its record.
    """

    session: AsyncSession
    actor: Actor
    device_id: uuid.UUID
    txid: int
    received_at: datetime
    known: dict[uuid.UUID, SyncOp | _Record]
    streams: dict[uuid.UUID, _Stream]
    on_behalf: OnBehalf | None = None
    records: list[_Record] = field(default_factory=list)
    referencing: list[BlobRef | Conflict] = field(default_factory=list)
    pending: list[_Pending] = field(default_factory=list)
    answers: list[_Answer] = field(default_factory=list)
    last_stream: _Stream | None = None  # the stream of the last readable op: its last_seq

    def plan(self, raw: msgspec.Raw, op: Op | None, error: str, loose: _Loose | None) -> None:
        """Decide what this op is, in seq order, without touching the database (`loose`:
        what could be read of an op that does not parse)."""
        if op is None:
            self._unreadable(raw, error, loose or _loose(raw))
            return
        if not 0 < op.seq <= MAX_INT32 or not 0 < op.v <= MAX_INT32:
            bounds = f"seq and v must be whole numbers from 1 to {MAX_INT32}"
            self._unreadable(raw, bounds, _loose(raw))
            return
        stream = self.last_stream = self.streams[op.incarnation]
        known = self.known.get(op.op_id)
        decision = decide(known=known is not None, seq=op.seq, last_seq=stream.last_seq)
        if known is not None:
            if stream.blocked_at is None and op.seq == stream.last_seq + 1:
                # A phone that started a new incarnation sends its unacknowledged ops again
                # under new seqs; one this server already holds keeps its place in the new
                # stream, or every op numbered after it would wait on a gap forever.
                stream.last_seq, stream.last_hash = op.seq, op_hash(msgspec.json.decode(raw))
            self.answers.append(_Answer(op.op_id, known, duplicate=True))
            return
        if stream.blocked_at is not None or decision == "seq_gap":
            self.answers.append(_Answer(op.op_id, immediate=self._gap(stream, op.op_id, op.seq)))
            return
        record = self._record(op, raw)
        if decision == "seq_reused":
            record.code = "seq_reused"
            record.message = f"Seq {op.seq} was already used by another op of this phone."
        else:
            record.chain_ok = op.prev_hash == stream.last_hash
            stream.last_seq, stream.last_hash = op.seq, record.op_hash
            self._bound_clock(stream, op, record)
            self._admit(op, record)
            # Only well-formed addresses: a malformed one must not fail the whole batch.
            shas = {sha for sha in op.blobs if SHA256_HEX.fullmatch(sha)}
            self.referencing.extend(BlobRef(sha256=sha, op_id=op.op_id) for sha in sorted(shas))

    def _record(self, op: Op, raw: msgspec.Raw) -> _Record:
        entity_type, entity_id = subject_of(op.name, op.args)
        record = _Record(
            op_id=op.op_id,
            device_id=self.device_id,
            incarnation=op.incarnation,
            seq=op.seq,
            user_id=self.actor.user_id,
            name=op.name[:64],
            v=op.v,
            raw=bytes(raw).decode(),
            op_hash=op_hash(msgspec.json.decode(raw)),
            client_time=op.client_time[:64],
            received_at=self.received_at,
            txid=self.txid,
            entity_type=entity_type and entity_type[:32],
            entity_id=entity_id,
        )
        self.records.append(record)
        self.known[op.op_id] = record
        self.answers.append(_Answer(op.op_id, record))
        return record

    def _bound_clock(self, stream: _Stream, op: Op, record: _Record) -> None:
        """The time the op claims, within bounds; the desk's re-submission keeps the
        original op's recorded time."""
        if self.on_behalf is not None:
            record.claimed_at, record.clock_flag = (
                self.on_behalf.claimed_at,
                self.on_behalf.clock_flag,
            )
            return
        bounded = bound_claim(op.client_time, self.received_at, stream.last_claimed)
        record.claimed_at, record.clock_flag = bounded.claimed_at, bounded.flag
        if bounded.accepted is not None:
            stream.last_claimed = bounded.accepted

    def _admit(self, op: Op, record: _Record) -> None:
        """Refuse now what needs no data (unknown op, role, args); queue the rest."""
        spec = OPS.get(op.name, op.v)
        acting = self.on_behalf.actor if self.on_behalf is not None else self.actor
        try:
            if spec is None:
                raise Rejected("unknown_op", f"This server has no op {op.name} v{op.v}.")
            if acting.roles.isdisjoint(spec.roles):
                raise Rejected("forbidden", f"Your role may not send {op.name}.")
            args = OPS.decode_args(spec, op.args)
        except Rejected as refusal:
            record.code, record.message = refusal.code, refusal.message
            return
        device_id = self.on_behalf.device_id if self.on_behalf is not None else self.device_id
        ctx = OpContext(
            self.session,
            acting,
            device_id,
            op,
            self.received_at,
            claimed_at=record.claimed_at,
            clock_flag=record.clock_flag,
            op_hash=record.op_hash,
        )
        self.pending.append(_Pending(ctx, record, spec, args))

    def _unreadable(self, raw: msgspec.Raw, error: str, loose: _Loose) -> None:
        """An op that does not parse is still kept, under its op_id if it has a readable one.

        When its op_id, incarnation and seq can be read, it takes its place in its stream
        (refused as `invalid_op`), so the ops after it are not held back by a gap forever.
        """
        op_id = loose.op_id or uuid.uuid4()
        known = self.known.get(op_id)
        if known is not None:
            self.answers.append(_Answer(op_id, known, duplicate=True))
            return
        incarnation, seq = uuid.UUID(int=0), 0
        stream = self.streams.get(loose.incarnation) if loose.incarnation else None
        if stream is not None and loose.seq is not None:
            decision = decide(known=False, seq=loose.seq, last_seq=stream.last_seq)
            if stream.blocked_at is not None or decision == "seq_gap":
                self.answers.append(_Answer(op_id, immediate=self._gap(stream, op_id, loose.seq)))
                return
            self.last_stream = stream
            incarnation, seq = stream.row.incarnation, loose.seq
            if decision == "apply":
                stream.last_seq, stream.last_hash = seq, loose.hash
        record = _Record(
            op_id=op_id,
            device_id=self.device_id,
            incarnation=incarnation,
            seq=seq,
            user_id=self.actor.user_id,
            name=loose.name[:64],
            v=0,
            raw=bytes(raw).decode(errors="replace"),
            op_hash=loose.hash,
            received_at=self.received_at,
            code="invalid_op",
            message=error[:500],
        )
        self.records.append(record)
        self.known[op_id] = record
        self.answers.append(
            _Answer(op_id, immediate=OpResult(op_id, "rejected", code="invalid_op", message=error))
        )

    @staticmethod
    def _gap(stream: _Stream, op_id: uuid.UUID, seq: int) -> OpResult:
        """Not applied: an earlier seq of the stream is missing (every later op waits too)."""
        stream.blocked_at = stream.blocked_at or seq
        expected = stream.last_seq + 1
        return OpResult(
            op_id,
            "seq_gap",
            code="seq_gap",
            expected_seq=expected,
            message=f"Expected seq {expected} next; resend from there.",
        )

    async def apply(self) -> None:
        """Apply the queued ops in seq order: runs of one kind together where they can."""
        await self._lock_ahead()
        start = 0
        while start < len(self.pending):
            spec = self.pending[start].spec
            end = start + 1
            if spec.run is not None:
                while end < len(self.pending) and self.pending[end].spec is spec:
                    end += 1
                await self._apply_run(self.pending[start:end])
            else:
                await self._apply_one(self.pending[start])
            start = end

    async def _lock_ahead(self) -> None:
        """Lock the rows the batch's ops name (`OpSpec.locks`) before any op runs, ordered by
        table and id. Each op would lock them in its own order: a phone issuing items A then
        B while another issues B then A deadlocked on PostgreSQL, and one of them was told to
        resend. SQLite needs none of it: a push holds its single write lock from the start."""
        if self.session.get_bind().dialect.name != "postgresql":
            return
        wanted: dict[str, set[uuid.UUID]] = {}
        for item in self.pending:
            if item.spec.locks is not None:
                for table_name, row_id in item.spec.locks(item.args):
                    wanted.setdefault(table_name, set()).add(row_id)
        for name in sorted(wanted):
            table = SQLModel.metadata.tables[name]
            await self.session.execute(
                select(table.c.id)
                .where(table.c.id.in_(sorted(wanted[name])))
                .order_by(table.c.id)
                .with_for_update()
            )

    async def _apply_run(self, run: list[_Pending]) -> None:
        spec = run[0].spec
        assert spec.run is not None
        self.session.info.pop(LAST_POSITION, None)
        try:
            async with self.session.begin_nested():
                outcomes = await spec.run([(item.ctx, item.args) for item in run])
                await self.session.flush()
                if len(outcomes) != len(run):
                    raise RuntimeError(f"{spec.name} answered {len(outcomes)} of {len(run)} ops")
        except DBAPIError as exc:
            if _data_refusal(exc) is None:
                raise
            for item in run:  # find the op the database refuses, alone
                await self._apply_one(item)
            return
        except Exception:  # a bug in a run: undo it all, then find the op that fails alone
            log.exception(
                "a run of %d %s ops failed; applying them one by one", len(run), spec.name
            )
            for item in run:
                await self._apply_one(item)
            return
        position = self.session.info.pop(LAST_POSITION, (self.txid, 0))
        for item, outcome in zip(run, outcomes, strict=True):
            self._settle(item, outcome, position)

    async def _apply_one(self, item: _Pending) -> None:
        """Run the handler in its own savepoint and settle the record's outcome."""
        session = self.session
        session.info.pop(LAST_POSITION, None)
        try:
            async with session.begin_nested():
                outcome: Outcome = await item.spec.handler(item.ctx, item.args)
                await session.flush()
        except Rejected as refusal:
            outcome = refusal
        except DBAPIError as exc:
            refusal_of = _data_refusal(exc)
            if refusal_of is None:
                raise  # the database is unavailable or the batch deadlocked: retry it whole
            op = item.ctx.op
            log.warning("op %s (%s) refused by the database: %s", op.op_id, op.name, exc.orig)
            item.record.code, item.record.message = refusal_of
            return
        except Exception:  # a bug in one handler must not block the device's queue
            log.exception("op %s (%s) failed", item.ctx.op.op_id, item.ctx.op.name)
            item.record.code, item.record.message = "server_error", SERVER_ERROR
            return
        self._settle(item, outcome, session.info.pop(LAST_POSITION, (self.txid, 0)))

    def _settle(self, item: _Pending, outcome: Outcome, position: tuple[int, int]) -> None:
        record = item.record
        if isinstance(outcome, Rejected):
            record.code, record.message = outcome.code, outcome.message
            return
        record.entity_versions = outcome.entity_versions or None
        record.txid, record.last_change_id = position
        if isinstance(outcome, Conflicted):
            conflict = Conflict(
                op_id=record.op_id,
                entity_type=outcome.entity_type,
                entity_id=outcome.entity_id,
                message=outcome.message,
                server_side=outcome.server_side,
                device_side=outcome.device_side,
            )
            record.status, record.code, record.message = "conflict", "conflict", outcome.message
            record.conflict_id = conflict.id
            # It references the op's row, which goes in first.
            self.referencing.append(conflict)
            return
        assert isinstance(outcome, Applied)
        record.status = "applied"

    async def finish(self) -> None:
        session = self.session
        for stream in self.streams.values():
            row = stream.row
            if (row.last_seq, row.last_hash, row.last_claimed_at) != (
                stream.last_seq,
                stream.last_hash,
                stream.last_claimed,
            ):
                row.last_seq, row.last_hash = stream.last_seq, stream.last_hash
                row.last_claimed_at = stream.last_claimed
                row.updated_at = utcnow()
        if self.records:
            # Core rows, not ORM objects: the log is written in one statement per batch.
            await session.execute(
                insert(SYNC_OP),
                [record.row() for record in self.records],
            )
        session.add_all(self.referencing)
        await session.flush()

    def results(self) -> list[OpResult]:
        return [_result(answer) for answer in self.answers]


def _result(answer: _Answer) -> OpResult:
    if answer.immediate is not None:
        return answer.immediate
    record = answer.record
    assert record is not None
    if answer.duplicate:
        return OpResult(answer.op_id, "duplicate", outcome=_outcome(record))
    return OpResult(
        record.op_id,
        record.status,  # type: ignore[arg-type]
        code=record.code,
        message=record.message,
        conflict_id=record.conflict_id,
        entity_versions=record.entity_versions,
    )


def _outcome(record: SyncOp | _Record) -> StoredOutcome:
    return StoredOutcome(
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


def _data_refusal(exc: DBAPIError) -> tuple[str, str] | None:
    """The refusal for a database error caused by this op's data; None for the others
    (unreachable, deadlocked: the batch is retried whole)."""
    if isinstance(exc, IntegrityError):
        return DATA_REFUSALS["23"]
    if isinstance(exc, DataError):
        return DATA_REFUSALS["22"]
    # asyncpg's data errors arrive as a plain DBAPIError carrying the SQLSTATE.
    state = str(getattr(exc.orig, "sqlstate", None) or "")
    return DATA_REFUSALS.get(state[:2])


@dataclass(frozen=True)
class _Loose:
    """What can be read of an op that does not parse as one."""

    op_id: uuid.UUID | None = None
    incarnation: uuid.UUID | None = None
    seq: int | None = None
    name: str = ""
    hash: str = ""  # its chain hash, when its JSON is at least an object


def _uuid_or_none(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if isinstance(value, str) else None
    except ValueError:
        return None


def _loose(raw: msgspec.Raw) -> _Loose:
    try:
        found = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        return _Loose()
    if not isinstance(found, dict):
        return _Loose()
    seq = found.get("seq")
    readable_seq = type(seq) is int and 0 < seq <= MAX_INT32
    name = found.get("name")
    try:
        chain_hash = op_hash(found)
    except (TypeError, ValueError):
        chain_hash = ""
    return _Loose(
        op_id=_uuid_or_none(found.get("op_id")),
        incarnation=_uuid_or_none(found.get("incarnation")),
        seq=seq if readable_seq else None,
        name=name if isinstance(name, str) else "",
        hash=chain_hash,
    )


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


async def _known_ops(
    session: AsyncSession, op_ids: list[uuid.UUID]
) -> dict[uuid.UUID, SyncOp | _Record]:
    if not op_ids:
        return {}
    found = await session.scalars(select(SyncOp).where(col(SyncOp.op_id).in_(op_ids)))
    return {record.op_id: record for record in found}


async def begin_push(session: AsyncSession) -> None:
    """Start the batch's transaction holding the write lock (BEGIN IMMEDIATE on SQLite).

    A deferred transaction that read first could not upgrade to a writer once another
    push committed; taking the lock up front makes concurrent pushes queue instead.
    """
    await session.connection(execution_options={"sqlite_begin": "BEGIN IMMEDIATE"})


async def _run_batch(
    session: AsyncSession,
    actor: Actor,
    device_id: uuid.UUID,
    raw_ops: Sequence[msgspec.Raw],
    on_behalf: OnBehalf | None = None,
) -> _Batch:
    parsed = [(raw, *_parse(raw)) for raw in raw_ops]
    # What can be read of the ops that do not parse, read once.
    readings = [(raw, op, error, None if op else _loose(raw)) for raw, op, error in parsed]
    incarnations = dict.fromkeys(
        op.incarnation if op is not None else loose.incarnation if loose else None
        for _, op, _, loose in readings
    )
    streams = {
        incarnation: _Stream(await lock_stream(session, device_id, incarnation))
        for incarnation in incarnations
        if incarnation is not None
    }
    op_ids = [
        op.op_id if op is not None else loose.op_id if loose else None
        for _, op, _, loose in readings
    ]
    # Read after the locks: ops committed by a racing push of the same batch are seen.
    known = await _known_ops(session, [op_id for op_id in op_ids if op_id is not None])
    txid = await session.run_sync(current_txid)
    batch = _Batch(session, actor, device_id, txid, utcnow(), known, streams, on_behalf)
    for raw, op, error, loose in readings:
        batch.plan(raw, op, error, loose)
    await batch.apply()
    await batch.finish()
    return batch


async def push(
    session: AsyncSession, actor: Actor, device_id: uuid.UUID, raw_ops: Sequence[msgspec.Raw]
) -> PushResult:
    """Apply a batch. The session must be fresh: see `begin_push` for SQLite's write lock."""
    batch = await _run_batch(session, actor, device_id, raw_ops)
    last = batch.last_stream
    return PushResult(batch.results(), last.last_seq if last is not None else 0)


async def apply_op(
    session: AsyncSession,
    actor: Actor,
    device_id: uuid.UUID,
    raw: msgspec.Raw,
    on_behalf: OnBehalf | None = None,
) -> OpResult:
    """Record one op of a device's stream and apply it, alone: the desk's re-submission
    takes this path with the console's own stream, so it meets the same rules as a push.

    With `on_behalf` the op is recorded as sent by `actor` from `device_id` (the desk's
    console stream) but applied as the original actor, device and time."""
    return (await _run_batch(session, actor, device_id, [raw], on_behalf)).results()[0]
