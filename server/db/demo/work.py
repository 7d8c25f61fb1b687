"""The labour rate card and three months of work orders."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

from server.db.demo.assets import PlacedAsset
from server.db.demo.names import EAST, TEAMS
from server.db.demo.people import Workforce
from server.db.demo.rows import DemoRows
from server.db.demo.sizes import SizeProfile
from server.db.models import (
    OPEN_STATUSES,
    AssetStatus,
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


def build_rate_card(rows: DemoRows) -> None:
    year = rows.now.year
    rate_card_id = rows.entity(
        RateCard,
        name=f"Estates labour rates {year}",
        currency="CNY",
        effective_from=date(year, 1, 1),
        published_at=rows.now,
    )
    for team in TEAMS:
        base = _TECHNICIAN_RATE_CENTS[team.trade]
        for grade, factor in _GRADE_FACTORS.items():
            hourly = round(base * factor, -2)
            rows.entity(
                RateCardLine,
                rate_card_id=rate_card_id,
                trade=team.trade,
                grade=grade,
                hourly_rate_cents=int(hourly),
                call_out_cents=int(round(hourly * 1.5, -2)),
            )


def build_work_orders(
    rows: DemoRows,
    profile: SizeProfile,
    rng: random.Random,
    assets: list[PlacedAsset],
    workforce: Workforce,
) -> None:
    in_service = [asset for asset in assets if asset.status is not AssetStatus.RETIRED]
    by_site: dict[str, list[PlacedAsset]] = {}
    for asset in in_service:
        by_site.setdefault(asset.place.site_code, []).append(asset)
    site_codes = sorted(by_site)
    orders = []
    for number in range(profile.work_orders):
        is_open = number < profile.open_work_orders
        if is_open:
            # Alternate campuses so that every campus has open work.
            asset = rng.choice(by_site[site_codes[number % len(site_codes)]])
            age = timedelta(days=rng.uniform(0, 14))
            status = _weighted(rng, _OPEN_STATUS_WEIGHTS)
        else:
            asset = rng.choice(in_service)
            age = timedelta(days=rng.uniform(3, 91))
            status = _weighted(rng, _FINISHED_STATUS_WEIGHTS)
        orders.append((rows.now - age, asset, status))
    orders.sort(key=lambda order: order[0])
    sequence_by_year: Counter[int] = Counter()
    for reported_at, asset, status in orders:
        sequence_by_year[reported_at.year] += 1
        kind = rng.choices(
            (WorkOrderKind.CORRECTIVE, WorkOrderKind.PREVENTIVE, WorkOrderKind.INSPECTION),
            weights=(75, 15, 10),
        )[0]
        requester = "R0001" if asset.place.site_code == EAST else "R0002"
        rows.entity(
            WorkOrder,
            created_at=reported_at,
            updated_at=min(rows.now, reported_at + timedelta(hours=rng.uniform(0.5, 72))),
            number=f"WO-{reported_at.year}-{sequence_by_year[reported_at.year]:06d}",
            kind=kind.value,
            status=status.value,
            priority=rng.choices((1, 2, 3, 4), weights=(5, 20, 55, 20))[0],
            site_id=asset.place.site_id,
            asset_id=asset.id,
            location_id=asset.place.id,
            department_id=asset.place.department_id,
            team_id=asset.team_id,
            description=_description(rng, asset, kind),
            reported_by_id=workforce.user_ids[requester],
            reported_at=reported_at,
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
