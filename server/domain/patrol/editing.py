"""Editing patrol master data from the desk: checkpoints, routes and their stops, schedules,
walking times between checkpoints and a site's time zone.

Every write goes through the request's unit of work, so change capture
(server/domain/sync/capture.py) tells the guards' phones. A refusal names the form's
field in error (`InvalidInput(field=...)`).
"""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    Checkpoint,
    CheckpointWalk,
    Contractor,
    Location,
    Route,
    RouteCheckpoint,
    RouteSchedule,
    Site,
)
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import (
    Permission,
    require,
    scope_checkpoints,
    scope_routes,
    scope_site_ids,
)
from server.domain.patrol import handover
from server.errors import InvalidInput, NotFound

CODE = re.compile(r"^[A-Z0-9][A-Z0-9_.-]{0,23}$")
HEX = re.compile(r"^[0-9A-F]+$")
WEEKDAYS = "1234567"


@dataclass(frozen=True)
class CheckpointInput:
    code: str
    name: str
    site_id: uuid.UUID | None
    location_id: uuid.UUID | None
    qr_payload: str = ""
    nfc_uid: str = ""
    clock_point: bool = False
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class RouteInput:
    code: str
    name: str
    site_id: uuid.UUID | None
    contractor_id: uuid.UUID | None
    free_order: bool = False


@dataclass(frozen=True)
class ScheduleInput:
    first_start: time
    last_start: time
    every_minutes: int
    weekdays: str
    tolerance_minutes: int
    valid_from: date
    valid_until: date | None = None


def new_qr_payload() -> str:
    """An unguessable payload: a printed code must not be derivable from anything known."""
    return f"CP-{secrets.token_hex(8).upper()}"


def normalise_nfc_uid(text: str) -> str | None:
    """A tag UID as the phone reads it: hex, upper case, no separators; None when blank.

    >>> normalise_nfc_uid("04:a1:b2 c3-d4e5f6")
    '04A1B2C3D4E5F6'
    """
    uid = re.sub(r"[\s:\-]", "", text).upper()
    if not uid:
        return None
    if not HEX.match(uid) or len(uid) % 2 or not 8 <= len(uid) <= 20:
        raise InvalidInput(
            "An NFC UID is 4, 7 or 10 bytes in hex (for example 04A1B2C3D4E5F6).", field="nfc_uid"
        )
    return uid


def _code(text: str) -> str:
    code = text.strip().upper()
    if not CODE.match(code):
        raise InvalidInput(
            "A code is 1 to 24 letters, digits, '-', '_' or '.', starting with a letter or digit.",
            field="code",
        )
    return code


def _name(text: str) -> str:
    name = text.strip()
    if not name or len(name) > 120:
        raise InvalidInput("Give a name of 1 to 120 characters.", field="name")
    return name


async def _site(session: AsyncSession, actor: Actor, site_id: uuid.UUID | None) -> Site:
    found = None
    if site_id is not None:
        found = await session.scalar(
            scope_site_ids(actor, Site.id, select(Site).where(col(Site.id) == site_id))
        )
    if found is None:
        raise InvalidInput("Choose a site in your scope.", field="site_id")
    return found


async def _taken(
    session: AsyncSession, column: object, value: object, own: uuid.UUID | None
) -> bool:
    stmt = select(col(Checkpoint.id)).where(col(column) == value)
    found = await session.scalar(stmt)
    return found is not None and found != own


async def load_checkpoint(
    session: AsyncSession, actor: Actor, checkpoint_id: uuid.UUID
) -> Checkpoint:
    stmt = scope_checkpoints(actor, select(Checkpoint).where(col(Checkpoint.id) == checkpoint_id))
    found = await session.scalar(stmt)
    if found is None:
        raise NotFound("No such checkpoint in your scope.", checkpoint_id=str(checkpoint_id))
    return found


async def load_route(session: AsyncSession, actor: Actor, route_id: uuid.UUID) -> Route:
    found = await session.scalar(
        scope_routes(actor, select(Route).where(col(Route.id) == route_id))
    )
    if found is None:
        raise NotFound("No such route in your scope.", route_id=str(route_id))
    return found


