"""Live updates: after a transaction that changed work orders commits, say which.

One place publishes: a SQLAlchemy session listener. `after_flush` notes the ids of the
work orders (and of orders that got a new event) flushed in the current transaction or
savepoint, in `session.info`; a released savepoint hands its ids to its parent, a rolled
back one takes them with it; the outermost commit publishes them on the "work_orders"
channel. The console, the API and the ops pushed by phones all use the same sessions,
so every path is covered.

The channels plugin keeps nothing of its own in process memory across workers when
`settings.redis_url` is set (Redis pub/sub); the in-memory backend is for one worker.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

from litestar.channels import ChannelsPlugin
from litestar.channels.backends.base import ChannelsBackend
from litestar.channels.backends.memory import MemoryChannelsBackend
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from server.db.models import WorkOrder, WorkOrderEvent

CHANNEL = "work_orders"
_PENDING = "work_orders_changed"  # session.info key: {transaction: set of order ids}
log = logging.getLogger(__name__)


class _Live:
    """The app's channels plugin and the loop it publishes on (set in the lifespan)."""

    plugin: ChannelsPlugin | None = None
    loop: asyncio.AbstractEventLoop | None = None


LIVE = _Live()


def make_channels(redis_url: str | None) -> ChannelsPlugin:
    backend: ChannelsBackend
    if redis_url:
        # Optional dependency, needed only with ROUNDS_REDIS_URL.
        from litestar.channels.backends.redis import RedisChannelsPubSubBackend
        from redis.asyncio import Redis  # type: ignore[import-not-found,unused-ignore]

        backend = RedisChannelsPubSubBackend(redis=Redis.from_url(redis_url))
    else:
        backend = MemoryChannelsBackend()
    return ChannelsPlugin(backend=backend, channels=[CHANNEL], subscriber_max_backlog=100)


def attach(plugin: ChannelsPlugin | None) -> ChannelsPlugin | None:
    """Make `plugin` the one commits publish to; returns the previous one (to restore)."""
    previous = LIVE.plugin
    LIVE.plugin = plugin
    try:
        LIVE.loop = asyncio.get_running_loop() if plugin is not None else None
    except RuntimeError:
        LIVE.loop = None
    return previous


def _pending(session: Session) -> dict[SessionTransaction, set[uuid.UUID]]:
    found: dict[SessionTransaction, set[uuid.UUID]] = session.info.setdefault(_PENDING, {})
    return found


def _current(session: Session) -> SessionTransaction | None:
    return session.get_nested_transaction() or session.get_transaction()


def _after_flush(session: Session, _context: Any) -> None:
    if LIVE.plugin is None:
        return
    ids: set[uuid.UUID] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, WorkOrder):
            if obj in session.new or obj in session.deleted or session.is_modified(obj):
                ids.add(obj.id)
        elif isinstance(obj, WorkOrderEvent):
            ids.add(obj.work_order_id)
    transaction = _current(session)
    if ids and transaction is not None:
        _pending(session).setdefault(transaction, set()).update(ids)


def _after_commit(session: Session) -> None:
    pending = session.info.get(_PENDING)
    if not pending:
        return
    nested = session.get_nested_transaction()
    if nested is not None:  # a savepoint released: its changes now belong to the parent
        ids = pending.pop(nested, set())
        if ids and nested.parent is not None:
            pending.setdefault(nested.parent, set()).update(ids)
        return
    ids = set().union(*pending.values())
    pending.clear()
    if ids:
        publish(sorted(str(i) for i in ids))


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # Rolled back (or closed without a commit): what it flushed never happened.
    pending = session.info.get(_PENDING)
    if pending:
        pending.pop(transaction, None)


def publish(order_ids: list[str]) -> None:
    plugin, loop = LIVE.plugin, LIVE.loop
    if plugin is None:
        return
    message = {"type": "work_orders", "ids": order_ids}
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    try:
        if loop is None or running is loop:
            plugin.publish(message, CHANNEL)
        else:  # committed on another thread: hand the publish to the app's loop
            loop.call_soon_threadsafe(plugin.publish, message, CHANNEL)
    except RuntimeError:
        log.warning("work order change not published: channels not started")


def install() -> None:
    """Register the listeners once per process, on every ORM session."""
    if event.contains(Session, "after_flush", _after_flush):
        return
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_transaction_end", _after_transaction_end)
