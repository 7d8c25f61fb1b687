"""The desk's stocktakes (list, open, variance list, submit, approve, cancel) and a lot's
recall trace (every movement, what is left, marking it recalled)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.console.forms import uuid_or_none
from server.console.pages import render
from server.console.sheets import FORMATS, Column, Sheet, download
from server.console.stock import BASE, Filter, order_link, respond, store_filter
from server.db.models import Bin, Item, StockLot, Stocktake, StocktakeStatus, Store, User
from server.db.types import utcnow
from server.domain.accounts.policy import Permission
from server.domain.stock import approval, recall, stocktake
from server.domain.stock.variance import VarianceRow, variance
from server.web.deps import CurrentActor, DbSession
from server.web.security import requires


class OpenForm(msgspec.Struct):
    store_id: str = ""
    bins: str = ""  # bin codes, separated by spaces or commas
    note: str = ""


class ReasonForm(msgspec.Struct):
    reason: str = ""


@dataclass(frozen=True)
class StocktakeLine:
    id: uuid.UUID
    opened_at: datetime
    store: str
    status: str
    bins: int
    lines: int
    note: str


@dataclass(frozen=True)
class ShownRow:
    status: str
    bin: str
    item_code: str
    item: str
    lot: str
    counted: int
    expected: int
    difference: int
    counted_at: datetime
    counted_by: str
    adjusted: bool


LIST = [
    Column("opened_at", "stock.when", lambda r: r.opened_at, lambda r: f"{BASE}/stocktakes/{r.id}"),
    Column("store", "stock.store", lambda r: r.store),
    Column("status", "stock.status", lambda r: r.status),
    Column("bins", "stock.bins", lambda r: r.bins or "", numeric=True),
    Column("lines", "stock.lines", lambda r: r.lines, numeric=True),
    Column("note", "stock.note", lambda r: r.note),
]
VARIANCE = [
    Column("status", "stock.line_status", lambda r: r.status),
    Column("bin", "stock.bin", lambda r: r.bin),
    Column("item_code", "stock.item_code", lambda r: r.item_code),
    Column("item", "stock.item", lambda r: r.item),
    Column("lot", "stock.lot", lambda r: r.lot),
    Column("counted", "stock.counted", lambda r: r.counted, numeric=True),
    Column("expected", "stock.expected", lambda r: r.expected, numeric=True),
    Column("difference", "stock.difference", lambda r: r.difference, numeric=True),
    Column("counted_at", "stock.counted_at", lambda r: r.counted_at),
    Column("counted_by", "stock.by", lambda r: r.counted_by),
    Column("adjusted", "stock.adjusted", lambda r: r.adjusted),
]
TRACE = [
    Column("occurred_at", "stock.when", lambda r: r.occurred_at),
    Column("kind", "stock.kind", lambda r: r.kind.value),
    Column("store", "stock.store", lambda r: r.store_code),
    Column("bin", "stock.bin", lambda r: r.bin_code),
    Column("quantity", "stock.quantity", lambda r: r.quantity, numeric=True),
    Column("work_order", "stock.work_order", lambda r: r.work_order_number, order_link),
    Column("department", "stock.department", lambda r: r.department),
    Column("cost_centre", "reports.cost_centre", lambda r: r.cost_centre),
    Column("reference", "stock.reference", lambda r: r.reference),
]
HELD = [
    Column("store", "stock.store", lambda r: r.store_code),
    Column("bin", "stock.bin", lambda r: r.bin_code),
    Column("on_hand", "stock.on_hand_qty", lambda r: r.on_hand, numeric=True),
]


async def _names(
    session: AsyncSession, rows: list[VarianceRow]
) -> tuple[dict[Any, str], dict[Any, Item], dict[Any, str], dict[Any, str]]:
    async def by_id(model: Any, ids: set[Any]) -> list[Any]:
        ids.discard(None)
        if not ids:
            return []
        return list((await session.scalars(select(model).where(col(model.id).in_(ids)))).all())

    bins = {b.id: b.code for b in await by_id(Bin, {r.bin_id for r in rows})}
    items = {i.id: i for i in await by_id(Item, {r.item_id for r in rows})}
    lots = {lot.id: lot.lot for lot in await by_id(StockLot, {r.lot_id for r in rows})}
    users = {u.id: u.name for u in await by_id(User, {r.counted_by_id for r in rows})}
    return bins, items, lots, users


async def _shown(session: AsyncSession, rows: list[VarianceRow]) -> list[ShownRow]:
    bins, items, lots, users = await _names(session, rows)
    shown = [
        ShownRow(
            status=row.status,
            bin=bins.get(row.bin_id, ""),
            item_code=items[row.item_id].code,
            item=items[row.item_id].name,
            lot=lots.get(row.lot_id, ""),
            counted=row.counted,
            expected=row.expected,
            difference=row.difference,
            counted_at=row.counted_at,
            counted_by=users.get(row.counted_by_id, ""),
            adjusted=row.adjustment_id is not None,
        )
        for row in rows
    ]
    return sorted(shown, key=lambda r: (r.bin, r.item_code, r.lot, r.counted_at))


async def variance_sheets(session: AsyncSession, found: Stocktake) -> list[Sheet]:
    listed = await variance(session, found, utcnow())
    return [
        Sheet("variance", VARIANCE, await _shown(session, listed.rows)),
        Sheet("recounted", VARIANCE, await _shown(session, listed.recounted)),
        Sheet("late", VARIANCE, await _shown(session, listed.late)),
    ]


class StocktakeConsoleController(Controller):
    path = "/stock"
    guards = requires(Permission.READ_STOCK)

    @get("/stocktakes")
    async def stocktakes(
        self,
        *,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        status: FromQuery[str] = "",
        format: FromQuery[str] = "",
    ) -> Template | Response[Any]:
        chosen = StocktakeStatus(status) if status in StocktakeStatus._value2member_map_ else None
        found = await stocktake.list_stocktakes(db_session, actor, status=chosen)
        lines = [
            StocktakeLine(s.id, s.created_at, store.code, s.status.value, len(s.bin_ids), n, s.note)
            for s, store, n in found
        ]
        options = [
            ("", "stock.all"),
            *((s.value, f"stock.stocktake_{s.value}") for s in StocktakeStatus),
        ]
        return respond(
            request,
            format,
            path=f"{BASE}/stocktakes",
            params={"status": status if chosen else ""},
            title="stock.stocktakes",
            intro="stock.stocktakes_intro",
            sheets=[Sheet("stocktakes", LIST, lines, row_ids=lambda r: str(r.id))],
            stem="stocktakes",
            filters=[Filter("status", "stock.status", "select", status, options)],
            forms=["stock/partials/open_stocktake.html"],
            store_choice=await store_filter(db_session, actor, ""),
        )

    @post("/stocktakes", guards=requires(Permission.MANAGE_STOCK))
    async def open(
        self, data: URLEncodedBody[OpenForm], actor: CurrentActor, db_session: DbSession
    ) -> Redirect:
        store_id = uuid_or_none(data.store_id) or uuid.UUID(int=0)
        codes = [code for code in data.bins.replace(",", " ").split() if code]
        bin_ids = await stocktake.bin_ids_for(db_session, store_id, codes)
        opened = await stocktake.open_stocktake(db_session, actor, store_id, bin_ids, data.note)
        return Redirect(f"{BASE}/stocktakes/{opened.id}", status_code=303)

    @get("/stocktakes/{stocktake_id:uuid}")
    async def detail(
        self,
        request: HTMXRequest,
        stocktake_id: FromPath[uuid.UUID],
        actor: CurrentActor,
        db_session: DbSession,
        format: FromQuery[str] = "",
    ) -> Template | Response[Any]:
        found = await stocktake.load(db_session, actor, stocktake_id)
        sheets = await variance_sheets(db_session, found)
        if format in FORMATS:
            return download(sheets, f"stocktake-{found.id}", format)
        store = await db_session.get(Store, found.store_id)
        bins = await stocktake.bin_codes(db_session, found)
        return render(
            request,
            "stock/stocktake.html",
            stocktake=found,
            store=store,
            bins=bins,
            sheets=sheets,
            download_base=f"{BASE}/stocktakes/{found.id}?",
            counted_by_me=actor.user_id in await stocktake.counters(db_session, found.id),
        )

    @post("/stocktakes/{stocktake_id:uuid}/submit", guards=requires(Permission.MANAGE_STOCK))
    async def submit(
        self, stocktake_id: FromPath[uuid.UUID], actor: CurrentActor, db_session: DbSession
    ) -> Redirect:
        await stocktake.submit(db_session, actor, stocktake_id)
        return Redirect(f"{BASE}/stocktakes/{stocktake_id}", status_code=303)

    @post("/stocktakes/{stocktake_id:uuid}/cancel", guards=requires(Permission.MANAGE_STOCK))
    async def cancel(
        self, stocktake_id: FromPath[uuid.UUID], actor: CurrentActor, db_session: DbSession
    ) -> Redirect:
        await stocktake.cancel(db_session, actor, stocktake_id)
        return Redirect(f"{BASE}/stocktakes/{stocktake_id}", status_code=303)

    @post("/stocktakes/{stocktake_id:uuid}/approve", guards=requires(Permission.APPROVE_STOCK))
    async def approve(
        self, stocktake_id: FromPath[uuid.UUID], actor: CurrentActor, db_session: DbSession
    ) -> Redirect:
        await approval.approve(db_session, actor, stocktake_id)
        return Redirect(f"{BASE}/stocktakes/{stocktake_id}", status_code=303)

    @get("/lots/{lot_id:uuid}")
    async def lot(
        self,
        request: HTMXRequest,
        lot_id: FromPath[uuid.UUID],
        actor: CurrentActor,
        db_session: DbSession,
        format: FromQuery[str] = "",
    ) -> Template | Response[Any]:
        trace = await recall.trace(db_session, actor, lot_id)
        sheets = [Sheet("movements", TRACE, trace.movements), Sheet("held", HELD, trace.held)]
        if format in FORMATS:
            return download(sheets, f"lot-{trace.item.code}-{trace.lot.lot}", format)
        return render(
            request,
            "stock/lot.html",
            trace=trace,
            sheets=sheets,
            download_base=f"{BASE}/lots/{lot_id}?",
        )

    @post("/lots/{lot_id:uuid}/recall", guards=requires(Permission.MANAGE_STOCK))
    async def recall_lot(
        self,
        lot_id: FromPath[uuid.UUID],
        data: URLEncodedBody[ReasonForm],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Redirect:
        await recall.recall_lot(db_session, actor, lot_id, data.reason)
        return Redirect(f"{BASE}/lots/{lot_id}", status_code=303)
