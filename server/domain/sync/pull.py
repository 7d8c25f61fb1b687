"""Pull: every change in the caller's scope, complete under concurrent writers.

Why a plain `id > last_seen` cursor is not enough on PostgreSQL: ids are taken when a
row is inserted, but transactions commit in any order, so a reader can see id 11 before
id 10 commits and would skip 10 forever. Here every change row carries its transaction
id, and a pull only delivers changes of transactions older than the reading snapshot's
`xmin` (every transaction below it has finished), in (txid, id) order. A transaction
still in flight holds the horizon back; it delays changes, it never loses them. SQLite
serialises writers, so its ids commit in order and txid is always 0.

A first sync walks the current rows of each synced type in id order, then replays the
change log from the horizon taken when the walk began, so rows changed during a long
first sync arrive again in their newer version.

The change feed is scoped in its query: each change row carries its entity's audience
(capture.py) and only rows whose audience the actor belongs to are read, so a phone
never hears of rows it may not see, and a busy campus elsewhere costs it nothing. The
cursor moves past the changes it skipped, so they are not read again either.

A cursor is anchored to the last change it accounted for; a database restored from a
backup taken before that change no longer holds it, and the phone is told `reset`.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    and_,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Change, OpStream, SyncOp, SyncSetting
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Audience
from server.domain.sync.maintenance import PURGED_THROUGH
from server.domain.sync.synced import BY_NAME, SYNCED_TYPES, SyncedType, columns_of, fetch
from sync.cursor import Anchor, Cursor, CursorError, Position, decode, encode
from sync.wire import Acks, PullResponse
from sync.wire import Change as WireChange

NO_HORIZON = 2**62  # SQLite: every committed change is settled
# Raised when what a cursor means changes, so every phone starts again once.
FEED_VERSION = "2"
CHANGE_AUDIENCE = Audience(
    site=Change.site_id,
    team=Change.team_id,
    department=Change.department_id,
    contractor=Change.contractor_id,
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Snapshot:
    epoch: str
    xmin: int
    max_change_id: int
    purged_through: Position  # the last change deleted from the log


def scope_fingerprint(actor: Actor) -> str:
    parts = [
        FEED_VERSION,
        ",".join(sorted(actor.roles)),
        ",".join(sorted(map(str, actor.site_ids))),
        str(actor.team_id),
        str(actor.contractor_id),
        str(actor.department_id),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def feed_filter(actor: Actor) -> ColumnElement[bool]:
    """The change rows the actor hears of: those whose audience they belong to."""
    return or_(
        *(
            and_(col(Change.entity_type) == synced.name, synced.feed(actor, CHANGE_AUDIENCE))
            for synced in SYNCED_TYPES
        )
    )


def _setting(key: str) -> Any:
    return select(col(SyncSetting.value)).where(col(SyncSetting.key) == key).scalar_subquery()


async def _snapshot(session: AsyncSession) -> Snapshot:
    """Everything a page needs to know of the log, in one statement (one round trip)."""
    if session.get_bind().dialect.name == "postgresql":
        xmin: Any = literal_column("pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
    else:
        xmin = literal(NO_HORIZON, BigInteger)
    row = (
        await session.execute(
            select(
                _setting("epoch"),
                _setting(PURGED_THROUGH),
                select(func.max(Change.id)).scalar_subquery(),
                xmin,
            )
        )
    ).one()
    epoch, purged_text, max_id, horizon = row
    if epoch is None:
        raise RuntimeError("sync_setting holds no epoch: the database is not migrated")
    purged = _position(purged_text or "0:0")
    return Snapshot(epoch, int(horizon), max(int(max_id or 0), purged.change_id), purged)


def _mark(entity_type: str, entity_id: Any, version: int, changed_at: datetime) -> int:
    """A short digest of a change row's content: a change under the same id in a restored
    database is another change."""
    at = changed_at if changed_at.tzinfo else changed_at.replace(tzinfo=UTC)
    micros = (at - _EPOCH) // _MICROSECOND
    text = f"{entity_type}:{uuid.UUID(str(entity_id))}:{version}:{micros}"
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=6).digest(), "big")


_MICROSECOND = datetime(1970, 1, 1, 0, 0, 0, 1, tzinfo=UTC) - _EPOCH
_ANCHOR_COLUMNS = (
    col(Change.txid),
    col(Change.id),
    col(Change.entity_type),
    col(Change.entity_id),
    col(Change.version),
    col(Change.changed_at),
)


def _anchor_of(row: Any) -> Anchor:
    txid, change_id, entity_type, entity_id, version, changed_at = row
    return Anchor(int(txid), int(change_id), _mark(entity_type, entity_id, version, changed_at))


async def _latest_settled(session: AsyncSession, snapshot: Snapshot) -> Anchor:
    """The last change of every transaction below the horizon (no anchor: an empty log)."""
    row = (
        await session.execute(
            select(*_ANCHOR_COLUMNS)
            .where(col(Change.txid) < snapshot.xmin)
            .order_by(col(Change.txid).desc(), col(Change.id).desc())
            .limit(1)
        )
    ).first()
    return _anchor_of(row) if row is not None else Anchor()


async def _fresh(session: AsyncSession, snapshot: Snapshot, scope: str) -> Cursor:
    if snapshot.xmin == NO_HORIZON:
        start = Position(0, snapshot.max_change_id)
    else:
        start = Position(snapshot.xmin - 1, NO_HORIZON)
    anchor = await _latest_settled(session, snapshot)
    return Cursor(snapshot.epoch, scope, "initial", 0, "", start, anchor)


async def _restored(session: AsyncSession, anchor: Anchor, snapshot: Snapshot) -> bool:
    """True when the database lacks the change the cursor is anchored to (and did not purge
    it): it was restored from a backup taken before that change."""
    if anchor.change_id == 0:
        return False
    purged = snapshot.purged_through
    if (anchor.txid, anchor.change_id) <= (purged.txid, purged.change_id):
        return False
    row = (
        await session.execute(select(*_ANCHOR_COLUMNS).where(col(Change.id) == anchor.change_id))
    ).first()
    return row is None or _anchor_of(row) != anchor


async def _unservable(
    session: AsyncSession, cursor: Cursor, snapshot: Snapshot, scope: str
) -> bool:
    """True when this cursor cannot be continued from here: start again instead."""
    if cursor.epoch != snapshot.epoch or cursor.scope != scope:
        return True
    position = cursor.position
    if snapshot.xmin == NO_HORIZON and position.change_id > snapshot.max_change_id:
        return True  # the database is older than the cursor: restored from a backup
    if snapshot.xmin != NO_HORIZON and position.txid >= snapshot.xmin and cursor.phase == "changes":
        return True
    # Part of the log this cursor still needed has been purged.
    purged = snapshot.purged_through
    if (position.txid, position.change_id) < (purged.txid, purged.change_id):
        return True
    return await _restored(session, cursor.anchor, snapshot)


def _position(text: str) -> Position:
    txid, change_id = text.split(":")
    return Position(int(txid), int(change_id))


async def _initial_page(
    session: AsyncSession, actor: Actor, cursor: Cursor, limit: int
) -> tuple[list[WireChange], Cursor]:
    changes: list[WireChange] = []
    while cursor.phase == "initial" and len(changes) < limit:
        if cursor.type_index >= len(SYNCED_TYPES):
            cursor = cursor.to_changes()
            break
        synced = SYNCED_TYPES[cursor.type_index]
        model: Any = synced.model
        want = limit - len(changes)
        stmt = synced.scope(actor, columns_of(synced)).order_by(model.id).limit(want)
        if cursor.after_id:
            stmt = stmt.where(model.id > uuid.UUID(cursor.after_id))
        rows = await fetch(session, synced, stmt)
        name = synced.name
        changes.extend(
            WireChange(name, entity_id, version, False, data) for entity_id, version, data in rows
        )
        if len(rows) < want:
            cursor = replace(cursor, type_index=cursor.type_index + 1, after_id="")
        else:
            cursor = replace(cursor, after_id=str(rows[-1][0]))
    return changes, cursor


async def _in_scope(
    session: AsyncSession, actor: Actor, synced: SyncedType, ids: list[uuid.UUID]
) -> dict[uuid.UUID, tuple[int, dict[str, Any]]]:
    model: Any = synced.model
    rows = await fetch(
        session, synced, synced.scope(actor, columns_of(synced).where(model.id.in_(ids)))
    )
    return {entity_id: (version, data) for entity_id, version, data in rows}


async def _changes_page(
    session: AsyncSession, actor: Actor, cursor: Cursor, snapshot: Snapshot, limit: int
) -> tuple[list[WireChange], Cursor, bool]:
    position = cursor.position
    log = (
        await session.execute(
            select(*_ANCHOR_COLUMNS)
            .where(
                tuple_(Change.txid, Change.id) > tuple_(position.txid, position.change_id),
                col(Change.txid) < snapshot.xmin,
                feed_filter(actor),
            )
            .order_by(col(Change.txid), col(Change.id))
            .limit(limit)
        )
    ).all()
    more = len(log) == limit
    if more:
        anchor = _anchor_of(log[-1])
        at = Position(anchor.txid, anchor.change_id)
    else:
        # Every change below the horizon that this actor hears of is in this page: move on
        # past the ones they do not, so the next pull does not read them again.
        settled = await _latest_settled(session, snapshot)
        if (settled.txid, settled.change_id) > (position.txid, position.change_id):
            anchor, at = settled, Position(settled.txid, settled.change_id)
        else:
            anchor, at = cursor.anchor, position
    moved = replace(cursor.to_changes(), position=at, anchor=anchor)
    return await _delivered(session, actor, log), moved, more


async def _delivered(session: AsyncSession, actor: Actor, log: Any) -> list[WireChange]:
    """The current rows of the logged entities, or a deletion for those gone or out of
    the actor's scope."""
    latest: dict[tuple[str, uuid.UUID], int] = {}
    for row in log:
        latest[(row.entity_type, row.entity_id)] = row.version
    by_type: dict[str, list[uuid.UUID]] = {}
    for entity_type, entity_id in latest:
        by_type.setdefault(entity_type, []).append(entity_id)
    visible: dict[tuple[str, uuid.UUID], tuple[int, dict[str, Any]]] = {}
    for entity_type, ids in by_type.items():
        synced = BY_NAME.get(entity_type)
        if synced is not None:
            for entity_id, current in (await _in_scope(session, actor, synced, ids)).items():
                visible[(entity_type, entity_id)] = current
    changes = []
    for (entity_type, entity_id), logged_version in latest.items():
        found = visible.get((entity_type, entity_id))
        if found is None:
            # Deleted, or it left this user's scope: the phone drops its copy.
            changes.append(WireChange(entity_type, entity_id, logged_version, True, None))
        else:
            changes.append(WireChange(entity_type, entity_id, found[0], False, found[1]))
    return changes


