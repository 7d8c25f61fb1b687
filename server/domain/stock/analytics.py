"""Stock analytics: ABC classes, turnover days and consumption per department.

Consumption is what left the stores for use: issues minus returns (transfers move stock
between stores and adjustments correct the count; neither is consumption). Value is the
ledger's value of each movement, at the moving average cost it met, in cents. Months are
UTC calendar months; a movement counts in the month it occurred.

ABC by consumption value: items sorted by value, largest first; an item is A while the
items before it make less than 80 % of the total, B while they make less than 95 %, C
after that (so the item that crosses 80 % is still A). Items with no consumption are C.

Turnover days of a month: the average on hand (across the reader's stores, taken at the
end of each day of the month) divided by the average daily consumption (the month's
consumption in units over its days). No consumption: no turnover figure.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Department, Item, MovementKind, StockMovement, WorkOrder
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission, require, scope_by_store
from server.domain.reports.monthly import month_bounds
from server.errors import Forbidden

K = TypeVar("K")
CONSUMPTION = (MovementKind.ISSUE, MovementKind.RETURN)
A_SHARE, B_SHARE = 0.80, 0.95


def abc_classes(values: Mapping[K, int]) -> dict[K, str]:
    """>>> abc_classes({"a": 50, "b": 30, "c": 10, "d": 6, "e": 4, "f": 0})
    {'a': 'A', 'b': 'A', 'c': 'B', 'd': 'B', 'e': 'C', 'f': 'C'}
    """
    total = sum(value for value in values.values() if value > 0)
    classes: dict[K, str] = {}
    before = 0
    for key, value in sorted(values.items(), key=lambda pair: (-pair[1], str(pair[0]))):
        if value <= 0 or total == 0:
            classes[key] = "C"
            continue
        share = before / total
        classes[key] = "A" if share < A_SHARE else "B" if share < B_SHARE else "C"
        before += value
    return classes


def daily_on_hand(opening: int, changes: Mapping[int, int], days: int) -> list[int]:
    """On hand at the end of each day 1..days, from the opening and the changes per day.

    >>> daily_on_hand(10, {2: -4, 3: 6}, 4)
    [10, 6, 12, 12]
    """
    held, ends = opening, []
    for day in range(1, days + 1):
        held += changes.get(day, 0)
        ends.append(held)
    return ends


def turnover_days(average_on_hand: float, consumed: int, days: int) -> float | None:
    """>>> turnover_days(10.0, 30, 30)
    10.0
    """
    if consumed <= 0 or days <= 0:
        return None
    return round(average_on_hand / (consumed / days), 1)


@dataclass(frozen=True)
class ItemFigures:
    item_id: uuid.UUID
    code: str
    name: str
    abc_class: str  # as the catalogue holds it now
    suggested_class: str  # by the last 12 months' consumption value
    consumption_cents: int  # the last 12 months
    month_consumed: int  # units, the month shown
    average_on_hand: float
    turnover_days: float | None


@dataclass(frozen=True)
class DepartmentConsumption:
    department_id: uuid.UUID | None
    code: str
    name: str
    cost_centre: str
    units: int
    value_cents: int


def twelve_months_before(month: date) -> datetime:
    """The first instant of the 12 months that end with `month`."""
    first = date(month.year - 1 + (month.month // 12), month.month % 12 + 1, 1)
    return month_bounds(first)[0]


async def consumption_values(
    session: AsyncSession, actor: Actor | None, since: datetime, until: datetime
) -> dict[uuid.UUID, int]:
    """Consumption value (cents) per item in the period (actor None: every store)."""
    stmt: Select[*tuple[Any, ...]] = (
        select(col(StockMovement.item_id), func.sum(col(StockMovement.value_cents)))
        .where(
            col(StockMovement.kind).in_(CONSUMPTION),
            col(StockMovement.occurred_at) >= since,
            col(StockMovement.occurred_at) < until,
        )
        .group_by(col(StockMovement.item_id))
    )
    if actor is not None:
        stmt = scope_by_store(actor, StockMovement.store_id, stmt)
    return {item: -int(total or 0) for item, total in await session.execute(stmt)}


async def _month_movements(
    session: AsyncSession, actor: Actor, start: datetime, end: datetime
) -> tuple[dict[uuid.UUID, int], dict[uuid.UUID, dict[int, int]], dict[uuid.UUID, int]]:
    """Opening on hand, changes per day of the month, and units consumed, per item."""
    opening_stmt: Select[*tuple[Any, ...]] = (
        select(col(StockMovement.item_id), func.sum(col(StockMovement.quantity)))
        .where(col(StockMovement.occurred_at) < start)
        .group_by(col(StockMovement.item_id))
    )
    opening = {
        item: int(total or 0)
        for item, total in await session.execute(
            scope_by_store(actor, StockMovement.store_id, opening_stmt)
        )
    }
    month_stmt: Select[*tuple[Any, ...]] = select(
        col(StockMovement.item_id),
        col(StockMovement.occurred_at),
        col(StockMovement.quantity),
        col(StockMovement.kind),
    ).where(col(StockMovement.occurred_at) >= start, col(StockMovement.occurred_at) < end)
    changes: dict[uuid.UUID, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    consumed: dict[uuid.UUID, int] = defaultdict(int)
    for item, at, quantity, kind in await session.execute(
        scope_by_store(actor, StockMovement.store_id, month_stmt)
    ):
        changes[item][at.day] += quantity
        if kind in CONSUMPTION:
            consumed[item] -= quantity
    return opening, changes, consumed


async def item_figures(session: AsyncSession, actor: Actor, month: date) -> list[ItemFigures]:
    """ABC and turnover of every item the actor's stores held or moved, by value first."""
    start, end = month_bounds(month)
    days = (end - start) // timedelta(days=1)
    values = await consumption_values(session, actor, twelve_months_before(month), end)
    opening, changes, consumed = await _month_movements(session, actor, start, end)
    item_ids = set(values) | set(changes) | {item for item, held in opening.items() if held}
    suggested = abc_classes({item: values.get(item, 0) for item in item_ids})
    items = {
        item.id: item
        for item in (await session.scalars(select(Item).where(col(Item.id).in_(item_ids)))).all()
    }
    figures = []
    for item_id in item_ids:
        ends = daily_on_hand(opening.get(item_id, 0), changes.get(item_id, {}), days)
        average = sum(ends) / days
        item = items[item_id]
        figures.append(
            ItemFigures(
                item_id=item_id,
                code=item.code,
                name=item.name,
                abc_class=item.abc_class,
                suggested_class=suggested[item_id],
                consumption_cents=values.get(item_id, 0),
                month_consumed=consumed.get(item_id, 0),
                average_on_hand=round(average, 2),
                turnover_days=turnover_days(average, consumed.get(item_id, 0), days),
            )
        )
    return sorted(figures, key=lambda f: (-f.consumption_cents, f.code))


