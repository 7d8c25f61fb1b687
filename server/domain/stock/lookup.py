"""Looking up stock: an item's lots with what each place holds, in FEFO order, and the
balances of one store. Read-only, scoped to the stores of the reader's sites."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Bin, ItemGtin, StockBalance, StockLot, Store
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import scope_store_sites
from server.domain.paging import PageRequest
from server.domain.stock import fefo
from server.domain.stock.schemas import BalanceOut, LookupOut, LotOut
from server.domain.stock.service import search_items
from server.errors import NotFound


@dataclass(frozen=True)
class _Lot(fefo.LotStock):
    id: uuid.UUID | None = None


async def balances(
    session: AsyncSession,
    actor: Actor,
    *,
    store_id: uuid.UUID | None = None,
    item_id: uuid.UUID | None = None,
) -> list[BalanceOut]:
    """Balances of the stores the actor reads (one store, one item, or both), non-zero."""
    visible = scope_store_sites(actor, select(col(Store.id)))
    stmt: Any = (
        select(StockBalance, col(Bin.code), StockLot)
        .outerjoin(Bin, col(Bin.id) == col(StockBalance.bin_id))
        .outerjoin(StockLot, col(StockLot.id) == col(StockBalance.lot_id))
        .where(col(StockBalance.store_id).in_(visible), col(StockBalance.on_hand) != 0)
        .order_by(col(StockBalance.store_id), col(Bin.code), col(StockBalance.item_id))
    )
    if store_id is not None:
        stmt = stmt.where(col(StockBalance.store_id) == store_id)
    if item_id is not None:
        stmt = stmt.where(col(StockBalance.item_id) == item_id)
    rows = (await session.execute(stmt)).all()
    return [
        BalanceOut(
            store_id=balance.store_id,
            bin_id=balance.bin_id,
            bin_code=bin_code,
            item_id=balance.item_id,
            lot_id=balance.lot_id,
            lot=lot.lot if lot else None,
            expiry=lot.expiry if lot else None,
            on_hand=balance.on_hand,
        )
        for balance, bin_code, lot in rows
    ]


def _on_hand(places: list[BalanceOut]) -> int:
    return sum(place.on_hand for place in places)


async def _item_id(session: AsyncSession, gtin: str, item: uuid.UUID | None) -> uuid.UUID:
    if item is not None:
        return item
    found = await session.scalar(
        select(col(ItemGtin.item_id)).where(col(ItemGtin.gtin) == gtin.zfill(14))
    )
    if found is None:
        raise NotFound("No stock item has this GTIN.", gtin=gtin)
    return found


async def lookup(
    session: AsyncSession,
    actor: Actor,
    today: date,
    warn_days: int,
    *,
    gtin: str = "",
    item_id: uuid.UUID | None = None,
    store_id: uuid.UUID | None = None,
) -> LookupOut:
    """The item, its lots (known lots with no stock too) and where each is, FEFO first."""
    wanted = await _item_id(session, gtin, item_id)
    found, _ = await search_items(session, PageRequest(1, 0), only=wanted)
    if not found:
        raise NotFound("No such stock item.", item_id=str(wanted))
    places: dict[uuid.UUID | None, list[BalanceOut]] = defaultdict(list)
    for balance in await balances(session, actor, store_id=store_id, item_id=wanted):
        places[balance.lot_id].append(balance)
    known = (await session.scalars(select(StockLot).where(col(StockLot.item_id) == wanted))).all()
    lots = [
        _Lot(
            lot.lot,
            lot.expiry,
            sum(b.on_hand for b in places[lot.id]),
            lot.recalled_at is not None,
            lot.id,
        )
        for lot in known
    ]
    if None in places:
        lots.append(_Lot("", None, _on_hand(places[None])))
    out, every_warning = [], dict[str, None]()
    for lot in fefo.fefo_order(lots):
        warnings = fefo.warnings_for(lot, today, warn_days)
        if lot.on_hand > 0:
            every_warning.update(dict.fromkeys(warnings))
        out.append(
            LotOut(
                id=lot.id,
                lot=lot.lot or None,
                expiry=lot.expiry,
                recalled=lot.recalled,
                on_hand=lot.on_hand,
                places=places[lot.id],
                warnings=warnings,
            )
        )
    suggested = fefo.suggest(lots, today)
    return LookupOut(
        item=found[0],
        lots=out,
        suggested_lot=(suggested.lot or None) if suggested else None,
        warnings=list(every_warning),
    )
