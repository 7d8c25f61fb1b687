"""Patrol rounds: checkpoints at corridors and plant rooms, and the routes that order them."""

from __future__ import annotations

import random
import secrets
from datetime import time

from server.db.demo.campus import Campus, Place
from server.db.demo.names import CLEANING_CONTRACTOR, EAST, SECURITY_CONTRACTOR, SITES, WEST
from server.db.demo.people import Workforce
from server.db.demo.rows import DemoRows
from server.db.demo.sizes import SizeProfile
from server.db.models import Checkpoint, LocationKind, Route, RouteCheckpoint, RouteWindow

_PATROLLED_KINDS = frozenset(
    {LocationKind.CORRIDOR, LocationKind.AREA, LocationKind.PLANT_ROOM, LocationKind.STORE}
)
_SECURITY_ROUNDS = ("Night Patrol", "Perimeter Patrol", "Plant Room Patrol", "Car Park Patrol")
_CLEANING_ROUNDS = ("Washroom Inspection Round", "Public Areas Round", "Entrance Round")
_SECURITY_START_HOURS = (22, 2, 6, 14, 18)
_CLEANING_START_HOURS = (7, 11, 15, 19)


def build_patrols(
    rows: DemoRows, profile: SizeProfile, rng: random.Random, campus: Campus, workforce: Workforce
) -> None:
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
    for (contractor_code, site_code, number), stops in zip(
        routes, checkpoints_per_route, strict=True
    ):
        security = contractor_code == SECURITY_CONTRACTOR
        round_names = _SECURITY_ROUNDS if security else _CLEANING_ROUNDS
        round_name = round_names[number % len(round_names)]
        lap = number // len(round_names)
        route_id = rows.entity(
            Route,
            code=f"{'SEC' if security else 'CLN'}-{site_code}-{number + 1:02d}",
            name=f"{site_names[site_code]} {round_name}" + (f" {lap + 1}" if lap else ""),
            site_id=campus.site_ids[site_code],
            contractor_id=workforce.contractor_ids[contractor_code],
        )
        places = candidates[site_code]
        chosen: list[Place] = (
            rng.sample(places, stops) if stops <= len(places) else rng.choices(places, k=stops)
        )
        due_within_minutes = 0
        for position, place in enumerate(chosen):
            checkpoint_numbers[site_code] += 1
            due_within_minutes += rng.randint(3, 8)
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
            )
            rows.link(
                RouteCheckpoint,
                route_id=route_id,
                position=position,
                checkpoint_id=checkpoint_id,
                due_within_minutes=due_within_minutes,
            )
        start_hours = _SECURITY_START_HOURS if security else _CLEANING_START_HOURS
        for hour in sorted(rng.sample(start_hours, rng.randint(1, 3))):
            rows.entity(
                RouteWindow,
                route_id=route_id,
                starts_at=time(hour, 0),
                ends_at=time(hour + 1, 0) if security else time(hour, 30),
            )


def _nfc_uid(rng: random.Random, taken: set[str]) -> str:
    """A 7-byte ISO 14443 UID as NXP tags carry it: manufacturer byte 04, then six bytes."""
    while True:
        uid = "04" + "".join(f"{rng.randrange(256):02X}" for _ in range(6))
        if uid not in taken:
            taken.add(uid)
            return uid
