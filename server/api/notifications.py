"""Notifications: the signed-in user's list, and this phone's Web Push subscription."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, delete, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from server.domain.accounts.policy import Permission
from server.domain.notify import service
from server.domain.notify.schemas import (
    NotificationOut,
    NotificationPage,
    PushKeyOut,
    PushSubscriptionIn,
)
from server.domain.paging import PageRequest
from server.web.deps import AppSettings, CurrentActor, DbSession
from server.web.security import requires


class NotificationController(Controller):
    path = "/"
    tags = ["notifications"]
    guards = requires(Permission.READ_REFERENCE)

    @get("/push/key")
    async def push_key(self, settings: AppSettings) -> PushKeyOut:
        """The VAPID application server key to pass to `pushManager.subscribe()`."""
        return PushKeyOut(settings.push.public_key)

    @put("/devices/current/push-subscription", status_code=HTTP_204_NO_CONTENT)
    async def subscribe(
        self,
        data: JSONBody[PushSubscriptionIn],
        db_session: DbSession,
        actor: CurrentActor,
        settings: AppSettings,
    ) -> None:
        """Keep this phone's `PushSubscription` (its `toJSON()`), replacing any earlier one.

        Needs a device-bound token (400 `device_required`); an endpoint that is not https,
        or keys that are not a P-256 key and a 16-byte secret, are 422
        `invalid_push_subscription`; an endpoint whose host does not resolve, or resolves
        to a loopback, private or other non-public address, is 422
        `push_endpoint_not_public`."""
        allow_private = settings.push.allow_private_endpoints
        await service.set_subscription(db_session, actor, data, allow_private=allow_private)

    @delete("/devices/current/push-subscription", status_code=HTTP_204_NO_CONTENT)
    async def unsubscribe(self, db_session: DbSession, actor: CurrentActor) -> None:
        """Stop Web Push to this phone (the in-app list is unchanged)."""
        await service.clear_subscription(db_session, actor)

    @get("/notifications")
    async def notifications(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        unread_only: FromQuery[bool] = False,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> NotificationPage:
        """Your notifications, newest first, with the count of unread ones."""
        page = PageRequest(limit, offset)
        items, total, unread = await service.list_notifications(
            db_session, actor, page, unread_only=unread_only
        )
        return NotificationPage(items, total, unread, page.limit, page.offset)

    @post("/notifications/{notification_id:uuid}/read", status_code=HTTP_200_OK)
    async def read(
        self, notification_id: FromPath[uuid.UUID], db_session: DbSession, actor: CurrentActor
    ) -> NotificationOut:
        """Mark one of your notifications read; another user's is 404 `not_found`."""
        return await service.mark_read(db_session, actor, notification_id)
