"""The stock catalogue and stores."""

from __future__ import annotations

from litestar import Controller, get
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission
from server.domain.paging import PageRequest
from server.domain.stock import service
from server.domain.stock.schemas import ItemPage, StoreOut
from server.web.security import requires


class StockController(Controller):
    tags = ["stock"]
    guards = requires(Permission.READ_STOCK)

    @get("/items")
    async def items(
        self,
        db_session: AsyncSession,
        q: str = "",
        gtin: str = Parameter(default="", pattern=r"^\d{0,14}$"),
        limit: int = Parameter(default=50, ge=1, le=200),
        offset: int = Parameter(default=0, ge=0),
    ) -> ItemPage:
        """Search items by text, or find the item of a scanned GTIN."""
        page = PageRequest(limit, offset)
        items, total = await service.search_items(db_session, page, query=q, gtin=gtin)
        return ItemPage(items, total, page.limit, page.offset)

    @get("/stores")
    async def stores(self, db_session: AsyncSession, actor: Actor) -> list[StoreOut]:
        rows = await service.list_stores(db_session, actor)
        return [StoreOut(row.id, row.code, row.name, row.site_id) for row in rows]
