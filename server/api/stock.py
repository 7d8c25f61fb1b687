"""The stock catalogue and stores."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import FromQuery, QueryParameter

from server.domain.accounts.policy import Permission
from server.domain.paging import PageRequest
from server.domain.stock import service
from server.domain.stock.schemas import ItemPage, StoreOut
from server.web.deps import CurrentActor, DbSession
from server.web.security import requires


class StockController(Controller):
    tags = ["stock"]
    guards = requires(Permission.READ_STOCK)

    @get("/items")
    async def items(
        self,
        db_session: DbSession,
        q: FromQuery[str] = "",
        gtin: Annotated[str, QueryParameter(pattern=r"^\d{0,14}$")] = "",
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> ItemPage:
        """Search items by text, or find the item of a scanned GTIN."""
        page = PageRequest(limit, offset)
        items, total = await service.search_items(db_session, page, query=q, gtin=gtin)
        return ItemPage(items, total, page.limit, page.offset)

    @get("/stores")
    async def stores(self, db_session: DbSession, actor: CurrentActor) -> list[StoreOut]:
        rows = await service.list_stores(db_session, actor)
        return [StoreOut(row.id, row.code, row.name, row.site_id) for row in rows]
