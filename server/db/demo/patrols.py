"""Patrol rounds: checkpoints at corridors and plant rooms, the routes that order them, their
night schedule (every 2 h from 20:00 to 06:00), walking times between consecutive stops, and
a clock point by each site's security lodge."""

from __future__ import annotations

import random
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from server.db.demo.campus import Campus, Place
from server.db.demo.names import CLEANING_CONTRACTOR, EAST, SECURITY_CONTRACTOR, SITES, WEST
from server.db.demo.people import Workforce
from server.db.demo.rows import DemoRows, table_of
from server.db.demo.sizes import SizeProfile
from server.db.models import (
    Checkpoint,
    CheckpointWalk,
    LocationKind,
    Route,
    RouteCheckpoint,
    RouteSchedule,
)

_PATROLLED_KINDS = frozenset(
    {LocationKind.CORRIDOR, LocationKind.AREA, LocationKind.PLANT_ROOM, LocationKind.STORE}
)
_SECURITY_ROUNDS = ("Night Patrol", "Perimeter Patrol", "Plant Room Patrol", "Car Park Patrol")
_CLEANING_ROUNDS = ("Washroom Inspection Round", "Public Areas Round", "Entrance Round")
SCHEDULE_DAYS_BACK = 30  # the schedules are valid from this many days ago
TIMEZONE = "Europe/London"
# The demo guards scan each stop between these many minutes before it is due (nights.py),
# so two consecutive scans are at least the stops' due gap less 1.5 min apart; each
# walking time is kept a margin below that, so no demo walk reads as impossible travel.
SCAN_EARLY_MINUTES = (0.5, 2.0)
WALK_MARGIN_SECONDS = 30


def walk_seconds(drawn: int, due_gap_minutes: int) -> int:
    """The least walking time between two consecutive stops due `due_gap_minutes` apart:
    the drawn one, but never more than the quickest a demo guard walks between them.

    >>> walk_seconds(150, 3), walk_seconds(100, 8)
    (60, 100)
    """
    early, late = SCAN_EARLY_MINUTES
    quickest = due_gap_minutes * 60 - (late - early) * 60
    return min(drawn, int(quickest) - WALK_MARGIN_SECONDS)


@dataclass(frozen=True)
class DemoStop:
    checkpoint_id: uuid.UUID
    code: str
    qr_payload: str
    location_id: uuid.UUID
    due_within_minutes: int


@dataclass(frozen=True)
class DemoRoute:
    id: uuid.UUID
    name: str
    site_code: str
    site_id: uuid.UUID
    contractor_code: str
    contractor_id: uuid.UUID
    schedule_id: uuid.UUID
    valid_from: date
    stops: list[DemoStop]


@dataclass(frozen=True)
class ClockPoint:
    checkpoint_id: uuid.UUID
    site_id: uuid.UUID
    qr_payload: str


@dataclass
class DemoPatrols:
    routes: list[DemoRoute] = field(default_factory=list)
    clock_points: dict[str, ClockPoint] = field(default_factory=dict)  # by site code