def _coordinates(data: CheckpointInput) -> tuple[float | None, float | None]:
    lat, lon = data.latitude, data.longitude
    if (lat is None) != (lon is None):
        raise InvalidInput("Give both latitude and longitude, or neither.", field="latitude")
    if lat is not None and not -90 <= lat <= 90:
        raise InvalidInput("Latitude runs from -90 to 90.", field="latitude")
    if lon is not None and not -180 <= lon <= 180:
        raise InvalidInput("Longitude runs from -180 to 180.", field="longitude")
    return lat, lon


async def save_checkpoint(
    session: AsyncSession, actor: Actor, checkpoint_id: uuid.UUID | None, data: CheckpointInput
) -> Checkpoint:
    """Create (`checkpoint_id` None) or edit a checkpoint. A blank QR payload on a new
    checkpoint is generated; on an existing one it keeps the printed payload."""
    require(actor, Permission.MANAGE_PATROL)
    row = await load_checkpoint(session, actor, checkpoint_id) if checkpoint_id else None
    code, name = _code(data.code), _name(data.name)
    site = await _site(session, actor, data.site_id)
    location = await session.get(Location, data.location_id) if data.location_id else None
    if location is None or location.site_id != site.id:
        raise InvalidInput("Choose a location on the checkpoint's site.", field="location_id")
    payload = data.qr_payload.strip() or (row.qr_payload if row else new_qr_payload())
    if len(payload) > 64:
        raise InvalidInput("A QR payload is at most 64 characters.", field="qr_payload")
    nfc_uid = normalise_nfc_uid(data.nfc_uid)
    latitude, longitude = _coordinates(data)
    own = row.id if row else None
    for field, column, value in (
        ("code", Checkpoint.code, code),
        ("qr_payload", Checkpoint.qr_payload, payload),
        ("nfc_uid", Checkpoint.nfc_uid, nfc_uid),
    ):
        if value is not None and await _taken(session, column, value, own):
            raise InvalidInput(f"Another checkpoint already has {value}.", field=field)
    row = row or Checkpoint(
        code=code, name=name, qr_payload=payload, site_id=site.id, location_id=location.id
    )
    row.code, row.name, row.qr_payload, row.nfc_uid = code, name, payload, nfc_uid
    row.site_id, row.location_id, row.clock_point = site.id, location.id, data.clock_point
    row.latitude, row.longitude = latitude, longitude
    session.add(row)
    await session.flush()
    return row


async def save_route(
    session: AsyncSession, actor: Actor, route_id: uuid.UUID | None, data: RouteInput
) -> Route:
    require(actor, Permission.MANAGE_PATROL)
    row = await load_route(session, actor, route_id) if route_id else None
    code, name = _code(data.code), _name(data.name)
    site = await _site(session, actor, data.site_id)
    contractor = await session.get(Contractor, data.contractor_id) if data.contractor_id else None
    if contractor is None:
        raise InvalidInput(
            "Choose the contractor whose guards walk this route.", field="contractor_id"
        )
    other = await session.scalar(select(col(Route.id)).where(col(Route.code) == code))
    if other is not None and other != (row.id if row else None):
        raise InvalidInput(f"Another route already has the code {code}.", field="code")
    if row is not None and row.site_id != site.id and await stops(session, row.id):
        raise InvalidInput(
            "Remove the stops before moving the route to another site.", field="site_id"
        )
    if row is not None and row.contractor_id != contractor.id:
        # Another contractor walks it from now on: its rounds to come go along, audited.
        await handover.record(session, actor, row, contractor.id)
    row = row or Route(code=code, name=name, site_id=site.id, contractor_id=contractor.id)
    row.code, row.name, row.site_id = code, name, site.id
    row.free_order = data.free_order
    session.add(row)
    await session.flush()
    return row


