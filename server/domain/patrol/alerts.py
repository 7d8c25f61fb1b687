"""Alerts when an expected round was missed or walked only in part: a notification (in the
app, and by Web Push from the notification queue) to the contractor's managers and the
site's supervisors (the hospital's security lead), once per expected round however often
late records make it judged again."""

from __future__ import annotations

import uuid

from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    ExpectedRound,
    ExpectedStatus,
    Notification,
    Role,
    Route,
    User,
    UserRole,
    UserSite,
)
from server.domain.notify.service import NotificationKind, notify

KINDS = (NotificationKind.PATROL_MISSED.value, NotificationKind.PATROL_LATE.value)


def alert_url(expected: ExpectedRound) -> str:
    """The desk's page of the expected round; also what makes an alert once per round."""
    return f"/desk/patrol/expected/{expected.id}"


async def recipients(session: AsyncSession, expected: ExpectedRound) -> list[uuid.UUID]:
    has_role = select(col(UserRole.user_id)).where(col(UserRole.user_id) == col(User.id))
    manager = exists(has_role.where(col(UserRole.role) == Role.CONTRACTOR_MANAGER)) & (
        col(User.contractor_id) == expected.contractor_id
    )
    at_site = or_(
        ~exists().where(col(UserSite.user_id) == col(User.id)),
        exists().where(
            col(UserSite.user_id) == col(User.id), col(UserSite.site_id) == expected.site_id
        ),
    )
    supervisor = exists(has_role.where(col(UserRole.role) == Role.SUPERVISOR)) & at_site
    found = await session.scalars(
        select(col(User.id))
        .where(col(User.active).is_(True), or_(manager, supervisor))
        .order_by(col(User.id))
    )
    return list(found)


async def alert_once(session: AsyncSession, expected: ExpectedRound, route: Route) -> bool:
    """Tell them, unless this expected round was alerted already; True if it was now."""
    url = alert_url(expected)
    already = await session.scalar(
        select(col(Notification.id))
        .where(col(Notification.url) == url, col(Notification.kind).in_(KINDS))
        .limit(1)
    )
    if already is not None:
        return False
    missed = expected.status == ExpectedStatus.MISSED
    kind = NotificationKind.PATROL_MISSED if missed else NotificationKind.PATROL_LATE
    at = expected.window_start.strftime("%Y-%m-%d %H:%M UTC")
    if missed:
        title = f"Round missed: {route.name}, due {at}"
        body = "No round of this route started in its window."
    else:
        title = f"Round incomplete: {route.name}, due {at}"
        body = (
            f"{expected.stops_late} late, {expected.stops_missed} missed, "
            f"{expected.stops_out_of_order} out of order of {expected.stops_due} checkpoints."
        )
    users = await recipients(session, expected)
    await notify(session, users, kind, title, body, url)
    return True
