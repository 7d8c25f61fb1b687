"""Build the demo hospital in memory and bulk insert it in one transaction."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass

from argon2 import PasswordHasher
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from server.db.demo.assets import build_assets
from server.db.demo.campus import build_campus
from server.db.demo.cleaning import build_cleaning, finish_cleaning
from server.db.demo.contracts import build_contracts
from server.db.demo.lift_orders import build_lift_orders
from server.db.demo.nights import build_nights, finish_nights
from server.db.demo.patrols import build_patrols
from server.db.demo.people import DEMO_PASSWORD, build_workforce
from server.db.demo.preventive import build_preventive
from server.db.demo.ratings import build_ratings
from server.db.demo.rows import DemoRows, table_of
from server.db.demo.shifts import build_shifts
from server.db.demo.sizes import PROFILES, DemoSize
from server.db.demo.stock import build_stock
from server.db.demo.stores import build_stores
from server.db.demo.work import build_rate_card, build_work_orders
from server.db.demo.zh_cn import fault, localise
from server.db.models import Site, metadata
from server.db.types import utcnow

_CHUNK_ROWS = 1000


@dataclass(frozen=True)
class DemoSummary:
    size: str
    counts: dict[str, int]  # table name -> rows inserted


async def demo_present(engine: AsyncEngine) -> bool:
    """Whether the database already holds a hospital: the "first start" check."""
    async with engine.connect() as conn:
        return await _has_sites(conn)


async def load_demo(engine: AsyncEngine, size: DemoSize, locale: str = "en") -> DemoSummary:
    """Fill an empty, migrated database with the demo hospital of the given size, its
    names in English or (`locale="zh-CN"`) Simplified Chinese.

    Raises ValueError when any site exists, so a real hospital is never mixed with it.
    """
    size = DemoSize(size)
    async with engine.begin() as conn:
        if await _has_sites(conn):
            raise ValueError(
                "the database already holds sites; the demo loads only into an empty one"
            )
        # Building the rows is CPU work (seconds for the large size): keep the loop free.
        rows = await asyncio.to_thread(build_demo_rows, size, locale)
        for table in metadata.sorted_tables:
            table_rows = rows.by_table.get(table, [])
            for start in range(0, len(table_rows), _CHUNK_ROWS):
                await conn.execute(table.insert(), table_rows[start : start + _CHUNK_ROWS])
        async with AsyncSession(bind=conn, expire_on_commit=False) as session:
            for finish in rows.finishers:
                await finish(session, rows.now)
            await session.flush()
        counts = {
            table.name: found
            for table in metadata.sorted_tables
            if (found := await conn.scalar(select(func.count()).select_from(table)))
        }
    if engine.dialect.name == "postgresql":
        # Until autovacuum's next round the planner would know nothing of the bulk load,
        # and would sort whole tables for every page of a first sync instead of walking
        # their primary keys.
        async with engine.begin() as conn:
            await conn.execute(text("ANALYZE"))
    return DemoSummary(size=size.value, counts=counts)


LOCALES = ("en", "zh-CN")


def build_demo_rows(size: DemoSize, locale: str = "en") -> DemoRows:
    """Every row of the hospital; the same hospital for a size, but for ids and tag codes
    (and, in another locale, the language of its names)."""
    if locale not in LOCALES:
        raise ValueError(f"the demo speaks {', '.join(LOCALES)}, not {locale!r}")
    profile = PROFILES[size]
    rng = random.Random(profile.seed)
    rows = DemoRows(now=utcnow())
    # Hashed once: argon2 is slow by design and every demo user shares the password.
    password_hash = PasswordHasher().hash(DEMO_PASSWORD)
    campus = build_campus(rows, profile, rng)
    workforce = build_workforce(rows, campus, password_hash)
    assets = build_assets(rows, profile, rng, campus, workforce)
    stores = build_stores(rows, profile, rng, campus)
    # Its own random stream, so the rest of the hospital stays as it was without stock.
    build_stock(rows, random.Random(profile.seed + 1), campus, workforce, stores)
    patrols = build_patrols(rows, profile, rng, campus, workforce)
    build_shifts(rows, campus, workforce)
    nights = build_nights(rows, rng, patrols, workforce, fault if locale == "zh-CN" else str)
    rows.finishers.append(lambda session, now: finish_nights(session, nights, now))
    rates = build_rate_card(rows)
    desk = build_work_orders(rows, profile, rng, assets, workforce, campus, rates)
    # Its own random stream, so the rest of the hospital stays as it was without lift orders.
    build_lift_orders(rows, random.Random(profile.seed + 3), assets, desk)
    build_preventive(rows, campus, workforce)
    # Its own random stream, so the rest of the hospital stays as it was without cleaning.
    build_cleaning(rows, size, random.Random(profile.seed + 2), campus, workforce)
    rows.finishers.append(finish_cleaning)
    build_ratings(rows, campus, workforce)
    build_contracts(rows, workforce)
    if locale == "zh-CN":
        localise(rows)
    return rows


async def _has_sites(conn: AsyncConnection) -> bool:
    first_site = await conn.scalar(select(table_of(Site).c.id).limit(1))
    return first_site is not None
