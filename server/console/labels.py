"""Label sheets from the desk: a form, and one PDF per kind for everything a filter matches.

- `/desk/labels`: the form (kind, sheet preset or custom grid, start position).
- `/desk/labels/assets.pdf?q=&site=&building=&category=&team=`: asset QR labels.
- `/desk/labels/items.pdf?q=&symbol=code128|gs1-128|gs1-datamatrix`: item labels.
- `/desk/labels/bins.pdf?store=`: store bin labels (one store, or every store in scope).
- `/desk/labels/checkpoints.pdf?route=|site=`: patrol checkpoint QR labels (a route's
  stops in walking order, or a site's checkpoints).
- `/desk/labels/calibration.pdf`: outlines, crosshairs and a ruler, to check the printer.

Every PDF takes `preset=` (a stock name, or `custom` with `columns`, `rows`, `width`,
`height`, `left`, `top`, `pitch_x`, `pitch_y` in mm) and `start=` (the first free label
of a partly used sheet, from 1).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from scanners.sheets import DEFAULT_PRESET, PRESETS
from server.console.forms import uuid_or_none
from server.console.pages import render
from server.domain.accounts.policy import Permission
from server.domain.assets.service import AssetFilters
from server.domain.labels import service as labels
from server.domain.labels.service import SheetRequest
from server.domain.stock.service import list_stores
from server.web.deps import AppSettings, CurrentActor, DbSession
from server.web.security import requires

PDF = "application/pdf"
Start = Annotated[int, QueryParameter(ge=1, le=200, description="First free label, from 1.")]
Mm = FromQuery[float | None]


def _pdf(data: bytes, name: str) -> Response[bytes]:
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(data, media_type=PDF, headers=headers)


def _sheet(
    preset: str,
    start: int,
    columns: int | None,
    rows: int | None,
    width: float | None,
    height: float | None,
    left: float | None,
    top: float | None,
    pitch_x: float | None,
    pitch_y: float | None,
) -> SheetRequest:
    return SheetRequest(preset, start, columns, rows, width, height, left, top, pitch_x, pitch_y)


class LabelConsoleController(Controller):
    path = "/labels"

    @get("/", guards=requires(Permission.USE_CONSOLE))
    async def form(
        self, request: Request[Any, Any, Any], actor: CurrentActor, db_session: DbSession
    ) -> Template:
        stores = await list_stores(db_session, actor)
        return render(
            request,
            "labels/form.html",
            presets=list(PRESETS.values()),
            default_preset=DEFAULT_PRESET,
            stores=stores,
            item_symbols=labels.ITEM_SYMBOLS,
        )

    @get("/assets.pdf", guards=requires(Permission.READ_ASSETS), media_type=PDF)
    async def assets(
        self,
        actor: CurrentActor,
        db_session: DbSession,
        settings: AppSettings,
        q: FromQuery[str] = "",
        site: FromQuery[str] = "",
        building: FromQuery[str] = "",
        category: FromQuery[str] = "",
        team: FromQuery[str] = "",
        preset: FromQuery[str] = DEFAULT_PRESET,
        start: Start = 1,
        columns: FromQuery[int | None] = None,
        rows: FromQuery[int | None] = None,
        width: Mm = None,
        height: Mm = None,
        left: Mm = None,
        top: Mm = None,
        pitch_x: Mm = None,
        pitch_y: Mm = None,
    ) -> Response[bytes]:
        """QR labels for every asset the register's filter matches (not only one page)."""
        sheet = _sheet(preset, start, columns, rows, width, height, left, top, pitch_x, pitch_y)
        grid = sheet.grid()
        filters = AssetFilters(
            q, uuid_or_none(site), uuid_or_none(building), category, uuid_or_none(team)
        )
        found = await labels.asset_labels(db_session, actor, filters, settings.public_url)
        return _pdf(await labels.sheet_pdf(grid, found, sheet.start), "asset-labels.pdf")

    @get("/items.pdf", guards=requires(Permission.READ_STOCK), media_type=PDF)
    async def items(
        self,
        db_session: DbSession,
        q: FromQuery[str] = "",
        symbol: FromQuery[str] = "code128",
        preset: FromQuery[str] = DEFAULT_PRESET,
        start: Start = 1,
        columns: FromQuery[int | None] = None,
        rows: FromQuery[int | None] = None,
        width: Mm = None,
        height: Mm = None,
        left: Mm = None,
        top: Mm = None,
        pitch_x: Mm = None,
        pitch_y: Mm = None,
    ) -> Response[bytes]:
        """Item labels: Code 128 of the item code, or GS1-128 / GS1 DataMatrix of its GTIN."""
        sheet = _sheet(preset, start, columns, rows, width, height, left, top, pitch_x, pitch_y)
        grid = sheet.grid()
        found = await labels.item_labels(db_session, q, symbol)
        return _pdf(await labels.sheet_pdf(grid, found, sheet.start), "item-labels.pdf")

    @get("/bins.pdf", guards=requires(Permission.READ_STOCK), media_type=PDF)
    async def bins(
        self,
        actor: CurrentActor,
        db_session: DbSession,
        store: FromQuery[str] = "",
        preset: FromQuery[str] = DEFAULT_PRESET,
        start: Start = 1,
        columns: FromQuery[int | None] = None,
        rows: FromQuery[int | None] = None,
        width: Mm = None,
        height: Mm = None,
        left: Mm = None,
        top: Mm = None,
        pitch_x: Mm = None,
        pitch_y: Mm = None,
    ) -> Response[bytes]:
        """Bin labels of one store (its code), or of every store in the actor's scope."""
        sheet = _sheet(preset, start, columns, rows, width, height, left, top, pitch_x, pitch_y)
        grid = sheet.grid()
        found = await labels.bin_labels(db_session, actor, store)
        return _pdf(await labels.sheet_pdf(grid, found, sheet.start), "bin-labels.pdf")

    @get("/checkpoints.pdf", guards=requires(Permission.WATCH_PATROL), media_type=PDF)
    async def checkpoints(
        self,
        actor: CurrentActor,
        db_session: DbSession,
        route: FromQuery[str] = "",
        site: FromQuery[str] = "",
        preset: FromQuery[str] = DEFAULT_PRESET,
        start: Start = 1,
        columns: FromQuery[int | None] = None,
        rows: FromQuery[int | None] = None,
        width: Mm = None,
        height: Mm = None,
        left: Mm = None,
        top: Mm = None,
        pitch_x: Mm = None,
        pitch_y: Mm = None,
    ) -> Response[bytes]:
        """Checkpoint QR labels of one route (its code) or one site (its code)."""
        sheet = _sheet(preset, start, columns, rows, width, height, left, top, pitch_x, pitch_y)
        grid = sheet.grid()
        found = await labels.checkpoint_labels(db_session, actor, route, site)
        return _pdf(await labels.sheet_pdf(grid, found, sheet.start), "checkpoint-labels.pdf")

    @get("/calibration.pdf", guards=requires(Permission.USE_CONSOLE), media_type=PDF)
    async def calibration(
        self,
        preset: FromQuery[str] = DEFAULT_PRESET,
        columns: FromQuery[int | None] = None,
        rows: FromQuery[int | None] = None,
        width: Mm = None,
        height: Mm = None,
        left: Mm = None,
        top: Mm = None,
        pitch_x: Mm = None,
        pitch_y: Mm = None,
    ) -> Response[bytes]:
        """One page: every label's outline and centre, a millimetre ruler, a 100 mm bar."""
        sheet = _sheet(preset, 1, columns, rows, width, height, left, top, pitch_x, pitch_y)
        return _pdf(await labels.calibration_pdf(sheet.grid()), "label-calibration.pdf")
