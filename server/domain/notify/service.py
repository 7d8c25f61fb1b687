"""Writing notifications, the in-app list, and the Web Push subscription of a device."""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from collections.abc import Iterable
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Device, Notification
from server.db.types import utcnow
from server.domain.accounts.actor import Actor
from server.domain.notify.endpoints import check_endpoint_host
from server.domain.notify.schemas import NotificationOut, PushSubscriptionIn
from server.domain.paging import PageRequest
from server.errors import DeviceRequired, InvalidSubscription, NotFound

TITLE_MAX = 200
URL_MAX = 300
# With private endpoints allowed, a stand-in push service on this machine may be plain HTTP.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost"})
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")


class NotificationKind(StrEnum):
    ASSIGNED = "assigned"
    DISPATCHED = "dispatched"
    SLA_WARNING = "sla_warning"
    SLA_BREACH = "sla_breach"
    CONFIRM_REQUEST = "confirm_request"
    POOR_RATING = "poor_rating"
    CALLBACK = "callback"
    RECALL = "recall"  # a lot of stock recalled: its storekeepers check their shelves
    PATROL_MISSED = "patrol_missed"  # an expected round never started in its window
    PATROL_LATE = "patrol_late"  # a round walked with checkpoints late, missed or out of order


async def notify(
    session: AsyncSession,
    user_ids: Iterable[uuid.UUID],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    work_order_id: uuid.UUID | None = None,
) -> list[Notification]:
    """Add one notification per user (each once) to the caller's unit of work.

    Nothing is sent here: Web Push delivery reads the committed rows later, outside any
    transaction. An unknown `kind` or a `url` too long to store is a programming error.
    """
    kind = NotificationKind(kind).value
    if len(url) > URL_MAX:
        raise ValueError(f"a notification url is at most {URL_MAX} characters")
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1] + "…"
    rows = [
        Notification(
            user_id=user_id,
            kind=kind,
            title=title,
            body=body,
            url=url,
            work_order_id=work_order_id,
        )
        for user_id in dict.fromkeys(user_ids)
    ]
    session.add_all(rows)
    return rows


def notification_out(row: Notification) -> NotificationOut:
    return NotificationOut(
        id=row.id,
        kind=row.kind,
        title=row.title,
        body=row.body,
        url=row.url,
        work_order_id=row.work_order_id,
        created_at=row.created_at,
        read_at=row.read_at,
    )


async def list_notifications(
    session: AsyncSession, actor: Actor, page: PageRequest, *, unread_only: bool = False
) -> tuple[list[NotificationOut], int, int]:
    """The actor's own notifications, newest first: (page, total, unread)."""
    mine = col(Notification.user_id) == actor.user_id
    unread = col(Notification.read_at).is_(None)
    stmt = select(Notification).where(mine)
    if unread_only:
        stmt = stmt.where(unread)
    total = await session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    unread_count = (
        await session.scalar(select(func.count(col(Notification.id))).where(mine, unread)) or 0
    )
    rows = await session.scalars(
        stmt.order_by(col(Notification.created_at).desc(), col(Notification.id).desc())
        .limit(page.limit)
        .offset(page.offset)
    )
    return [notification_out(row) for row in rows], total, unread_count


async def mark_read(
    session: AsyncSession, actor: Actor, notification_id: uuid.UUID
) -> NotificationOut:
    """Mark one of the actor's notifications read (again is harmless: the first time stays)."""
    row = await session.get(Notification, notification_id)
    if row is None or row.user_id != actor.user_id:
        raise NotFound("No such notification.")
    if row.read_at is None:
        row.read_at = utcnow()
    return notification_out(row)


def _key_bytes(value: str, name: str) -> bytes:
    if not _BASE64URL.match(value):
        raise InvalidSubscription(f"keys.{name} must be URL-safe base64.")
    try:
        return base64.urlsafe_b64decode(value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4))
    except (binascii.Error, ValueError) as exc:
        raise InvalidSubscription(f"keys.{name} must be URL-safe base64.") from exc


def checked_subscription(data: PushSubscriptionIn, *, allow_private: bool) -> dict[str, Any]:
    """The subscription as stored: an https endpoint (plain http only to this machine, and
    only when private endpoints are allowed), a P-256 public key and a 16-byte auth
    secret, all as the browser sent them. Where the host points is checked apart
    (`endpoints.check_endpoint_host`), since that needs a DNS lookup."""
    try:
        parts = urlsplit(data.endpoint)
        host = parts.hostname
    except ValueError as exc:
        raise InvalidSubscription("endpoint is not a URL.") from exc
    plain_local = allow_private and parts.scheme == "http" and host in LOOPBACK_HOSTS
    if not host or parts.username or parts.password or not (parts.scheme == "https" or plain_local):
        raise InvalidSubscription("endpoint must be an https URL of a push service.")
    p256dh = _key_bytes(data.keys.p256dh, "p256dh")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), p256dh)
    except ValueError as exc:
        raise InvalidSubscription("keys.p256dh is not a P-256 public key.") from exc
    if len(_key_bytes(data.keys.auth, "auth")) != 16:
        raise InvalidSubscription("keys.auth must be a 16-byte secret.")
    return {"endpoint": data.endpoint, "keys": {"p256dh": data.keys.p256dh, "auth": data.keys.auth}}


async def _current_device(session: AsyncSession, actor: Actor) -> Device:
    if actor.device_id is None:
        raise DeviceRequired(
            "Notifications on the phone need the field app: sign in from a registered device."
        )
    device = await session.get(Device, actor.device_id)
    if device is None or device.user_id != actor.user_id or device.revoked_at is not None:
        raise DeviceRequired("This device is not signed in as you any more: sign in again.")
    return device


async def set_subscription(
    session: AsyncSession, actor: Actor, data: PushSubscriptionIn, *, allow_private: bool
) -> uuid.UUID:
    """Keep the subscription on the token's device; returns the device id.

    A browser has one subscription: any other device that still holds the same endpoint
    (an earlier sign-in of this browser) loses it, so nobody's pushes reach it twice or
    reach whoever uses the browser now.
    """
    subscription = checked_subscription(data, allow_private=allow_private)
    if not allow_private:
        await check_endpoint_host(data.endpoint)
    device = await _current_device(session, actor)
    same_endpoint = col(Device.push_subscription)["endpoint"].as_string() == data.endpoint
    for other in await session.scalars(
        select(Device).where(col(Device.id) != device.id, same_endpoint)
    ):
        other.push_subscription = None
    device.push_subscription = subscription
    return device.id


async def clear_subscription(session: AsyncSession, actor: Actor) -> None:
    (await _current_device(session, actor)).push_subscription = None
