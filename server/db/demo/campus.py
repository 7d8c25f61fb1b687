"""The demo hospital's estate: campuses, buildings, floors, departments and the location tree."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

from server.db.demo.equipment import Placement
from server.db.demo.names import (
    BUILDINGS,
    DEPARTMENTS,
    SERVICE_AREAS,
    SERVICE_PLANT_ROOMS,
    SITES,
    SUITE_SUPPORT_ROOMS,
    SUITES,
    SUITES_WITHOUT_PATIENTS,
    WARD_NAMES,
    WARD_SUPPORT_ROOMS,
    BuildingSpec,
)
from server.db.demo.rows import DemoRows
from server.db.demo.sizes import SizeProfile
from server.db.models import Building, Department, Floor, Location, LocationKind, Site

_PLACEMENT_OF_KIND: dict[LocationKind, Placement] = {
    LocationKind.ROOM: Placement.ROOM,
    LocationKind.PLANT_ROOM: Placement.PLANT,
    LocationKind.CORRIDOR: Placement.CIRCULATION,
    LocationKind.AREA: Placement.CIRCULATION,
    LocationKind.STORE: Placement.STORE,
}
# Equipment for any room also goes in patient rooms; for circulation, in lift lobbies too.
_ALSO_SUITED: dict[Placement, Placement] = {
    Placement.ROOM: Placement.CLINICAL,
    Placement.CIRCULATION: Placement.LIFT_LOBBY,
}


@dataclass(frozen=True)
class Place:
    """A location as the later generators need it: where it is and how to name things in it."""

    id: uuid.UUID
    site_code: str
    site_id: uuid.UUID
    department_id: uuid.UUID | None
    kind: LocationKind
    placement: Placement | None  # what equipment fits here; None for a ward itself
    label: str  # e.g. "Fleming Ward, Bay 3" or "Main Tower, Boiler House"


@dataclass
class Campus:
    site_ids: dict[str, uuid.UUID] = field(default_factory=dict)
    department_ids: dict[str, uuid.UUID] = field(default_factory=dict)
    places: list[Place] = field(default_factory=list)

    def places_for(self, placement: Placement) -> list[Place]:
        suited = {placement, _ALSO_SUITED.get(placement, placement)}
        return [place for place in self.places if place.placement in suited]


def floor_name(level: int) -> str:
    if level < 0:
        return "Basement" if level == -1 else f"Basement {-level}"
    return "Ground Floor" if level == 0 else f"Level {level}"


def _floor_tag(level: int) -> str:
    if level < 0:
        return "B" if level == -1 else f"B{-level}"
    return "G" if level == 0 else str(level)


def build_campus(rows: DemoRows, profile: SizeProfile, rng: random.Random) -> Campus:
    campus = Campus()
    for site in SITES:
        campus.site_ids[site.code] = rows.entity(
            Site, code=site.code, name=site.name, address=site.address, timezone="Europe/London"
        )
    for number, department in enumerate(DEPARTMENTS[: profile.departments]):
        campus.department_ids[department.code] = rows.entity(
            Department,
            code=department.code,
            name=department.name,
            cost_centre=f"CC-{4101 + number}",
        )
    estate = _EstateBuilder(rows, profile, rng, campus)
    for building in BUILDINGS[: profile.buildings]:
        estate.add_building(building)
    return campus


class _BuildingPlan:
    """Adds the locations of one building, numbering codes so they are unique within it."""

    def __init__(self, rows: DemoRows, campus: Campus, building: BuildingSpec) -> None:
        self.rows = rows
        self.campus = campus
        self.site_code = building.site_code
        self.site_id = campus.site_ids[building.site_code]
        self.building_name = building.name
        self.building_code = building.code
        self.building_id = rows.entity(
            Building, site_id=self.site_id, code=building.code, name=building.name
        )
        self.floor_id: uuid.UUID | None = None

    def add(
        self,
        kind: LocationKind,
        code: str,
        name: str,
        *,
        label: str | None = None,
        placement: Placement | None = None,
        parent_id: uuid.UUID | None = None,
        department_id: uuid.UUID | None = None,
    ) -> uuid.UUID:
        location_id = self.rows.entity(
            Location,
            site_id=self.site_id,
            building_id=self.building_id,
            floor_id=self.floor_id,
            parent_id=parent_id,
            department_id=department_id,
            code=code,
            name=name,
            kind=kind.value,
        )
        self.campus.places.append(
            Place(
                id=location_id,
                site_code=self.site_code,
                site_id=self.site_id,
                department_id=department_id,
                kind=kind,
                placement=placement or _PLACEMENT_OF_KIND.get(kind),
                label=label or f"{self.building_name}, {name}",
            )
        )
        return location_id


def _department_cycle(departments: list[str]) -> Iterator[str]:
    """Every department of the building once, then round its bedded wards again.

    A suite (theatres, pharmacy, a laboratory) is not repeated unless the building has
    nothing else.
    """
    yield from departments
    bedded = [code for code in departments if code not in SUITES] or departments
    while True:
        yield from bedded


class _EstateBuilder:
    def __init__(
        self, rows: DemoRows, profile: SizeProfile, rng: random.Random, campus: Campus
    ) -> None:
        self.rows = rows
        self.profile = profile
        self.rng = rng
        self.campus = campus
        self.ward_names: Iterator[str] = iter(WARD_NAMES)

    def add_building(self, building: BuildingSpec) -> None:
        plan = _BuildingPlan(self.rows, self.campus, building)
        departments = [
            code for code in building.department_codes if code in self.campus.department_ids
        ]
        if building.department_codes and not departments:
            departments = list(self.campus.department_ids)
        next_department = _department_cycle(departments)
        top_level = min(building.highest_level, self.profile.top_level)
        for level in range(building.lowest_level, top_level + 1):
            plan.floor_id = self.rows.entity(
                Floor, building_id=plan.building_id, level=level, name=floor_name(level)
            )
            tag = _floor_tag(level)
            if level < 0 or not departments:
                self._add_service_floor(plan, tag)
                continue
            plan.add(LocationKind.CORRIDOR, f"{tag}-C1", f"{floor_name(level)} Corridor")
            plan.add(LocationKind.AREA, f"{tag}-A1", "Lift Lobby", placement=Placement.LIFT_LOBBY)
            if level == 0:
                plan.add(LocationKind.AREA, f"{tag}-A2", "Main Entrance")
            for number in range(1, self.rng.randint(*self.profile.plant_rooms_per_floor) + 1):
                plan.add(LocationKind.PLANT_ROOM, f"{tag}-P{number}", f"Plant Room {tag}.{number}")
            for letter in "ABCDEFGH"[: self.rng.randint(*self.profile.wards_per_floor)]:
                self._add_ward(plan, f"{tag}{letter}", next(next_department))

    def _add_service_floor(self, plan: _BuildingPlan, tag: str) -> None:
        plan.add(LocationKind.CORRIDOR, f"{tag}-C1", "Service Corridor")
        plant_rooms = self.rng.sample(SERVICE_PLANT_ROOMS, self.rng.randint(3, 6))
        for number, name in enumerate(plant_rooms, start=1):
            plan.add(LocationKind.PLANT_ROOM, f"{tag}-P{number}", name)
        store_name = self.rng.choice(("Estates Store", "General Store"))
        plan.add(LocationKind.STORE, f"{tag}-S1", store_name)
        plan.add(LocationKind.AREA, f"{tag}-A1", self.rng.choice(SERVICE_AREAS))

    def _add_ward(self, plan: _BuildingPlan, ward_code: str, department_code: str) -> None:
        department_id = self.campus.department_ids[department_code]
        if department_code in SUITES:
            suite_name, numbered_room = SUITES[department_code]
            ward_name = f"{suite_name} {ward_code}"
            support_names = SUITE_SUPPORT_ROOMS
        else:
            person = next(self.ward_names, None)
            ward_name = f"{person} Ward" if person else f"Ward {plan.building_code}-{ward_code}"
            numbered_room = "Bay"
            support_names = WARD_SUPPORT_ROOMS
        ward_id = plan.add(LocationKind.WARD, ward_code, ward_name, department_id=department_id)
        room_count = self.rng.randint(*self.profile.rooms_per_ward)
        support_rooms = self.rng.sample(support_names, min(len(support_names), room_count // 3))
        numbered = [f"{numbered_room} {n}" for n in range(1, room_count - len(support_rooms) + 1)]
        with_patients = department_code not in SUITES_WITHOUT_PATIENTS
        for number, room_name in enumerate(numbered + support_rooms, start=1):
            is_patient_room = with_patients and number <= len(numbered)
            plan.add(
                LocationKind.ROOM,
                f"{ward_code}-{number:02d}",
                room_name,
                label=f"{ward_name}, {room_name}",
                placement=Placement.CLINICAL if is_patient_room else Placement.ROOM,
                parent_id=ward_id,
                department_id=department_id,
            )
