"""The stock catalogue as a file: one row per item, keyed by its code (the SKU).

GTINs and balances are not part of it: balances move only through the ledger, and a
GTIN is attached where the item is scanned.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Item
from server.db.models.base import new_id
from server.domain.imports.kinds import Kind, Plan
from server.domain.imports.validation import Column, ColumnType, Record, RowError, Spec
from server.domain.stock.service import items_by_code, save_items

T = ColumnType
ITEM_SPEC = Spec(
    kind="items",
    key=("code",),
    columns=(
        Column("code", T.CODE, required=True, max_length=32, example="ELE-00042"),
        Column("name", T.TEXT, required=True, max_length=160, example="MCB 16 A type B"),
        Column("unit", T.TEXT, required=True, max_length=16, example="each"),
        Column("unit_cost", T.MONEY, example="12.50"),
        Column("abc_class", T.CHOICE, choices=("a", "b", "c"), example="B"),
        Column("safety_stock", T.INTEGER, example="5"),
        Column("reorder_point", T.INTEGER, example="10"),
    ),
)
COUNTS = ("safety_stock", "reorder_point")


def _wanted(record: Record, errors: list[RowError]) -> dict[str, Any] | None:
    values = record.values
    bad = [name for name in COUNTS if (values[name] or 0) < 0]
    for name in bad:
        errors.append(RowError(record.line, name, "cannot be below zero."))
    if bad:
        return None
    return {
        "name": values["name"],
        "unit": values["unit"],
        "unit_cost_cents": values["unit_cost"] or 0,
        "abc_class": (values["abc_class"] or "c").upper(),
        "safety_stock": values["safety_stock"] or 0,
        "reorder_point": values["reorder_point"] or 0,
    }


async def plan_items(session: AsyncSession, records: list[Record]) -> Plan:
    plan = Plan()
    existing = await items_by_code(session, [record.values["code"] for record in records])
    for record in records:
        wanted = _wanted(record, plan.errors)
        if wanted is None:
            continue
        item = existing.get(record.values["code"])
        if item is None:
            plan.created.append({"id": new_id(), "code": record.values["code"], **wanted})
        else:
            plan.merge(item, wanted)
    return plan


async def apply_items(session: AsyncSession, plan: Plan) -> None:
    await save_items(session, plan.created, plan.changed)


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


async def export_items(session: AsyncSession) -> list[list[str]]:
    rows = [ITEM_SPEC.header]
    for item in await session.scalars(select(Item).order_by(col(Item.code))):
        rows.append(
            [item.code, item.name, item.unit, _money(item.unit_cost_cents), item.abc_class,
             str(item.safety_stock), str(item.reorder_point)]
        )  # fmt: skip
    return rows


ITEMS = Kind(ITEM_SPEC, frozenset(), plan_items, apply_items, export_items)
