"""The stock catalogue and stores."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, get
from litestar.params import FromQuery, QueryParameter

from server.db.types import utcnow
from server.domain.accounts.policy import Permission
from server.domain.paging import PageRequest
from server.domain.stock import lookup, service
from server.domain.stock.scans import read_scan, with_scan
from server.domain.stock.schemas import BalanceOut, ItemPage, LookupOut, StoreOut
from server.errors import InvalidInput
from server.web.deps import AppSettings, CurrentActor, DbSession
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
        return [
            StoreOut(row.id, row.code, row.name, row.site_id, row.kind.value, row.holder_id)
            for row in rows
        ]

    @get("/stock/balances")
    async def balances(
        self, db_session: DbSession, actor: CurrentActor, store: FromQuery[uuid.UUID]
    ) -> list[BalanceOut]:
        """What one store holds, by bin and lot (only stores of the reader's sites)."""
        return await lookup.balances(db_session, actor, store_id=store)

    @get("/stock/lookup")
    async def lookup(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        settings: AppSettings,
        gtin: Annotated[str, QueryParameter(pattern=r"^(\d{8,14})?$")] = "",
        item: FromQuery[uuid.UUID | None] = None,
        store: FromQuery[uuid.UUID | None] = None,
        scan: Annotated[str, QueryParameter(max_length=300)] = "",
        symbology_id: Annotated[str, QueryParameter(pattern=r"^(\][A-Za-z][0-9A-Za-z])?$")] = "",
    ) -> LookupOut:
        """An item (by `gtin`, `item` id or the raw text of a `scan`), its lots with on
        hand per store and bin in first-expired-first-out order, the lot to take, and the
        warnings a scan shows."""
        if sum((bool(gtin), item is not None, bool(scan))) != 1:
            raise InvalidInput("Name the item by exactly one of gtin, item or scan.", field="gtin")
        read = read_scan(scan, symbology_id) if scan else None
        found = await lookup.lookup(
            db_session,
            actor,
            utcnow().date(),
            settings.expiry_warning_days,
            gtin=read.gtin or "" if read else gtin,
            item_id=item,
            store_id=store,
        )
        return with_scan(found, read) if read else found
