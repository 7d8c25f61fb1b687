"""The labour rate card and three months of work orders with their history."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from server.db.demo.assets import PlacedAsset
from server.db.demo.campus import Campus
from server.db.demo.history import (
    PART_PREFIXES,
    Cast,
    History,
    OrderPlan,
    needs_assignee,
    plan_times,
    staffed,
)
from server.db.demo.names import EAST, TEAMS, WEST
from server.db.demo.people import DEMO_LOGINS, Workforce
from server.db.demo.rows import DemoRows, table_of
from server.db.demo.sizes import SizeProfile
from server.db.models import (
    OPEN_STATUSES,
    AssetStatus,
    Item,
    RateCard,
    RateCardLine,
    WorkOrder,
    WorkOrderKind,
    WorkOrderStatus,
)

# Hourly rate of a technician, in cents; other grades earn a multiple of it.
_TECHNICIAN_RATE_CENTS = {
    "electrical": 9_500,
    "plumbing": 9_000,
    "hvac": 10_500,
    "lifts": 12_500,
    "medical_gas": 11_500,
    "biomedical": 12_000,
    "building_fabric": 8_000,
    "fire_safety": 9_500,
}
_GRADE_FACTORS = {"technician": 1.0, "senior technician": 1.25, "engineer": 1.6}

_OPEN_STATUS_WEIGHTS = {
    WorkOrderStatus.REPORTED: 6,
    WorkOrderStatus.DISPATCHED: 4,
    WorkOrderStatus.ACCEPTED_BY_TEAM: 3,
    WorkOrderStatus.ACCEPTED: 3,
    WorkOrderStatus.IN_PROGRESS: 5,
    WorkOrderStatus.ON_HOLD: 2,
}
assert set(_OPEN_STATUS_WEIGHTS) == OPEN_STATUSES
_FINISHED_STATUS_WEIGHTS = {
    WorkOrderStatus.CLOSED: 55,
    WorkOrderStatus.CONFIRMED: 25,
    WorkOrderStatus.COMPLETED: 12,
    WorkOrderStatus.CANCELLED: 8,
}


@dataclass(frozen=True)
class WorkDesk:
    """What the orders added after the history need: its cast and the numbers taken."""

    cast: Cast
    sequence_by_year: Counter[int]  # the last order number used, by year


# Work orders go back about three months; the rate card is in force for all of them.
_HISTORY_DAYS = 91
_HISTORY_MARGIN_DAYS = 30


def build_rate_card(rows: DemoRows) -> dict[tuple[str, str], int]:
    """The published rate card; returns the hourly rate in cents by (trade, grade)."""
    year = (rows.now - timedelta(days=_HISTORY_DAYS + _HISTORY_MARGIN_DAYS)).year
    rate_card_id = rows.entity(
        RateCard,
        name=f"Estates labour rates {year}",
        currency="CNY",
        effective_from=date(year, 1, 1),
        published_at=rows.now,
    )
    rates: dict[tuple[str, str], int] = {}
    for team in TEAMS:
        base = _TECHNICIAN_RATE_CENTS[team.trade]
        for grade, factor in _GRADE_FACTORS.items():
            hourly = int(round(base * factor, -2))
            rates[(team.trade, grade)] = hourly
            rows.entity(
                RateCardLine,
                rate_card_id=rate_card_id,
                trade=team.trade,
                grade=grade,
                hourly_rate_cents=hourly,
                call_out_cents=int(round(hourly * 1.5, -2)),
            )
    return rates


def build_work_orders(
    rows: DemoRows,
    profile: SizeProfile,
    rng: random.Random,
    assets: list[PlacedAsset],
    workforce: Workforce,
    campus: Campus,
    rates: dict[tuple[str, str], int],
) -> WorkDesk:
    """The history of work orders; see `history.py` for how each one is filled in.

    An order whose status needs an assignee (past dispatched, but not cancelled) is
    raised on an asset of a trade and campus with a demo technician (`ASSIGNEES`).
    Returns who the history names and the numbers taken, for the orders added after.
    """
    in_service = [asset for asset in assets if asset.status is not AssetStatus.RETIRED]
    manned = [a for a in in_service if staffed(a.equipment.trade, a.place.site_code)]
    by_site: dict[str, list[PlacedAsset]] = {}
    manned_by_site: dict[str, list[PlacedAsset]] = {}
    for asset in in_service:
        by_site.setdefault(asset.place.site_code, []).append(asset)
    for asset in manned:
        manned_by_site.setdefault(asset.place.site_code, []).append(asset)
    site_codes = sorted(by_site)
    plans: list[tuple[datetime, int, OrderPlan]] = []
    for number in range(profile.work_orders):
        is_open = number < profile.open_work_orders
        if is_open:
            status = _weighted(rng, _OPEN_STATUS_WEIGHTS)
            # Alternate campuses so that every campus has open work.
            site_code = site_codes[number % len(site_codes)]
            pool = (manned_by_site if needs_assignee(status) else by_site).get(site_code, [])
        else:
            status = _weighted(rng, _FINISHED_STATUS_WEIGHTS)
            pool = manned if needs_assignee(status) else in_service
        if not pool:  # no demo technician could have taken it
            status, pool = WorkOrderStatus.DISPATCHED, by_site.get(site_code, in_service)
        asset = rng.choice(pool)
        kind = rng.choices(
            (WorkOrderKind.CORRECTIVE, WorkOrderKind.PREVENTIVE, WorkOrderKind.INSPECTION),
            weights=(75, 15, 10),
        )[0]
        if status is WorkOrderStatus.REPORTED:
            kind = WorkOrderKind.CORRECTIVE  # planned orders are dispatched as they are made
        plan = OrderPlan(
            status=status,
            asset=asset,
            priority=rng.choices((1, 2, 3, 4), weights=(5, 20, 55, 20))[0],
            kind=kind,
            is_open=is_open,
            description=_description(rng, asset, kind),
        )
        plan_times(rng, plan)
        plans.append((rows.now - timedelta(minutes=plan.age), number, plan))
    plans.sort(key=lambda entry: (entry[0], entry[1]))
    cast = _cast(rows, workforce, campus, rates)
    history = History(rows, rng, cast)
    sequence_by_year: Counter[int] = Counter()
    for reported_at, _, plan in plans:
        sequence_by_year[reported_at.year] += 1
        asset = plan.asset
        values = history.order_values(plan, reported_at)
        rows.entity(
            WorkOrder,
            number=f"WO-{reported_at.year}-{sequence_by_year[reported_at.year]:06d}",
            kind=plan.kind.value,
            priority=plan.priority,
            site_id=asset.place.site_id,
            asset_id=asset.id,
            location_id=asset.place.id,
            department_id=asset.place.department_id,
            team_id=asset.team_id,
            description=plan.description,
            **values,
        )
    return WorkDesk(cast, sequence_by_year)


def _cast(
    rows: DemoRows, workforce: Workforce, campus: Campus, rates: dict[tuple[str, str], int]
) -> Cast:
    items: dict[str, list[tuple[uuid.UUID, str, int]]] = {}
    for row in rows.by_table.get(table_of(Item), []):
        for trade, prefix in PART_PREFIXES.items():
            if row["code"].startswith(prefix):
                items.setdefault(trade, []).append((row["id"], row["name"], row["unit_cost_cents"]))
    return Cast(
        user_ids=workforce.user_ids,
        names={login.employee_no: login.name for login in DEMO_LOGINS},
        # Demo requesters of a department confirm and rate its orders; others by campus.
        department_users={
            campus.department_ids[code]: employee_no
            for code, employee_no in (("ICU", "R0001"), ("RAD", "R0002"))
            if code in campus.department_ids
        },
        site_requesters={EAST: "R0001", WEST: "R0002"},
        rates=rates,
        items=items,
    )


def _weighted(rng: random.Random, weights: dict[WorkOrderStatus, int]) -> WorkOrderStatus:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _description(rng: random.Random, asset: PlacedAsset, kind: WorkOrderKind) -> str:
    equipment = asset.equipment
    if kind is WorkOrderKind.PREVENTIVE:
        return f"Planned preventive maintenance: {equipment.category.lower()}"
    if kind is WorkOrderKind.INSPECTION:
        return f"{equipment.inspection_months}-monthly statutory inspection"
    return rng.choice(equipment.faults)
