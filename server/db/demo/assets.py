"""The asset register: equipment spread over rooms, plant rooms, corridors and stores."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from server.db.demo.campus import Campus, Place
from server.db.demo.equipment import EQUIPMENT, Equipment, Placement
from server.db.demo.people import Workforce
from server.db.demo.rows import DemoRows
from server.db.demo.sizes import SizeProfile
from server.db.models import Asset, AssetStatus
from server.domain.assets.tags import new_tag_code


@dataclass(frozen=True)
class PlacedAsset:
    id: uuid.UUID
    place: Place
    team_id: uuid.UUID
    equipment: Equipment
    status: AssetStatus


def build_assets(
    rows: DemoRows, profile: SizeProfile, rng: random.Random, campus: Campus, workforce: Workforce
) -> list[PlacedAsset]:
    today = rows.now.date()
    places_by_placement = {placement: campus.places_for(placement) for placement in Placement}
    rooms = places_by_placement[Placement.ROOM]
    tag_codes: set[str] = set()
    assets: list[PlacedAsset] = []
    weights = [equipment.weight for equipment in EQUIPMENT]
    for equipment in rng.choices(EQUIPMENT, weights=weights, k=profile.assets):
        place = rng.choice(places_by_placement[equipment.placement] or rooms)
        make = rng.choice(equipment.makes)
        team_id = workforce.team_ids_by_trade[equipment.trade]
        status = rng.choices(
            (AssetStatus.IN_SERVICE, AssetStatus.OUT_OF_SERVICE, AssetStatus.RETIRED),
            weights=(93, 5, 2),
        )[0]
        tag_code = new_tag_code()
        while tag_code in tag_codes:
            tag_code = new_tag_code()
        tag_codes.add(tag_code)
        contractor_code = equipment.contractor_code
        asset_id = rows.entity(
            Asset,
            tag_code=tag_code,
            name=f"{equipment.category}, {place.label}"[:160],
            category=equipment.category,
            manufacturer=make.manufacturer,
            model=make.model,
            serial=f"{make.serial_prefix}{rng.randrange(10_000_000, 100_000_000)}",
            site_id=place.site_id,
            location_id=place.id,
            department_id=place.department_id,
            team_id=team_id,
            contractor_id=workforce.contractor_ids[contractor_code] if contractor_code else None,
            warranty_end=today + timedelta(days=rng.randint(-1500, 1100)),
            next_inspection=(
                None
                if status is AssetStatus.RETIRED
                else _next_inspection(rng, today, equipment.inspection_months)
            ),
            status=status.value,
            notes="",
        )
        assets.append(PlacedAsset(asset_id, place, team_id, equipment, status))
    return assets


def _next_inspection(rng: random.Random, today: date, interval_months: int) -> date:
    # About one in twelve is overdue, as on a real register that is mostly kept up to date.
    if rng.random() < 0.08:
        return today - timedelta(days=rng.randint(1, 60))
    return today + timedelta(days=rng.randint(0, interval_months * 30))
