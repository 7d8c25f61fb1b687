"""Reorder and safety stock alerts: a notification to the storekeepers of the store's site
when a movement takes an item's on hand in that store down across its reorder point or
its safety stock. Only the movement that crosses the line alerts, so an item that stays
low is announced once, and again only after it rose above the line and fell once more.
Web Push follows from the notification queue (server/domain/notify)."""

from __future__ import annotations

import uuid

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Item, Role, Store, User, UserRole, UserSite
from server.domain.notify import NotificationKind, notify


def crossed(before: int, after: int, line: int) -> bool:
    """Whether on hand went from above `line` to at or below it.

    >>> crossed(5, 4, 4), crossed(4, 3, 4), crossed(3, 6, 4), crossed(1, -1, 0)
    (True, False, False, True)
    """
    return before > line >= after


async def site_storekeepers(session: AsyncSession, site_id: uuid.UUID) -> list[uuid.UUID]:
    """Active storekeepers of the site: limited to it, or to no site at all."""
    of_site = select(col(UserSite.user_id)).where(col(UserSite.site_id) == site_id)
    limited = select(col(UserSite.user_id))
    rows = await session.scalars(
        select(col(User.id))
        .join(UserRole, col(UserRole.user_id) == col(User.id))
        .where(
            col(UserRole.role) == Role.STOREKEEPER,
            col(User.active).is_(True),
            or_(col(User.id).in_(of_site), col(User.id).not_in(limited)),
        )
        .order_by(col(User.id))
    )
    return list(rows.all())


async def after_movement(
    session: AsyncSession, item: Item, store: Store, before: int, after: int
) -> None:
    """Notify the site's storekeepers of each line this change of on hand crossed."""
    lines = [
        (NotificationKind.STOCK_SAFETY, item.safety_stock, "safety stock"),
        (NotificationKind.STOCK_REORDER, item.reorder_point, "reorder point"),
    ]
    hit = [(kind, line, name) for kind, line, name in lines if crossed(before, after, line)]
    if not hit:
        return
    keepers = await site_storekeepers(session, store.site_id)
    for kind, line, name in hit:
        await notify(
            session,
            keepers,
            kind,
            f"{item.code} {item.name}: {after} left in {store.name}",
            f"On hand fell to {after} {item.unit}, at or below its {name} of {line}.",
            url=f"/desk/stock/items/{item.id}",
        )
