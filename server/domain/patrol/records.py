"""What guards record: rounds, checkpoint scans, incidents, clock events.

They are append-only events (sync-contract "Scans, clock events ... incidents"): a record
is kept whatever state it meets. A payload naming no checkpoint, a checkpoint not on the
round's route, a scan after the round ended, a clock in at a checkpoint that is not a
clock point: each is stored as sent and flagged by its outcome, never dropped. Every
record keeps the op that carried it (`op_id`, `op_hash`) for the verification report.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    Checkpoint,
    CheckpointScan,
    ClockEvent,
    ClockKind,
    ExpectedRound,
    PatrolRound,
    RoundStatus,
    Route,
    RouteCheckpoint,
    ScanMethod,
)
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import OVERSEERS, scope_routes
from server.domain.patrol import expected as expected_rounds
from server.errors import InvalidInput, NotFound

_SEPARATORS = re.compile(r"[\s:\-]")


@dataclass
class StartRules:
    """A round started up to `grace` before a window opens (19:58 for 20:00) belongs to
    that window. Set once at start-up from ROUNDS_PATROL_START_GRACE_MINUTES (10)."""

    grace: timedelta = timedelta(minutes=10)


START_RULES = StartRules()


@dataclass(frozen=True)
class Meta:
    """The op behind a record: when the phone says it happened (bounded by push), when we
    received it, and its place in the device's hash chain."""

    received_at: datetime
    claimed_at: datetime | None = None
    clock_flag: str | None = None
    hlc: str = ""
    device_id: uuid.UUID | None = None
    op_id: uuid.UUID | None = None
    op_hash: str = ""

    @property
    def when(self) -> datetime:
        return self.claimed_at or self.received_at


def normalise_uid(uid: str) -> str:
    """An NFC tag's UID as checkpoints store it: hex, upper case, no separators.

    >>> normalise_uid("04:a2:1b:ff 3c-90-01")
    '04A21BFF3C9001'
    """
    return _SEPARATORS.sub("", uid).upper()


async def resolve_checkpoint(
    session: AsyncSession, payload: str, method: ScanMethod
) -> Checkpoint | None:
    """The checkpoint a scan names: its QR payload or NFC UID, or (typed by hand) its code."""
    text = payload.strip()
    keys = [col(Checkpoint.qr_payload) == text, col(Checkpoint.nfc_uid) == normalise_uid(text)]
    if method == ScanMethod.MANUAL:
        keys.append(col(Checkpoint.code) == text.upper())
    found = await session.scalars(select(Checkpoint).where(or_(*keys)).limit(1))
    return found.first()


def check_manual(method: ScanMethod, reason: str) -> None:
    if method == ScanMethod.MANUAL and not reason.strip():
        raise InvalidInput("A checkpoint typed by hand needs a reason.", field="manual_reason")


async def visible_route(session: AsyncSession, actor: Actor, route_id: uuid.UUID) -> Route:
    route = await session.scalar(
        scope_routes(actor, select(Route).where(col(Route.id) == route_id))
    )
    if route is None:
        raise NotFound("No such route among yours.", route_id=str(route_id))
    return route


async def _match_expected(
    session: AsyncSession, route: Route, named: uuid.UUID | None, at: datetime
) -> uuid.UUID | None:
    """The expected round the guard chose (if it is of this route), else the first whose
    window holds the start, counting the start grace before the window opens."""
    if named is not None:
        chosen = await session.get(ExpectedRound, named)
        if chosen is not None and chosen.route_id == route.id:
            return chosen.id
    await expected_rounds.generate(session, at, route_ids=[route.id])
    return await session.scalar(
        select(col(ExpectedRound.id))
        .where(
            col(ExpectedRound.route_id) == route.id,
            col(ExpectedRound.window_start) <= at + START_RULES.grace,
            col(ExpectedRound.window_end) >= at,
        )
        .order_by(col(ExpectedRound.window_start))
        .limit(1)
    )


async def start_round(
    session: AsyncSession,
    actor: Actor,
    meta: Meta,
    *,
    round_id: uuid.UUID,
    route_id: uuid.UUID,
    expected_round_id: uuid.UUID | None = None,
) -> PatrolRound:
    route = await visible_route(session, actor, route_id)
    existing = await session.get(PatrolRound, round_id)
    if existing is not None:  # the same round sent again by another op: kept as it was
        return existing
    matched = await _match_expected(session, route, expected_round_id, meta.when)
    walked = PatrolRound(
        id=round_id,
        route_id=route.id,
        expected_round_id=matched,
        guard_id=actor.user_id,
        site_id=route.site_id,
        contractor_id=route.contractor_id,
        started_at=meta.when,
        device_id=meta.device_id,
        start_op_id=meta.op_id,
        start_op_hash=meta.op_hash,
    )
    session.add(walked)
    await session.flush()
    await expected_rounds.touched(session, matched, meta.received_at)
    return walked