async def apply_abc(session: AsyncSession, actor: Actor, month: date) -> dict[str, int]:
    """Write every item's ABC class from the hospital's last 12 months (the catalogue is
    shared by every store, so the classes come from all of them). Returns how many items
    are in each class."""
    require(actor, Permission.MANAGE_STOCK)
    if actor.site_limited:
        raise Forbidden("ABC classes are the whole hospital's; ask someone without site limits.")
    _, end = month_bounds(month)
    values = await consumption_values(session, None, twelve_months_before(month), end)
    items = (await session.scalars(select(Item))).all()
    classes = abc_classes({item.id: values.get(item.id, 0) for item in items})
    counts = {"A": 0, "B": 0, "C": 0}
    for item in items:
        if item.abc_class != classes[item.id]:
            item.abc_class = classes[item.id]
        counts[classes[item.id]] += 1
    await session.flush()
    return counts


async def department_consumption(
    session: AsyncSession, actor: Actor, month: date
) -> list[DepartmentConsumption]:
    """Issues minus returns of the month per department (a work order's issue is its
    department's), then per cost centre for issues charged to one directly."""
    start, end = month_bounds(month)
    department = func.coalesce(col(StockMovement.department_id), col(WorkOrder.department_id))
    stmt: Select[*tuple[Any, ...]] = (
        select(
            department,
            col(StockMovement.cost_centre),
            func.sum(col(StockMovement.quantity)),
            func.sum(col(StockMovement.value_cents)),
        )
        .outerjoin(WorkOrder, col(WorkOrder.id) == col(StockMovement.work_order_id))
        .where(
            col(StockMovement.kind).in_(CONSUMPTION),
            col(StockMovement.occurred_at) >= start,
            col(StockMovement.occurred_at) < end,
        )
        .group_by(department, col(StockMovement.cost_centre))
    )
    rows = (await session.execute(scope_by_store(actor, StockMovement.store_id, stmt))).all()
    names = {
        d.id: d
        for d in (
            await session.scalars(
                select(Department).where(col(Department.id).in_({r[0] for r in rows if r[0]}))
            )
        ).all()
    }
    merged: dict[tuple[uuid.UUID | None, str], list[int]] = defaultdict(lambda: [0, 0])
    for department_id, cost_centre, units, value in rows:
        key = (department_id, "" if department_id else cost_centre)
        merged[key][0] -= int(units or 0)
        merged[key][1] -= int(value or 0)
    lines = []
    for (department_id, cost_centre), (units, value) in merged.items():
        found = names.get(department_id) if department_id is not None else None
        lines.append(
            DepartmentConsumption(
                department_id=department_id,
                code=found.code if found else "",
                name=found.name if found else "",
                cost_centre=found.cost_centre if found else cost_centre,
                units=units,
                value_cents=value,
            )
        )
    return sorted(lines, key=lambda line: (-line.value_cents, line.code, line.cost_centre))


def totals(lines: Sequence[DepartmentConsumption]) -> tuple[int, int]:
    return sum(line.units for line in lines), sum(line.value_cents for line in lines)