def build_patrols(
    rows: DemoRows, profile: SizeProfile, rng: random.Random, campus: Campus, workforce: Workforce
) -> DemoPatrols:
    # Security rounds start on East Campus and cleaning rounds on West, so the small
    # hospital, with one route of each, has a round on both campuses.
    routes = [
        (SECURITY_CONTRACTOR, (EAST, WEST)[number % 2], number)
        for number in range(profile.security_routes)
    ] + [
        (CLEANING_CONTRACTOR, (WEST, EAST)[number % 2], number)
        for number in range(profile.cleaning_routes)
    ]
    route_count = len(routes)
    checkpoints_per_route = [
        profile.checkpoints // route_count + (1 if index < profile.checkpoints % route_count else 0)
        for index in range(route_count)
    ]
    site_names = {site.code: site.name for site in SITES}
    candidates = {
        site_code: [
            place
            for place in campus.places
            if place.site_code == site_code and place.kind in _PATROLLED_KINDS
        ]
        for site_code in site_names
    }
    checkpoint_numbers = dict.fromkeys(site_names, 0)
    nfc_uids: set[str] = set()
    patrols = DemoPatrols()
    valid_from = rows.now.date() - timedelta(days=SCHEDULE_DAYS_BACK)
    for site_code, places in candidates.items():
        lodge = places[0]
        payload = f"CP-{secrets.token_hex(8).upper()}"
        clock_point_id = rows.entity(
            Checkpoint,
            code=f"CP-{site_code}-LODGE",
            name=f"{site_names[site_code]} Security Lodge (clock point)",
            qr_payload=payload,
            nfc_uid=_nfc_uid(rng, nfc_uids),
            site_id=lodge.site_id,
            location_id=lodge.id,
            latitude=None,
            longitude=None,
            clock_point=True,
        )
        patrols.clock_points[site_code] = ClockPoint(clock_point_id, lodge.site_id, payload)
    for (contractor_code, site_code, number), stops in zip(
        routes, checkpoints_per_route, strict=True
    ):
        security = contractor_code == SECURITY_CONTRACTOR
        round_names = _SECURITY_ROUNDS if security else _CLEANING_ROUNDS
        round_name = round_names[number % len(round_names)]
        lap = number // len(round_names)
        route_name = f"{site_names[site_code]} {round_name}" + (f" {lap + 1}" if lap else "")
        route_id = rows.entity(
            Route,
            code=f"{'SEC' if security else 'CLN'}-{site_code}-{number + 1:02d}",
            name=route_name,
            site_id=campus.site_ids[site_code],
            contractor_id=workforce.contractor_ids[contractor_code],
        )
        places = candidates[site_code]
        chosen: list[Place] = (
            rng.sample(places, stops) if stops <= len(places) else rng.choices(places, k=stops)
        )
        due_within_minutes = 0
        demo_stops: list[DemoStop] = []
        for position, place in enumerate(chosen):
            checkpoint_numbers[site_code] += 1
            due_gap = rng.randint(3, 8)
            due_within_minutes += due_gap
            checkpoint_id = rows.entity(
                Checkpoint,
                code=f"CP-{site_code}-{checkpoint_numbers[site_code]:03d}",
                name=place.label[:120],
                # From `secrets`, like asset tags: a printed code must not be guessable
                # from the source, or a round could be "walked" without being there.
                qr_payload=f"CP-{secrets.token_hex(8).upper()}",
                nfc_uid=_nfc_uid(rng, nfc_uids) if rng.random() < 0.5 else None,
                site_id=place.site_id,
                location_id=place.id,
                latitude=None,
                longitude=None,
                clock_point=False,
            )
            rows.link(
                RouteCheckpoint,
                route_id=route_id,
                position=position,
                checkpoint_id=checkpoint_id,
                due_within_minutes=due_within_minutes,
            )
            if demo_stops:
                rows.link(
                    CheckpointWalk,
                    from_checkpoint_id=demo_stops[-1].checkpoint_id,
                    to_checkpoint_id=checkpoint_id,
                    min_seconds=walk_seconds(rng.randint(45, 150), due_gap),
                )
            demo_stops.append(
                DemoStop(
                    checkpoint_id,
                    f"CP-{site_code}-{checkpoint_numbers[site_code]:03d}",
                    rows.by_table[table_of(Checkpoint)][-1]["qr_payload"],
                    place.id,
                    due_within_minutes,
                )
            )
        schedule_id = rows.entity(
            RouteSchedule,
            route_id=route_id,
            first_start=time(20, 0),
            last_start=time(6, 0),
            every_minutes=120,
            weekdays="1234567",
            tolerance_minutes=15,
            valid_from=valid_from,
            valid_until=None,
        )
        patrols.routes.append(
            DemoRoute(
                route_id,
                route_name,
                site_code,
                campus.site_ids[site_code],
                contractor_code,
                workforce.contractor_ids[contractor_code],
                schedule_id,
                valid_from,
                demo_stops,
            )
        )
    return patrols


def _nfc_uid(rng: random.Random, taken: set[str]) -> str:
    """A 7-byte ISO 14443 UID as NXP tags carry it: manufacturer byte 04, then six bytes."""
    while True:
        uid = "04" + "".join(f"{rng.randrange(256):02X}" for _ in range(6))
        if uid not in taken:
            taken.add(uid)
            return uid
