"""What goes on a sheet (the rows the actor may see) and the sheet itself, as a PDF.

Every row matching the filter is labelled, not only the page a list shows, up to
`MAX_LABELS` per download; more is refused so a mistaken filter does not make a
thousand-page file. The PDF is drawn in a worker thread: it is seconds of CPU work.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Final, TypeVar

from anyio import to_thread
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from scanners.label_art import AssetLabel, BinLabel, CheckpointLabel, Gs1Label, ItemLabel, Label
from scanners.sheet_pdf import calibration_page, pdf_bytes, sheet_pages
from scanners.sheets import DEFAULT_PRESET, Grid, SheetError, preset
from scanners.symbols import SymbolError
from server.db.models import Asset, Bin, Checkpoint, Route, RouteCheckpoint, Site, Store
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import (
    scope_checkpoints,
    scope_routes,
    scope_site_ids,
    scope_stores,
)
from server.domain.assets import service as assets
from server.domain.paging import MAX_PAGE, PageRequest
from server.domain.stock import service as stock
from server.domain.stock.schemas import ItemOut
from server.errors import InvalidLabelSheet, NotFound

MAX_LABELS: Final = 2000
ITEM_SYMBOLS: Final = ("code128", "gs1-128", "gs1-datamatrix")
T = TypeVar("T")


@dataclass(frozen=True)
class SheetRequest:
    """A preset by name, or `custom` with every dimension of the grid in mm."""

    preset: str = DEFAULT_PRESET
    start: int = 1
    columns: int | None = None
    rows: int | None = None
    width: float | None = None
    height: float | None = None
    left: float | None = None
    top: float | None = None
    pitch_x: float | None = None
    pitch_y: float | None = None

    def grid(self) -> Grid:
        try:
            if self.preset.strip().lower() != "custom":
                return preset(self.preset or DEFAULT_PRESET)
            numbers = (self.width, self.height, self.left, self.top)
            if self.columns is None or self.rows is None or None in numbers:
                raise SheetError("A custom sheet needs columns, rows, width, height, left and top.")
            width, height, left, top = (float(n or 0) for n in numbers)
            return Grid(
                self.columns,
                self.rows,
                width,
                height,
                left,
                top,
                self.pitch_x if self.pitch_x is not None else width,
                self.pitch_y if self.pitch_y is not None else height,
            )
        except SheetError as exc:
            raise InvalidLabelSheet(str(exc)) from exc


async def _all_pages(
    fetch: Callable[[PageRequest], Awaitable[tuple[Sequence[T], int]]],
) -> list[T]:
    """Every row, page by page, refusing more than `MAX_LABELS`."""
    rows, total = await fetch(PageRequest(MAX_PAGE, 0))
    if total > MAX_LABELS:
        raise InvalidLabelSheet(
            f"{total:,} labels match; at most {MAX_LABELS:,} are printed at once. "
            "Narrow the filter.",
            total=total,
            limit=MAX_LABELS,
        )
    found = list(rows)
    while len(found) < total and rows:
        rows, _ = await fetch(PageRequest(MAX_PAGE, len(found)))
        found += rows
    return found


async def asset_labels(
    session: AsyncSession, actor: Actor, filters: assets.AssetFilters, public_url: str
) -> list[Label]:
    async def fetch(page: PageRequest) -> tuple[Sequence[Asset], int]:
        return await assets.search_assets(session, actor, filters, page)

    rows = await _all_pages(fetch)
    return [AssetLabel(row.tag_code, assets.card_url(public_url, row), row.name) for row in rows]


async def item_labels(session: AsyncSession, query: str, symbol: str) -> list[Label]:
    if symbol not in ITEM_SYMBOLS:
        raise InvalidLabelSheet(
            f"Unknown symbol {symbol!r} for item labels; one of {', '.join(ITEM_SYMBOLS)}."
        )

    async def fetch(page: PageRequest) -> tuple[Sequence[ItemOut], int]:
        return await stock.search_items(session, page, query=query)

    rows = await _all_pages(fetch)
    if symbol == "code128":
        return [ItemLabel(row.code, row.name) for row in rows]
    matrix = symbol == "gs1-datamatrix"
    return [
        Gs1Label(gtin, name=f"{row.code} {row.name}", matrix=matrix)
        for row in rows
        for gtin in row.gtins[:1]  # an item without a GTIN has no GS1 label
    ]


async def bin_labels(session: AsyncSession, actor: Actor, store_code: str) -> list[Label]:
    """The bins of one store (by code), or of every store the actor may see."""
    stores = scope_stores(actor, select(Store))
    if store_code.strip():
        stores = stores.where(col(Store.code) == store_code.strip().upper())
    visible = {store.id: store for store in (await session.scalars(stores)).all()}
    if store_code.strip() and not visible:
        raise NotFound("No such store in your scope.", store=store_code)
    bins = await session.scalars(
        select(Bin)
        .where(col(Bin.store_id).in_(list(visible)))
        .order_by(col(Bin.store_id), col(Bin.code))
        .limit(MAX_LABELS + 1)
    )
    rows = bins.all()
    if len(rows) > MAX_LABELS:
        raise InvalidLabelSheet(f"More than {MAX_LABELS:,} bins match; choose one store.")
    return [
        BinLabel(visible[row.store_id].code, row.code, visible[row.store_id].name) for row in rows
    ]


async def checkpoint_labels(
    session: AsyncSession, actor: Actor, route_code: str, site_code: str
) -> list[Label]:
    """One route's checkpoints in walking order (its code), or a site's by code."""
    if route_code.strip():
        route = await session.scalar(
            scope_routes(actor, select(Route).where(col(Route.code) == route_code.strip().upper()))
        )
        if route is None:
            raise NotFound("No such route in your scope.", route=route_code)
        stmt = (
            select(Checkpoint)
            .join(RouteCheckpoint, col(RouteCheckpoint.checkpoint_id) == col(Checkpoint.id))
            .where(col(RouteCheckpoint.route_id) == route.id)
            .order_by(col(RouteCheckpoint.position))
        )
    elif site_code.strip():
        site = await session.scalar(
            scope_site_ids(
                actor, Site.id, select(Site).where(col(Site.code) == site_code.strip().upper())
            )
        )
        if site is None:
            raise NotFound("No such site in your scope.", site=site_code)
        stmt = (
            select(Checkpoint)
            .where(col(Checkpoint.site_id) == site.id)
            .order_by(col(Checkpoint.code))
        )
    else:
        raise InvalidLabelSheet("Choose a route or a site.")
    rows = (await session.scalars(scope_checkpoints(actor, stmt).limit(MAX_LABELS + 1))).all()
    if len(rows) > MAX_LABELS:
        raise InvalidLabelSheet(f"More than {MAX_LABELS:,} checkpoints match; choose a route.")
    return [CheckpointLabel(row.qr_payload, row.code, row.name) for row in rows]


def _render(grid: Grid, labels: Sequence[Label], start: int) -> bytes:
    try:
        return pdf_bytes(sheet_pages(grid, labels, start=start), title="Rounds labels")
    except (SheetError, SymbolError) as exc:
        raise InvalidLabelSheet(str(exc)) from exc


async def sheet_pdf(grid: Grid, labels: Sequence[Label], start: int) -> bytes:
    return await to_thread.run_sync(_render, grid, labels, start)


async def calibration_pdf(grid: Grid) -> bytes:
    return await to_thread.run_sync(
        lambda: pdf_bytes([calibration_page(grid)], title="Rounds calibration page")
    )