async def _round_of(
    session: AsyncSession, actor: Actor, round_id: uuid.UUID | None
) -> PatrolRound | None:
    """The round if the actor may record on it: their own, or their contractor's."""
    if round_id is None:
        return None
    walked = await session.get(PatrolRound, round_id)
    if walked is None:
        return None
    if walked.guard_id == actor.user_id or actor.has(*OVERSEERS):
        return walked
    return walked if walked.contractor_id == actor.contractor_id else None


async def _on_route(session: AsyncSession, route_id: uuid.UUID, checkpoint_id: uuid.UUID) -> bool:
    found = await session.scalar(
        select(col(RouteCheckpoint.position)).where(
            col(RouteCheckpoint.route_id) == route_id,
            col(RouteCheckpoint.checkpoint_id) == checkpoint_id,
        )
    )
    return found is not None


async def scan_checkpoint(
    session: AsyncSession,
    actor: Actor,
    meta: Meta,
    *,
    scan_id: uuid.UUID,
    payload: str,
    method: ScanMethod,
    round_id: uuid.UUID | None = None,
    manual_reason: str = "",
) -> CheckpointScan:
    check_manual(method, manual_reason)
    existing = await session.get(CheckpointScan, scan_id)
    if existing is not None:
        return existing
    walked = await _round_of(session, actor, round_id)
    checkpoint = await resolve_checkpoint(session, payload, method)
    if checkpoint is None:
        outcome = expected_rounds.UNKNOWN_CHECKPOINT
    elif walked is None:
        outcome = expected_rounds.NO_ROUND
    elif not await _on_route(session, walked.route_id, checkpoint.id):
        outcome = expected_rounds.NOT_ON_ROUTE
    else:
        outcome = ""  # judged when the round's window closes
    scan = CheckpointScan(
        id=scan_id,
        round_id=walked.id if walked else None,
        checkpoint_id=checkpoint.id if checkpoint else None,
        payload=payload[:128],
        method=method,
        manual_reason=manual_reason[:200],
        guard_id=actor.user_id,
        site_id=checkpoint.site_id if checkpoint else (walked.site_id if walked else None),
        contractor_id=walked.contractor_id if walked else actor.contractor_id,
        claimed_at=meta.when,
        received_at=meta.received_at,
        hlc=meta.hlc[:80],
        clock_flag=meta.clock_flag,
        device_id=meta.device_id,
        op_id=meta.op_id,
        op_hash=meta.op_hash,
        outcome=outcome,
    )
    session.add(scan)
    await session.flush()
    if walked is not None:
        await expected_rounds.touched(session, walked.expected_round_id, meta.received_at)
    return scan


async def end_round(
    session: AsyncSession, actor: Actor, meta: Meta, *, round_id: uuid.UUID, note: str = ""
) -> PatrolRound:
    """End the round; one ended already keeps its first end (the later op is kept in the
    op log all the same)."""
    walked = await _round_of(session, actor, round_id)
    if walked is None:
        raise NotFound("No such round of yours.", round_id=str(round_id))
    if walked.status == RoundStatus.ENDED:
        return walked
    walked.status = RoundStatus.ENDED
    walked.ended_at = meta.when
    walked.note = note[:400]
    walked.end_op_hash = meta.op_hash
    await session.flush()
    await expected_rounds.touched(session, walked.expected_round_id, meta.received_at)
    return walked


async def clock(
    session: AsyncSession,
    actor: Actor,
    meta: Meta,
    *,
    kind: ClockKind,
    event_id: uuid.UUID,
    payload: str,
    method: ScanMethod,
    manual_reason: str = "",
) -> ClockEvent:
    """A clock in or out at a designated clock point. A scan of anything else is kept with
    no checkpoint, so the attendance sheet shows it (and no shift is made of it)."""
    check_manual(method, manual_reason)
    existing = await session.get(ClockEvent, event_id)
    if existing is not None:
        return existing
    checkpoint = await resolve_checkpoint(session, payload, method)
    at_clock_point = checkpoint is not None and checkpoint.clock_point
    if at_clock_point and actor.site_limited and checkpoint is not None:
        at_clock_point = checkpoint.site_id in actor.site_ids
    event = ClockEvent(
        id=event_id,
        user_id=actor.user_id,
        contractor_id=actor.contractor_id,
        site_id=checkpoint.site_id if checkpoint is not None and at_clock_point else None,
        kind=kind,
        checkpoint_id=checkpoint.id if checkpoint is not None and at_clock_point else None,
        payload=payload[:128],
        method=method,
        manual_reason=manual_reason[:200],
        claimed_at=meta.when,
        received_at=meta.received_at,
        hlc=meta.hlc[:80],
        clock_flag=meta.clock_flag,
        device_id=meta.device_id,
        op_id=meta.op_id,
        op_hash=meta.op_hash,
    )
    session.add(event)
    await session.flush()
    return event
