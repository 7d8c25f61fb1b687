"""The desk's stock pages: on hand, movements, exceptions, expiring lots, the reorder list,
consumption per department and ABC / turnover. One handler per page renders the whole
page, its results for htmx, or its CSV or Excel download (`?format=csv|xlsx`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template

from server.console.forms import Pager, list_url, page_window, uuid_or_none
from server.console.pages import render_page_or_partial
from server.console.sheets import FORMATS, Column, Sheet, download
from server.db.models import ExceptionStatus, MovementKind
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission
from server.domain.reports.monthly import parse_month
from server.domain.stock import analytics, desk
from server.domain.stock.service import list_stores
from server.errors import InvalidInput
from server.web.deps import CurrentActor, DbSession
from server.web.security import requires

BASE = "/desk/stock"
EXPIRING_DAYS = 90


@dataclass(frozen=True)
class Filter:
    name: str
    label: str
    kind: str  # text, select, date, number, month
    value: str
    options: Sequence[tuple[str, str]] = ()


@dataclass(frozen=True)
class Action:
    url: str
    label: str
    note: str = ""  # message key of a note field the form asks for


class NoteForm(msgspec.Struct):
    note: str = ""


def lot_link(row: Any) -> str:
    return f"{BASE}/lots/{row.lot_id}" if row.lot_id else ""


def order_link(row: Any) -> str:
    return f"/desk/orders/{row.work_order_id}" if row.work_order_id else ""


ON_HAND = [
    Column("store", "stock.store", lambda r: r.store_code),
    Column("bin", "stock.bin", lambda r: r.bin_code),
    Column("item_code", "stock.item_code", lambda r: r.item_code),
    Column("item", "stock.item", lambda r: r.item_name),
    Column("lot", "stock.lot", lambda r: r.lot, lot_link),
    Column("expiry", "stock.expiry", lambda r: r.expiry),
    Column("recalled", "stock.recalled", lambda r: r.recalled),
    Column("on_hand", "stock.on_hand_qty", lambda r: r.on_hand, numeric=True),
    Column("unit", "stock.unit", lambda r: r.unit),
    Column("value_cents", "stock.value", lambda r: r.value_cents, money=True),
]
MOVEMENTS = [
    Column("occurred_at", "stock.when", lambda r: r.occurred_at),
    Column("kind", "stock.kind", lambda r: r.kind.value),
    Column("store", "stock.store", lambda r: r.store_code),
    Column("bin", "stock.bin", lambda r: r.bin_code),
    Column("item_code", "stock.item_code", lambda r: r.item_code),
    Column("item", "stock.item", lambda r: r.item_name),
    Column("lot", "stock.lot", lambda r: r.lot, lot_link),
    Column("quantity", "stock.quantity", lambda r: r.quantity, numeric=True),
    Column("value_cents", "stock.value", lambda r: r.value_cents, money=True),
    Column("work_order", "stock.work_order", lambda r: r.work_order_number, order_link),
    Column("by", "stock.by", lambda r: r.actor),
    Column("reason", "stock.reason", lambda r: r.reason),
]
EXCEPTIONS = [
    Column("raised_at", "stock.when", lambda r: r.created_at),
    Column("kind", "stock.exception_kind", lambda r: r.kind),
    Column("store", "stock.store", lambda r: r.store_code),
    Column("bin", "stock.bin", lambda r: r.bin_code),
    Column("item_code", "stock.item_code", lambda r: r.item_code),
    Column("item", "stock.item", lambda r: r.item_name),
    Column("lot", "stock.lot", lambda r: r.lot),
    Column("on_hand", "stock.on_hand_qty", lambda r: r.on_hand, numeric=True),
    Column("detail", "stock.detail", lambda r: r.detail),
    Column("resolution", "stock.resolution", lambda r: r.resolution),
    Column("resolved_by", "stock.by", lambda r: r.resolved_by),
]
REORDER = [
    Column("store", "stock.store", lambda r: r.store_code),
    Column("item_code", "stock.item_code", lambda r: r.item_code),
    Column("item", "stock.item", lambda r: r.item_name),
    Column("on_hand", "stock.on_hand_qty", lambda r: r.on_hand, numeric=True),
    Column("safety_stock", "stock.safety_stock", lambda r: r.safety_stock, numeric=True),
    Column("reorder_point", "stock.reorder_point", lambda r: r.reorder_point, numeric=True),
    Column("below_safety", "stock.below_safety", lambda r: r.below_safety),
    Column("suggested", "stock.suggested", lambda r: r.suggested, numeric=True),
    Column("unit", "stock.unit", lambda r: r.unit),
]
CONSUMPTION = [
    Column("department_code", "stock.department_code", lambda r: r.code),
    Column("department", "stock.department", lambda r: r.name),
    Column("cost_centre", "reports.cost_centre", lambda r: r.cost_centre),
    Column("units", "stock.units", lambda r: r.units, numeric=True),
    Column("value_cents", "stock.value", lambda r: r.value_cents, money=True),
]
ABC = [
    Column("item_code", "stock.item_code", lambda r: r.code),
    Column("item", "stock.item", lambda r: r.name),
    Column("abc_class", "stock.abc_class", lambda r: r.abc_class),
    Column("suggested_class", "stock.suggested_class", lambda r: r.suggested_class),
    Column(
        "consumption_12m_cents", "stock.consumption_12m", lambda r: r.consumption_cents, money=True
    ),
    Column("month_consumed", "stock.month_consumed", lambda r: r.month_consumed, numeric=True),
    Column("average_on_hand", "stock.average_on_hand", lambda r: r.average_on_hand, numeric=True),
    Column("turnover_days", "stock.turnover_days", lambda r: r.turnover_days, numeric=True),
]


async def store_filter(db_session: DbSession, actor: Actor, chosen: str) -> Filter:
    stores = await list_stores(db_session, actor)
    options = [("", "stock.all"), *((str(s.id), f"{s.code} · {s.name}") for s in stores)]
    return Filter("store_id", "stock.store", "select", chosen, options)


def respond(
    request: HTMXRequest,
    fmt: str,
    *,
    path: str,
    params: dict[str, str],
    title: str,
    sheets: Sequence[Sheet],
    stem: str,
    **context: Any,
) -> Template | Response[Any]:
    """The page, its results for htmx, or its download: one handler, three renderings."""
    if fmt in FORMATS:
        return download(sheets, stem, fmt)
    address = list_url(path, params, int(params.get("page", "1") or 1))
    context.setdefault("filters", [])
    context.setdefault("forms", [])
    return render_page_or_partial(
        request,
        "stock/list.html",
        "stock/partials/results.html",
        push_url=address,
        title=title,
        sheets=sheets,
        page_url=path,
        download_base=address + ("&" if "?" in address else "?"),
        **context,
    )


def _month(text: str) -> date:
    try:
        return parse_month(text)
    except InvalidInput:
        return parse_month(None)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


class StockConsoleController(Controller):
    path = "/stock"
    guards = requires(Permission.READ_STOCK)

    @get("/")
    async def on_hand(
        self,
        *,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        store_id: FromQuery[str] = "",
        q: FromQuery[str] = "",
        bin: FromQuery[str] = "",
        format: FromQuery[str] = "",
    ) -> Template | Response[Any]:
        lines = await desk.on_hand(
            db_session, actor, store_id=uuid_or_none(store_id), text=q, bin_code=bin
        )
        return respond(
            request,
            format,
            path=BASE,
            params={"store_id": store_id, "q": q, "bin": bin},
            title="stock.on_hand",
            sheets=[Sheet("on_hand", ON_HAND, lines)],
            stem="on-hand",
            filters=[
                await store_filter(db_session, actor, store_id),
                Filter("q", "stock.item_filter", "search", q),
                Filter("bin", "stock.bin", "text", bin),
            ],
        )

    @get("/movements")
    async def movements(
        self,
        *,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        kind: FromQuery[str] = "",
        q: FromQuery[str] = "",
        store_id: FromQuery[str] = "",
        since: FromQuery[str] = "",
        until: FromQuery[str] = "",
        page: FromQuery[int] = 1,
        format: FromQuery[str] = "",
    ) -> Template | Response[Any]:
        chosen_kind = MovementKind(kind) if kind in MovementKind._value2member_map_ else None
        chosen = desk.MovementFilter(
            chosen_kind, q, uuid_or_none(store_id), _day(since), _day(until)
        )
        number = max(1, page)
        window = None if format in FORMATS else page_window(number)
        lines, total = await desk.movements(db_session, actor, chosen, window)
        params = {"kind": kind, "q": q, "store_id": store_id, "since": since, "until": until}
        kinds = [("", "stock.all"), *((k.value, f"stock.kind_{k.value}") for k in MovementKind)]
        return respond(
            request,
            format,
            path=f"{BASE}/movements",
            params={**params, "page": str(number) if number > 1 else ""},
            title="stock.movements",
            sheets=[Sheet("movements", MOVEMENTS, lines)],
            stem="movements",
            filters=[
                Filter("kind", "stock.kind", "select", kind, kinds),
                Filter("q", "stock.item_filter", "search", q),
                await store_filter(db_session, actor, store_id),
                Filter("since", "stock.since", "date", since),
                Filter("until", "stock.until", "date", until),
            ],
            pager=Pager(number, total),
            previous_url=list_url(f"{BASE}/movements", params, number - 1),
            next_url=list_url(f"{BASE}/movements", params, number + 1),
        )

    @get("/exceptions")
    async def exceptions(
        self,
        *,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        status: FromQuery[str] = "open",
        format: FromQuery[str] = "",
    ) -> Template | Response[Any]:
        chosen = ExceptionStatus.RESOLVED if status == "resolved" else ExceptionStatus.OPEN
        lines = await desk.exceptions(db_session, actor, chosen)
        actions: list[Any] = [
            Action(f"{BASE}/exceptions/{line.id}/resolve", "stock.resolve", "stock.note")
            if chosen is ExceptionStatus.OPEN
            else None
            for line in lines
        ]
        options = [("open", "stock.status_open"), ("resolved", "stock.status_resolved")]
        return respond(
            request,
            format,
            path=f"{BASE}/exceptions",
            params={"status": "" if chosen is ExceptionStatus.OPEN else chosen.value},
            title="stock.exceptions",
            intro="stock.exceptions_intro",
            sheets=[
                Sheet(
                    "exceptions",
                    EXCEPTIONS,
                    lines,
                    row_ids=lambda r: str(r.id),
                    actions=actions if chosen is ExceptionStatus.OPEN else [],
                )
            ],
            stem="stock-exceptions",
            filters=[Filter("status", "stock.status", "select", chosen.value, options)],
        )

    @post("/exceptions/{exception_id:uuid}/resolve", guards=requires(Permission.MANAGE_STOCK))
    async def resolve_exception(
        self,
        exception_id: FromPath[uuid.UUID],
        data: URLEncodedBody[NoteForm],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Redirect:
        await desk.resolve_exception(db_session, actor, exception_id, data.note)
        return Redirect(f"{BASE}/exceptions", status_code=303)

    @get("/expiring")
    async def expiring(
        self,
        *,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        days: FromQuery[str] = "",
        format: FromQuery[str] = "",
    ) -> Template | Response[Any]:
        within = int(days) if days.isdigit() and int(days) <= 3650 else EXPIRING_DAYS
        lines = await desk.expiring(db_session, actor, within)
        return respond(
            request,
            format,
            path=f"{BASE}/expiring",
            params={"days": "" if within == EXPIRING_DAYS else str(within)},
            title="stock.expiring",
            intro="stock.expiring_intro",
            sheets=[Sheet("expiring", ON_HAND, lines)],
            stem="expiring",
            filters=[Filter("days", "stock.within_days", "number", str(within))],
        )

    @get("/reorder")
    async def reorder(
        self,
        *,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        format: FromQuery[str] = "",
    ) -> Template | Response[Any]:
        lines = await desk.reorder_list(db_session, actor)
        return respond(
            request,
            format,
            path=f"{BASE}/reorder",
            params={},
            title="stock.reorder",
            intro="stock.reorder_intro",
            sheets=[Sheet("reorder", REORDER, lines)],
            stem="reorder",
        )

    @get("/consumption")
    async def consumption(
        self,
        *,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        month: FromQuery[str] = "",
        format: FromQuery[str] = "",
    ) -> Template | Response[Any]:
        chosen = _month(month)
        lines = await analytics.department_consumption(db_session, actor, chosen)
        shown = chosen.strftime("%Y-%m")
        return respond(
            request,
            format,
            path=f"{BASE}/consumption",
            params={"month": shown},
            title="stock.consumption",
            intro="stock.consumption_intro",
            sheets=[Sheet("consumption_by_department", CONSUMPTION, lines)],
            stem=f"consumption-{shown}",
            filters=[Filter("month", "reports.month", "month", shown)],
        )

    @get("/abc")
    async def abc(
        self,
        *,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        month: FromQuery[str] = "",
        format: FromQuery[str] = "",
    ) -> Template | Response[Any]:
        chosen = _month(month)
        figures = await analytics.item_figures(db_session, actor, chosen)
        shown = chosen.strftime("%Y-%m")
        return respond(
            request,
            format,
            path=f"{BASE}/abc",
            params={"month": shown},
            title="stock.abc",
            intro="stock.abc_intro",
            sheets=[Sheet("abc_turnover", ABC, figures)],
            stem=f"abc-{shown}",
            filters=[Filter("month", "reports.month", "month", shown)],
            forms=["stock/partials/apply_abc.html"],
            month=shown,
        )

    @post("/abc", guards=requires(Permission.MANAGE_STOCK))
    async def apply_abc(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        db_session: DbSession,
        month: FromQuery[str] = "",
    ) -> Redirect:
        chosen = _month(month)
        await analytics.apply_abc(db_session, actor, chosen)
        return Redirect(f"{BASE}/abc?month={chosen.strftime('%Y-%m')}", status_code=303)