async def stops(session: AsyncSession, route_id: uuid.UUID) -> list[RouteCheckpoint]:
    found = await session.scalars(
        select(RouteCheckpoint)
        .where(col(RouteCheckpoint.route_id) == route_id)
        .order_by(col(RouteCheckpoint.position))
    )
    return list(found.all())


async def _rewrite_stops(
    session: AsyncSession, route: Route, wanted: list[tuple[uuid.UUID, int]]
) -> None:
    """The route's stops become `wanted` (checkpoint, due within), positions from 0."""
    for stop in await stops(session, route.id):
        await session.delete(stop)
    await session.flush()
    for position, (checkpoint_id, due) in enumerate(wanted):
        session.add(
            RouteCheckpoint(
                route_id=route.id,
                position=position,
                checkpoint_id=checkpoint_id,
                due_within_minutes=due,
            )
        )
    await session.flush()


def _due(minutes: int) -> int:
    if not 1 <= minutes <= 1440:
        raise InvalidInput("Due within runs from 1 to 1440 minutes.", field="due_within_minutes")
    return minutes


async def add_stop(
    session: AsyncSession,
    actor: Actor,
    route_id: uuid.UUID,
    checkpoint_id: uuid.UUID | None,
    due_within_minutes: int,
) -> None:
    require(actor, Permission.MANAGE_PATROL)
    route = await load_route(session, actor, route_id)
    checkpoint = await session.get(Checkpoint, checkpoint_id) if checkpoint_id else None
    if checkpoint is None or checkpoint.site_id != route.site_id:
        raise InvalidInput("Choose a checkpoint on the route's site.", field="checkpoint_id")
    current = await stops(session, route.id)
    if any(stop.checkpoint_id == checkpoint.id for stop in current):
        raise InvalidInput(
            f"{checkpoint.code} is already a stop on this route.", field="checkpoint_id"
        )
    session.add(
        RouteCheckpoint(
            route_id=route.id,
            position=len(current),
            checkpoint_id=checkpoint.id,
            due_within_minutes=_due(due_within_minutes),
        )
    )
    await session.flush()


async def remove_stop(
    session: AsyncSession, actor: Actor, route_id: uuid.UUID, position: int
) -> None:
    require(actor, Permission.MANAGE_PATROL)
    route = await load_route(session, actor, route_id)
    current = [(s.checkpoint_id, s.due_within_minutes) for s in await stops(session, route.id)]
    if not 0 <= position < len(current):
        raise NotFound("No such stop on this route.", position=position)
    del current[position]
    await _rewrite_stops(session, route, current)


async def move_stop(
    session: AsyncSession, actor: Actor, route_id: uuid.UUID, position: int, *, up: bool
) -> None:
    """Swap a stop with the one before (`up`) or after it; each keeps its due-within."""
    require(actor, Permission.MANAGE_PATROL)
    route = await load_route(session, actor, route_id)
    current = [(s.checkpoint_id, s.due_within_minutes) for s in await stops(session, route.id)]
    other = position - 1 if up else position + 1
    if not (0 <= position < len(current) and 0 <= other < len(current)):
        raise InvalidInput("This stop cannot move further.", field="position")
    (a, due_a), (b, due_b) = current[position], current[other]
    current[position], current[other] = (b, due_a), (a, due_b)
    await _rewrite_stops(session, route, current)


def _check_schedule(data: ScheduleInput) -> None:
    if not 5 <= data.every_minutes <= 1440:
        raise InvalidInput("A round every 5 to 1440 minutes.", field="every_minutes")
    if not 0 <= data.tolerance_minutes < data.every_minutes:
        raise InvalidInput(
            "The tolerance must be shorter than the interval between rounds, or two rounds "
            "would be due at once.",
            field="tolerance_minutes",
        )
    days = data.weekdays.strip()
    if not days or any(day not in WEEKDAYS for day in days) or len(set(days)) != len(days):
        raise InvalidInput("Choose at least one weekday, each once.", field="weekdays")
    if data.valid_until is not None and data.valid_until < data.valid_from:
        raise InvalidInput("The schedule cannot end before it starts.", field="valid_until")