async def _acked_seq(
    session: AsyncSession, device_id: uuid.UUID, incarnation: uuid.UUID | None, settled: Any
) -> int:
    """The highest seq n such that every op of the stream up to n is `settled` (its
    effects, if any, are in what was delivered): rejected and refused ops included, so a
    settled op after an unsettled one is never acked ahead of it."""
    stream: Any = incarnation
    if stream is None:  # the device's most recent stream
        stream = (
            select(col(OpStream.incarnation))
            .where(col(OpStream.device_id) == device_id)
            .order_by(col(OpStream.updated_at).desc())
            .limit(1)
            .scalar_subquery()
        )
    of_stream = and_(col(SyncOp.device_id) == device_id, col(SyncOp.incarnation) == stream)
    first_unsettled, last = (
        await session.execute(
            select(
                select(func.min(SyncOp.seq)).where(of_stream, not_(settled)).scalar_subquery(),
                select(func.max(SyncOp.seq)).where(of_stream).scalar_subquery(),
            )
        )
    ).one()
    if first_unsettled is not None:
        return max(0, int(first_unsettled) - 1)
    return int(last or 0)


def _ack_bound(cursor: Cursor, snapshot: Snapshot, more: bool) -> Any:
    """Ops whose effects are all in what this pull has delivered so far."""
    if cursor.phase == "changes" and not more:
        return col(SyncOp.txid) < snapshot.xmin
    position = cursor.position
    return or_(
        col(SyncOp.txid) < position.txid,
        and_(col(SyncOp.txid) == position.txid, col(SyncOp.last_change_id) <= position.change_id),
    )


