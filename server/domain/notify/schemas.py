"""What crosses HTTP for notifications and Web Push subscriptions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import msgspec


class PushKeys(msgspec.Struct):
    p256dh: Annotated[str, msgspec.Meta(max_length=200)]
    auth: Annotated[str, msgspec.Meta(max_length=100)]


class PushSubscriptionIn(msgspec.Struct):
    """The browser's `PushSubscription.toJSON()`; fields a browser adds later are ignored."""

    endpoint: Annotated[str, msgspec.Meta(max_length=2048)]
    keys: PushKeys
    expiration_time: float | None = msgspec.field(default=None, name="expirationTime")


class PushKeyOut(msgspec.Struct):
    """The VAPID application server key, for `pushManager.subscribe()`."""

    public_key: str


class NotificationOut(msgspec.Struct):
    id: uuid.UUID
    kind: str
    title: str
    body: str
    url: str
    work_order_id: uuid.UUID | None
    created_at: datetime
    read_at: datetime | None


class NotificationPage(msgspec.Struct):
    items: list[NotificationOut]
    total: int
    unread: int
    limit: int
    offset: int
