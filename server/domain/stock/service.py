"""Reading the catalogue: search by text, find by scanned GTIN."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Item, ItemGtin, Store
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import scope_store_sites
from server.domain.paging import PageRequest
from server.domain.stock.schemas import ItemOut
from server.domain.sync.capture import insert_rows


async def search_items(
    session: AsyncSession,
    page: PageRequest,
    *,
    query: str = "",
    gtin: str = "",
    only: uuid.UUID | None = None,
) -> tuple[list[ItemOut], int]:
    stmt = select(Item)
    if only is not None:
        stmt = stmt.where(col(Item.id) == only)
    if gtin:
        with_gtin = select(col(ItemGtin.item_id)).where(col(ItemGtin.gtin) == gtin.zfill(14))
        stmt = stmt.where(col(Item.id).in_(with_gtin))
    if query.strip():
        like = f"%{query.strip()}%"
        stmt = stmt.where(or_(col(Item.name).ilike(like), col(Item.code).ilike(like)))
    total = await session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    items = (
        await session.scalars(stmt.order_by(col(Item.code)).limit(page.limit).offset(page.offset))
    ).all()
    gtins: dict[uuid.UUID, list[str]] = defaultdict(list)
    rows = await session.execute(
        select(col(ItemGtin.item_id), col(ItemGtin.gtin)).where(
            col(ItemGtin.item_id).in_([item.id for item in items])
        )
    )
    for item_id, code in rows:
        gtins[item_id].append(code)
    return [
        ItemOut(
            id=item.id,
            code=item.code,
            name=item.name,
            unit=item.unit,
            unit_cost_cents=item.unit_cost_cents,
            abc_class=item.abc_class,
            safety_stock=item.safety_stock,
            reorder_point=item.reorder_point,
            gtins=sorted(gtins[item.id]),
        )
        for item in items
    ], total


async def list_stores(session: AsyncSession, actor: Actor) -> Sequence[Store]:
    return (
        await session.scalars(scope_store_sites(actor, select(Store).order_by(col(Store.code))))
    ).all()


async def count_items(session: AsyncSession) -> int:
    """The size of the catalogue (the catalogue is not scoped: every store stocks from it)."""
    return await session.scalar(select(func.count()).select_from(Item)) or 0


async def items_by_code(session: AsyncSession, codes: Sequence[str]) -> dict[str, Item]:
    """The items with these codes, read in chunks (both databases cap bound parameters)."""
    found: dict[str, Item] = {}
    for start in range(0, len(codes), 5000):
        rows = await session.scalars(
            select(Item).where(col(Item.code).in_(codes[start : start + 5000]))
        )
        found.update((item.code, item) for item in rows)
    return found


async def save_items(
    session: AsyncSession, created: Sequence[dict[str, Any]], changed: Sequence[Item]
) -> None:
    """New items in bulk with their change records; changed ones (loaded by this session,
    given new values by the caller) through the unit of work. Both reach the phones."""
    await insert_rows(session, Item, list(created))
    assert all(item in session for item in changed)
    await session.flush()
