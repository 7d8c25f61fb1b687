"""The guard's night round, made by the browser tests through the database.

`night_route` inserts, for the demo guard's contractor, a route of five checkpoints ending
at a sixth, the site's security lodge, which is a clock point (the guard clocks in and out
there). The rows go through the ORM with change capture installed, as the console's
writes do, so the phones hear of them like any other change.
"""

from __future__ import annotations

import asyncio
import secrets
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.demo import DEMO_PASSWORD
from server.db.engine import make_engine
from server.db.models import Checkpoint, Role, Route, RouteCheckpoint, User, UserRole, UserSite
from server.domain.accounts.passwords import hash_password
from server.domain.sync import capture
from server.settings import DatabaseSettings
from tests.e2e.browser import FieldServer

STOPS = 5


@dataclass(frozen=True)
class Stop:
    id: str
    name: str
    qr_payload: str


@dataclass(frozen=True)
class NightRoute:
    id: str
    code: str
    name: str
    stops: list[Stop]  # the five to scan, then the lodge
    clock_code: str


def in_own_loop(work: Any) -> Any:
    # Playwright's sync API keeps an event loop on this thread: the work runs on its own.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, work).result()


def query(server: FieldServer, sql: str, **params: Any) -> list[dict[str, Any]]:
    async def run() -> list[dict[str, Any]]:
        engine = make_engine(DatabaseSettings(url=server.env["ROUNDS_DATABASE_URL"]))
        try:
            async with engine.begin() as connection:
                result = await connection.execute(text(sql), params)
                return [dict(row._mapping) for row in result] if result.returns_rows else []
        finally:
            await engine.dispose()

    rows: list[dict[str, Any]] = in_own_loop(run())
    return rows


def night_route(server: FieldServer, employee_no: str = "G0001") -> NightRoute:
    """A new route of the guard's contractor at a site where it patrols: five stops at
    locations of the site, then a clock point."""
    place = query(
        server,
        "SELECT u.contractor_id, r.site_id FROM app_user u"
        " JOIN route r ON r.contractor_id = u.contractor_id"
        " WHERE u.employee_no = :e ORDER BY r.code LIMIT 1",
        e=employee_no,
    )[0]
    locations = query(
        server,
        "SELECT id FROM location WHERE site_id = :s ORDER BY code LIMIT :n",
        s=place["site_id"],
        n=STOPS + 1,
    )
    assert len(locations) == STOPS + 1, "the site has a location for every stop"
    site_id, contractor_id = (
        uuid.UUID(str(place["site_id"])),
        uuid.UUID(str(place["contractor_id"])),
    )
    tag = secrets.token_hex(3).upper()
    names = [f"Night stop {n} {tag}" for n in range(1, STOPS + 1)] + [f"Security lodge {tag}"]

    async def insert() -> NightRoute:
        capture.install()
        engine = make_engine(DatabaseSettings(url=server.env["ROUNDS_DATABASE_URL"]))
        try:
            async with AsyncSession(engine, expire_on_commit=False) as session:
                route = Route(
                    code=f"NR-{tag}",
                    name=f"Night round {tag}",
                    site_id=site_id,
                    contractor_id=contractor_id,
                )
                checkpoints = [
                    Checkpoint(
                        code=f"NR-{tag}-{number}",
                        name=name,
                        qr_payload=f"RNDS-NR-{secrets.token_hex(8).upper()}",
                        site_id=site_id,
                        location_id=uuid.UUID(str(location["id"])),
                        clock_point=number == STOPS,
                    )
                    for number, (name, location) in enumerate(zip(names, locations, strict=True))
                ]
                session.add(route)
                session.add_all(checkpoints)
                await session.flush()
                session.add_all(
                    RouteCheckpoint(
                        route_id=route.id,
                        position=position,
                        checkpoint_id=checkpoint.id,
                        due_within_minutes=5 * (position + 1),
                    )
                    for position, checkpoint in enumerate(checkpoints)
                )
                await session.commit()
                stops = [Stop(str(c.id), c.name, c.qr_payload) for c in checkpoints]
                lodge = checkpoints[-1].qr_payload
                return NightRoute(str(route.id), route.code, route.name, stops, lodge)
        finally:
            await engine.dispose()

    made: NightRoute = in_own_loop(insert())
    return made


def new_guard(server: FieldServer, like: str = "G0001") -> str:
    """A guard of the same contractor and sites as `like`, with no shift yet (a demo guard
    may be clocked in already: the demo's nights run up to the time the demo was loaded).
    Returns their employee number; the password is the demo's."""
    sql = "SELECT id, contractor_id FROM app_user WHERE employee_no = :e"
    model = query(server, sql, e=like)[0]
    sites = query(server, "SELECT site_id FROM user_site WHERE user_id = :u", u=model["id"])
    employee_no = f"GW{secrets.token_hex(3).upper()}"

    async def insert() -> None:
        engine = make_engine(DatabaseSettings(url=server.env["ROUNDS_DATABASE_URL"]))
        try:
            async with AsyncSession(engine) as session:
                guard = User(
                    employee_no=employee_no,
                    name=f"Night Guard {employee_no}",
                    password_hash=hash_password(DEMO_PASSWORD),
                    contractor_id=uuid.UUID(str(model["contractor_id"])),
                )
                session.add(guard)
                await session.flush()
                session.add(UserRole(user_id=guard.id, role=Role.GUARD))
                session.add_all(
                    UserSite(user_id=guard.id, site_id=uuid.UUID(str(site["site_id"])))
                    for site in sites
                )
                await session.commit()
        finally:
            await engine.dispose()

    in_own_loop(insert())
    return employee_no
