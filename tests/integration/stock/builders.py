"""Stock of the tests' own: a store of fresh bins and items in the demo hospital, stocked
through the ledger's one write, and desk clients that sign in and post forms."""

from __future__ import annotations

import asyncio
import csv
import io
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select
from sqlmodel import col

from server.db import models as db
from server.db.demo import DEMO_PASSWORD
from server.db.engine import make_engine, make_session_factory
from server.domain.stock import ledger
from server.domain.stock.ids import lot_id
from server.domain.sync import capture
from server.settings import Settings
from tests.integration.console_client import CSRF_COOKIE, console_login

Client = TestClient[Litestar]


def ago(**delta: float) -> datetime:
    return datetime.now(UTC) - timedelta(**delta)


@dataclass
class Shelf:
    """A store of the test's own (`tag` keeps its codes apart from every other test's)."""

    tag: str
    site_code: str = "EAST"
    store_id: uuid.UUID = field(default_factory=uuid.uuid4)
    bins: dict[str, uuid.UUID] = field(default_factory=dict)
    items: dict[str, uuid.UUID] = field(default_factory=dict)
    departments: dict[str, uuid.UUID] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return f"S{self.tag}"

    def item_code(self, name: str) -> str:
        return f"{name}-{self.tag}"

    def lot(self, item: str, lot: str) -> uuid.UUID:
        return lot_id(self.items[item], lot)


async def _build(settings: Settings, shelf: Shelf, bins: list[str], items: dict[str, int]) -> None:
    capture.install()
    engine = make_engine(settings.database)
    try:
        async with make_session_factory(engine)() as s:
            site = await s.execute(select(db.Site).where(col(db.Site.code) == shelf.site_code))
            site_row = site.scalar_one()
            s.add(
                db.Store(
                    id=shelf.store_id,
                    code=shelf.code,
                    name=f"Test store {shelf.tag}",
                    site_id=site_row.id,
                )
            )
            await s.flush()
            for code in bins:
                row = db.Bin(store_id=shelf.store_id, site_id=site_row.id, code=code)
                s.add(row)
                await s.flush()
                shelf.bins[code] = row.id
            for name, cost in items.items():
                item = db.Item(
                    code=shelf.item_code(name),
                    name=f"Part {name} {shelf.tag}",
                    unit="each",
                    unit_cost_cents=cost,
                    reorder_point=0,
                )
                s.add(item)
                await s.flush()
                shelf.items[name] = item.id
            for dept in (await s.scalars(select(db.Department))).all():
                shelf.departments[dept.code] = dept.id
            await s.commit()
    finally:
        await engine.dispose()


def build_shelf(
    settings: Settings, bins: list[str], items: dict[str, int], site_code: str = "EAST"
) -> Shelf:
    shelf = Shelf(uuid.uuid4().hex[:6].upper(), site_code)
    asyncio.run(_build(settings, shelf, bins, items))
    return shelf


@dataclass(frozen=True)
class Move:
    kind: db.MovementKind
    item: str
    quantity: int  # signed
    at: datetime
    bin: str | None = None
    lot: str | None = None
    expiry: Any = None
    cost: int | None = None  # a receipt's price
    work_order_id: uuid.UUID | None = None
    department: str | None = None
    cost_centre: str = ""


async def _post(settings: Settings, shelf: Shelf, moves: list[Move]) -> None:
    capture.install()
    engine = make_engine(settings.database)
    try:
        async with make_session_factory(engine)() as s:
            for move in moves:
                lot = None
                if move.lot is not None:
                    found = await ledger.find_or_create_lot(
                        s, shelf.items[move.item], move.lot, move.expiry
                    )
                    lot = found.id
                await ledger.post(
                    s,
                    db.StockMovement(
                        kind=move.kind,
                        item_id=shelf.items[move.item],
                        store_id=shelf.store_id,
                        bin_id=shelf.bins[move.bin] if move.bin else None,
                        lot_id=lot,
                        quantity=move.quantity,
                        work_order_id=move.work_order_id,
                        department_id=shelf.departments[move.department]
                        if move.department
                        else None,
                        cost_centre=move.cost_centre,
                        occurred_at=move.at,
                        recorded_at=move.at,
                    ),
                    receipt_cost_cents=move.cost,
                )
            await s.commit()
    finally:
        await engine.dispose()


def post_moves(settings: Settings, shelf: Shelf, *moves: Move) -> None:
    asyncio.run(_post(settings, shelf, list(moves)))


async def _read(settings: Settings, stmt: Any) -> list[Any]:
    engine = make_engine(settings.database)
    try:
        async with make_session_factory(engine)() as s:
            return list((await s.execute(stmt)).all())
    finally:
        await engine.dispose()


def read(settings: Settings, stmt: Any) -> list[Any]:
    return asyncio.run(_read(settings, stmt))


def balances(settings: Settings, shelf: Shelf) -> dict[tuple[str, str, str], int]:
    """(bin code, item name, lot) -> on hand."""
    rows = read(
        settings,
        select(db.StockBalance, db.Bin, db.StockLot)
        .outerjoin(db.Bin, col(db.Bin.id) == col(db.StockBalance.bin_id))
        .outerjoin(db.StockLot, col(db.StockLot.id) == col(db.StockBalance.lot_id))
        .where(col(db.StockBalance.store_id) == shelf.store_id),
    )
    names = {item_id: name for name, item_id in shelf.items.items()}
    return {
        (b.code if b else "", names[bal.item_id], lot.lot if lot else ""): bal.on_hand
        for bal, b, lot in rows
    }


def desk(browser: Client, employee_no: str, password: str = DEMO_PASSWORD) -> Client:
    """The browser, signed in to the console as `employee_no` (whoever was before)."""
    browser.cookies.clear()
    console_login(browser, employee_no, password)
    return browser


def form_post(browser: Client, path: str, **data: str) -> Any:
    token = browser.cookies.get(CSRF_COOKIE) or ""
    return browser.post(path, data={**data, "_csrf_token": token}, follow_redirects=False)


def csv_sections(text: str) -> dict[str, list[dict[str, str]]]:
    """A download's sections: title -> rows as dicts of its header."""
    sections: dict[str, list[dict[str, str]]] = {}
    reader = csv.reader(io.StringIO(text))
    title, header = "", None
    for row in reader:
        if not row:
            title, header = "", None
        elif row[0].startswith("# ") and header is None and not title:
            title = row[0][2:]
            sections[title] = []
        elif header is None:
            header = row
        else:
            sections[title].append(dict(zip(header, row, strict=True)))
    return sections