async def pull(
    session: AsyncSession,
    actor: Actor,
    device_id: uuid.UUID,
    cursor_text: str | None,
    limit: int,
    incarnation: uuid.UUID | None = None,
) -> PullResponse:
    """One page. Run it in one REPEATABLE READ transaction so data and acks agree."""
    snapshot = await _snapshot(session)
    scope = scope_fingerprint(actor)
    reset = False
    cursor: Cursor | None = None
    if cursor_text:
        try:
            cursor = decode(cursor_text)
        except CursorError:
            reset = True
        if cursor is not None and await _unservable(session, cursor, snapshot, scope):
            cursor, reset = None, True
    if cursor is None:
        cursor = await _fresh(session, snapshot, scope)
    if cursor.phase == "initial":
        changes, cursor = await _initial_page(session, actor, cursor, limit)
        more = True
        if cursor.phase == "changes" and len(changes) < limit:
            extra, cursor, more = await _changes_page(
                session, actor, cursor, snapshot, limit - len(changes)
            )
            changes.extend(extra)
            more = more or len(changes) >= limit
    else:
        changes, cursor, more = await _changes_page(session, actor, cursor, snapshot, limit)
    acks = 0
    if cursor.phase == "changes":  # during a first sync's walk nothing is wholly delivered
        acks = await _acked_seq(session, device_id, incarnation, _ack_bound(cursor, snapshot, more))
    return PullResponse(changes, encode(cursor), more, Acks(acks), reset)
