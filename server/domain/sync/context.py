"""What an op handler gets: who sent it, from where, when, and the transaction to work in."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.accounts.actor import Actor
from sync.registry import Registry
from sync.wire import Op


@dataclass(frozen=True)
class OpContext:
    """`claimed_at` is the op's claimed time within bounds (None: the receipt time stands);
    `clock_flag` says why a claim was replaced by the receipt time (sync/clocks.py);
    `op_hash` is the op's place in its device's hash chain (sync/chain.py), which patrol
    and attendance records keep so a printed statement can be checked against the server."""

    session: AsyncSession
    actor: Actor
    device_id: uuid.UUID
    op: Op
    received_at: datetime
    claimed_at: datetime | None = None
    clock_flag: str | None = None
    op_hash: str = ""


@dataclass(frozen=True)
class OnBehalf:
    """Who an op acts for when it is not its sender: the desk re-submitting a phone's op
    applies it as the original actor, from the original device, at the original time."""

    actor: Actor
    device_id: uuid.UUID
    claimed_at: datetime | None
    clock_flag: str | None = None


OPS: Registry[OpContext] = Registry()
