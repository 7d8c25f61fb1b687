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
    session: AsyncSession
    actor: Actor
    device_id: uuid.UUID
    op: Op
    received_at: datetime


OPS: Registry[OpContext] = Registry()
