"""How big each demo hospital is."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DemoSize(StrEnum):
    SMALL = "small"  # the test suite's hospital: loads in well under two seconds
    HOSPITAL = "hospital"  # what `make run` loads on first start
    LARGE = "large"  # for benchmarks


@dataclass(frozen=True)
class SizeProfile:
    seed: int
    buildings: int  # how many of names.BUILDINGS, in order
    top_level: int  # floors above this are left out
    wards_per_floor: tuple[int, int]  # inclusive ranges
    rooms_per_ward: tuple[int, int]
    plant_rooms_per_floor: tuple[int, int]
    departments: int  # how many of names.DEPARTMENTS, in order
    assets: int
    items: int
    bin_aisles: int
    bin_bays: int
    bin_shelves: int
    checkpoints: int
    security_routes: int
    cleaning_routes: int
    work_orders: int
    open_work_orders: int


PROFILES: dict[DemoSize, SizeProfile] = {
    DemoSize.SMALL: SizeProfile(
        seed=20260101,
        buildings=2,
        top_level=1,
        wards_per_floor=(1, 1),
        rooms_per_ward=(7, 9),
        plant_rooms_per_floor=(0, 1),
        departments=8,
        assets=200,
        items=50,
        bin_aisles=2,
        bin_bays=4,
        bin_shelves=3,
        checkpoints=10,
        security_routes=1,
        cleaning_routes=1,
        work_orders=30,
        open_work_orders=8,
    ),
    DemoSize.HOSPITAL: SizeProfile(
        seed=20260102,
        buildings=12,
        top_level=99,
        wards_per_floor=(1, 3),
        rooms_per_ward=(15, 24),
        plant_rooms_per_floor=(0, 2),
        departments=30,
        assets=5_000,
        items=300,
        bin_aisles=6,
        bin_bays=10,
        bin_shelves=5,
        checkpoints=40,
        security_routes=3,
        cleaning_routes=1,
        work_orders=300,
        open_work_orders=40,
    ),
    DemoSize.LARGE: SizeProfile(
        seed=20260103,
        buildings=20,
        top_level=99,
        wards_per_floor=(4, 6),
        rooms_per_ward=(20, 30),
        plant_rooms_per_floor=(1, 3),
        departments=30,
        assets=50_000,
        items=20_000,
        bin_aisles=20,
        bin_bays=20,
        bin_shelves=6,
        checkpoints=240,
        security_routes=14,
        cleaning_routes=6,
        work_orders=3_000,
        open_work_orders=400,
    ),
}
