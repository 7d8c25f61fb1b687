"""Web Push delivery: committed notifications are sent to their user's subscribed phones.

One run claims a batch in a short transaction, sends outside any transaction (each
blocking POST in a worker thread), then records the outcomes in a second transaction.

Claiming counts the attempt up front (`push_attempts + 1`) and stamps `updated_at` with
the claim time: a run that dies while sending leaves its notifications to be tried again
after `retry_delay`, never twice at once. The outcome gives the attempt back when the
message reached at least one phone, or when every subscription turned out to be gone (a
404 or 410 from the push service, which also removes that subscription). After
`MAX_ATTEMPTS` failures a notification is left in the in-app list only.

Claims are safe with several workers: `FOR UPDATE SKIP LOCKED` on PostgreSQL, the write
lock (`BEGIN IMMEDIATE`) on SQLite. The background loop runs under a job lease as well,
so in practice one worker delivers at a time.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import partial
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from py_vapid import Vapid
from pywebpush import WebPushException, webpush
from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from server.db.models import Device, Notification
from server.db.types import utcnow
from server.domain.notify.endpoints import delivery_session, is_https
from server.errors import PushEndpointNotPublic
from server.settings import Settings

log = logging.getLogger("rounds.notify")
M = TypeVar("M", Device, Notification)

MAX_ATTEMPTS = 5
SEND_TIMEOUT_SECONDS = 10.0
SENDERS = 8  # POSTs in flight at once
# How long a push service keeps a message for a phone that is off or out of coverage.
MESSAGE_TTL_SECONDS = 24 * 3600
BODY_MAX = 500  # the encrypted payload must stay under 4 KiB
PUSH_JOB = "push-delivery"
# Longer than one run can take (a batch of 100 at SENDERS at a time, each within the
# timeout), so a second worker never starts beside a slow run.
PUSH_LEASE = timedelta(minutes=3)


def retry_delay(attempts: int) -> timedelta:
    """Wait before attempt `attempts + 1`: 1, 2, 4, 8 minutes."""
    return timedelta(minutes=2 ** (attempts - 1))


class Outcome(StrEnum):
    SENT = "sent"
    GONE = "gone"
    FAILED = "failed"
    REFUSED = "refused"  # the endpoint is not (any more) https on a public address


@dataclass
class DeliveryReport:
    """One run: notifications claimed; push messages sent and failed (one per phone);
    subscriptions removed because the push service said they are gone; notifications
    whose user has no subscribed phone (marked pushed, kept in the in-app list);
    subscriptions removed because their endpoint is not https on a public address."""

    claimed: int = 0
    sent: int = 0
    expired_removed: int = 0
    failed: int = 0
    no_subscription: int = 0
    refused_removed: int = 0


@dataclass
class _Claimed:
    id: uuid.UUID
    attempts_before: int
    payload: str
    targets: list[tuple[uuid.UUID, dict[str, Any]]]
    outcomes: list[tuple[uuid.UUID, str, Outcome]] = field(default_factory=list)


def payload(row: Notification) -> str:
    """What the service worker receives: enough to show the notification and open it."""
    body = row.body if len(row.body) <= BODY_MAX else row.body[: BODY_MAX - 1] + "…"
    message = {"title": row.title, "body": body, "url": row.url, "kind": row.kind}
    return json.dumps({**message, "id": str(row.id)}, ensure_ascii=False)


def _due(now: datetime) -> Any:
    attempts, claimed_at = col(Notification.push_attempts), col(Notification.updated_at)
    retries = [
        and_(attempts == n, claimed_at < now - retry_delay(n)) for n in range(1, MAX_ATTEMPTS)
    ]
    return and_(col(Notification.pushed_at).is_(None), or_(attempts == 0, *retries))


async def _begin(session: AsyncSession) -> None:
    await session.connection(execution_options={"sqlite_begin": "BEGIN IMMEDIATE"})


async def _claim(
    session_factory: async_sessionmaker[AsyncSession],
    limit: int,
    now: datetime,
    report: DeliveryReport,
) -> list[_Claimed]:
    async with session_factory() as session:
        await _begin(session)
        stmt = (
            select(Notification)
            .where(_due(now))
            .order_by(col(Notification.created_at), col(Notification.id))
            .limit(limit)
        )
        if session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        rows = list(await session.scalars(stmt))
        targets: dict[uuid.UUID, list[tuple[uuid.UUID, dict[str, Any]]]] = {}
        if rows:
            devices = await session.execute(
                select(col(Device.user_id), col(Device.id), col(Device.push_subscription))
                .where(
                    col(Device.user_id).in_({row.user_id for row in rows}),
                    col(Device.revoked_at).is_(None),
                    # A removed subscription is stored as JSON null: it has no endpoint.
                    col(Device.push_subscription)["endpoint"].as_string().is_not(None),
                )
                .order_by(col(Device.id))
            )
            for user_id, device_id, subscription in devices:
                targets.setdefault(user_id, []).append((device_id, subscription))
        claimed = [
            _Claimed(row.id, row.push_attempts, payload(row), targets[row.user_id])
            for row in rows
            if row.user_id in targets
        ]
        unsubscribed = [row.id for row in rows if row.user_id not in targets]
        report.no_subscription += len(unsubscribed)
        # One statement for each kind of row, however many rows.
        if unsubscribed:
            await session.execute(
                update(Notification)
                .where(col(Notification.id).in_(unsubscribed))
                .values(pushed_at=now)
            )
        if claimed:
            await session.execute(
                update(Notification)
                .where(col(Notification.id).in_([item.id for item in claimed]))
                .values(push_attempts=col(Notification.push_attempts) + 1, updated_at=now)
            )
        await session.commit()
    report.claimed = len(rows)
    return claimed


def _post(
    vapid: Any, subject: str, subscription: dict[str, Any], data: str, allow_private: bool
) -> Outcome:
    """One blocking POST to the push service (run in a worker thread)."""
    endpoint = str(subscription.get("endpoint", ""))
    if not allow_private and not is_https(endpoint):
        log.warning("push to %s refused: not https", _origin(subscription))
        return Outcome.REFUSED
    try:
        with delivery_session(allow_private=allow_private) as session:
            webpush(
                subscription_info=subscription,
                data=data,
                vapid_private_key=vapid,
                vapid_claims={"sub": subject},  # a new dict each time: webpush adds `aud` to it
                timeout=SEND_TIMEOUT_SECONDS,
                ttl=MESSAGE_TTL_SECONDS,
                requests_session=session,
            )
    except PushEndpointNotPublic as exc:
        log.warning("push to %s refused: %s", _origin(subscription), exc.message)
        return Outcome.REFUSED
    except WebPushException as exc:
        if exc.status_code in {404, 410}:
            return Outcome.GONE
        log.warning("push to %s refused: %s", _origin(subscription), exc.status_code or exc)
        return Outcome.FAILED
    except Exception as exc:  # network errors, a subscription the push library cannot use
        log.warning("push to %s failed: %r", _origin(subscription), exc)
        return Outcome.FAILED
    return Outcome.SENT


def _origin(subscription: dict[str, Any]) -> str:
    # Never log the whole endpoint: its path is the capability to push to that phone.
    return "/".join(str(subscription.get("endpoint", "")).split("/")[:3])


async def _send(claimed: list[_Claimed], settings: Settings) -> None:
    # Read here, not by py_vapid's from_file, which would make a new key if it were missing.
    vapid = Vapid.from_pem(settings.push.private_key_file.read_bytes())
    limiter = anyio.CapacityLimiter(SENDERS)

    async def send_one(item: _Claimed, device_id: uuid.UUID, subscription: dict[str, Any]) -> None:
        post = partial(
            _post,
            vapid,
            settings.push.subject,
            subscription,
            item.payload,
            settings.push.allow_private_endpoints,
        )
        outcome = await anyio.to_thread.run_sync(post, limiter=limiter)
        item.outcomes.append((device_id, str(subscription.get("endpoint")), outcome))

    async with anyio.create_task_group() as group:
        for item in claimed:
            for device_id, subscription in item.targets:
                group.start_soon(send_one, item, device_id, subscription)


async def _record(
    session_factory: async_sessionmaker[AsyncSession],
    claimed: list[_Claimed],
    now: datetime,
    report: DeliveryReport,
) -> None:
    removals = {
        (device_id, endpoint, outcome)
        for item in claimed
        for device_id, endpoint, outcome in item.outcomes
        if outcome in (Outcome.GONE, Outcome.REFUSED)
    }
    async with session_factory() as session:
        await _begin(session)
        devices = await _by_id(session, Device, {device_id for device_id, _, _ in removals})
        for device_id, endpoint, outcome in sorted(removals):
            device = devices.get(device_id)
            # Unless the phone subscribed anew meanwhile.
            if device and (device.push_subscription or {}).get("endpoint") == endpoint:
                device.push_subscription = None
                if outcome is Outcome.GONE:
                    report.expired_removed += 1
                else:
                    report.refused_removed += 1
        rows = await _by_id(session, Notification, {item.id for item in claimed})
        for item in claimed:
            outcomes = [outcome for _, _, outcome in item.outcomes]
            report.sent += outcomes.count(Outcome.SENT)
            report.failed += outcomes.count(Outcome.FAILED)
            row = rows.get(item.id)
            if row is None:
                continue
            if Outcome.SENT in outcomes or Outcome.FAILED not in outcomes:
                row.pushed_at = now
                row.push_attempts = item.attempts_before
            elif row.push_attempts >= MAX_ATTEMPTS:
                log.warning(
                    "giving up pushing notification %s after %d tries", row.id, MAX_ATTEMPTS
                )
        await session.commit()


async def _by_id(session: AsyncSession, model: type[M], ids: set[uuid.UUID]) -> dict[uuid.UUID, M]:
    """Rows by id in one query, however many there are."""
    if not ids:
        return {}
    found = await session.scalars(select(model).where(col(model.id).in_(ids)))
    return {row.id: row for row in found}


async def deliver_pending(
    session_factory: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    limit: int = 100,
    now: datetime | None = None,
) -> DeliveryReport:
    """Send up to `limit` due notifications by Web Push to every subscribed phone of their
    user. `now` is the time the run acts at (tests move it forward to reach retries)."""
    now = now or utcnow()
    report = DeliveryReport()
    claimed = await _claim(session_factory, limit, now, report)
    if claimed:
        await _send(claimed, settings)
        await _record(session_factory, claimed, now, report)
    return report