async def save_schedule(
    session: AsyncSession,
    actor: Actor,
    route_id: uuid.UUID,
    schedule_id: uuid.UUID | None,
    data: ScheduleInput,
) -> RouteSchedule:
    require(actor, Permission.MANAGE_PATROL)
    route = await load_route(session, actor, route_id)
    _check_schedule(data)
    row = await session.get(RouteSchedule, schedule_id) if schedule_id else None
    if schedule_id and (row is None or row.route_id != route.id):
        raise NotFound("No such schedule on this route.", schedule_id=str(schedule_id))
    row = row or RouteSchedule(
        route_id=route.id,
        first_start=data.first_start,
        last_start=data.last_start,
        valid_from=data.valid_from,
    )
    row.first_start, row.last_start = data.first_start, data.last_start
    row.every_minutes, row.tolerance_minutes = data.every_minutes, data.tolerance_minutes
    row.weekdays = "".join(sorted(data.weekdays.strip()))
    row.valid_from, row.valid_until = data.valid_from, data.valid_until
    session.add(row)
    await session.flush()
    return row


async def delete_schedule(
    session: AsyncSession, actor: Actor, route_id: uuid.UUID, schedule_id: uuid.UUID
) -> None:
    require(actor, Permission.MANAGE_PATROL)
    route = await load_route(session, actor, route_id)
    row = await session.get(RouteSchedule, schedule_id)
    if row is None or row.route_id != route.id:
        raise NotFound("No such schedule on this route.", schedule_id=str(schedule_id))
    await session.delete(row)
    await session.flush()


async def set_walk(
    session: AsyncSession,
    actor: Actor,
    from_id: uuid.UUID | None,
    to_id: uuid.UUID | None,
    min_seconds: int,
) -> None:
    """The least walking time between two checkpoints (both ways); 0 removes it."""
    require(actor, Permission.MANAGE_PATROL)
    if from_id is None:
        raise InvalidInput("Choose where the walk starts.", field="from_checkpoint_id")
    if to_id is None or to_id == from_id:
        raise InvalidInput(
            "Choose another checkpoint where the walk ends.", field="to_checkpoint_id"
        )
    for field, checkpoint_id in (("from_checkpoint_id", from_id), ("to_checkpoint_id", to_id)):
        try:
            await load_checkpoint(session, actor, checkpoint_id)
        except NotFound:
            raise InvalidInput("Choose a checkpoint in your scope.", field=field) from None
    if not 0 <= min_seconds <= 7200:
        raise InvalidInput("A walk takes 0 to 7200 seconds.", field="min_seconds")
    pair = or_(
        (col(CheckpointWalk.from_checkpoint_id) == from_id)
        & (col(CheckpointWalk.to_checkpoint_id) == to_id),
        (col(CheckpointWalk.from_checkpoint_id) == to_id)
        & (col(CheckpointWalk.to_checkpoint_id) == from_id),
    )
    await session.execute(delete(CheckpointWalk).where(pair))
    if min_seconds:
        session.add(
            CheckpointWalk(
                from_checkpoint_id=from_id, to_checkpoint_id=to_id, min_seconds=min_seconds
            )
        )
    await session.flush()


def check_timezone(name: str) -> str:
    zone = name.strip()
    if zone not in available_timezones():
        raise InvalidInput(
            f"{zone or 'A blank'} is not an IANA time zone (e.g. Asia/Shanghai).", field="timezone"
        )
    try:
        ZoneInfo(zone)
    except ZoneInfoNotFoundError:
        raise InvalidInput(f"{zone} is not an IANA time zone.", field="timezone") from None
    return zone


async def set_site_timezone(
    session: AsyncSession, actor: Actor, site_id: uuid.UUID | None, name: str
) -> Site:
    """The site's schedules are local time there."""
    require(actor, Permission.MANAGE_PATROL)
    site = await _site(session, actor, site_id)
    site.timezone = check_timezone(name)
    session.add(site)
    await session.flush()
    return site
