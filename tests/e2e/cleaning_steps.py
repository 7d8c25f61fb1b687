"""A room of the demo cleaning contractor with its door tag, made by the browser tests
through the database (change capture installed, so phones hear of it like any change),
and a clean of it asked for by the ward and done by the cleaner (over HTTP)."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.engine import make_engine
from server.db.models import CleaningRoom, Location, LocationKind
from server.domain.sync import capture
from server.settings import DatabaseSettings
from tests.e2e.browser import FieldServer
from tests.e2e.patrol_steps import in_own_loop, query
from tests.phone import Phone


@dataclass(frozen=True)
class Room:
    id: str
    location_id: str
    name: str
    qr_payload: str


def ward_room(server: FieldServer, department: str = "ICU") -> Room:
    """A new side room of the department, cleaned by the demo cleaner's contractor."""
    place = query(
        server,
        "SELECT l.site_id, l.building_id, l.floor_id, l.department_id FROM location l"
        " JOIN department d ON d.id = l.department_id WHERE d.code = :d ORDER BY l.code LIMIT 1",
        d=department,
    )[0]
    contractor = query(server, "SELECT contractor_id FROM app_user WHERE employee_no = 'C0001'")
    tag = secrets.token_hex(3).upper()

    def as_uuid(value: object) -> uuid.UUID | None:
        return None if value is None else uuid.UUID(str(value))

    async def insert() -> Room:
        capture.install()
        engine = make_engine(DatabaseSettings(url=server.env["ROUNDS_DATABASE_URL"]))
        try:
            async with AsyncSession(engine, expire_on_commit=False) as session:
                location = Location(
                    site_id=uuid.UUID(str(place["site_id"])),
                    building_id=uuid.UUID(str(place["building_id"])),
                    floor_id=as_uuid(place["floor_id"]),
                    department_id=as_uuid(place["department_id"]),
                    code=f"SR-{tag}",
                    name=f"Side room {tag}",
                    kind=LocationKind.ROOM,
                )
                session.add(location)
                await session.flush()
                room = CleaningRoom(
                    location_id=location.id,
                    site_id=location.site_id,
                    contractor_id=uuid.UUID(str(contractor[0]["contractor_id"])),
                    department_id=location.department_id,
                    name=location.name,
                    qr_payload=f"RNDS-RM-{secrets.token_hex(8).upper()}",
                )
                session.add(room)
                await session.commit()
                return Room(str(room.id), str(location.id), room.name, room.qr_payload)
        finally:
            await engine.dispose()

    made: Room = in_own_loop(insert())
    return made


def finished_clean(server: FieldServer, room: Room) -> str:
    """A terminal clean of the room asked for by the ward and done by the cleaner."""
    task_id, record_id = str(uuid.uuid4()), str(uuid.uuid4())
    door = {"payload": room.qr_payload, "method": "qr"}
    with httpx.Client(base_url=server.base, timeout=30) as http:
        nurse = Phone(http, "R0001")
        asked = nurse.op(
            "cleaning.request_terminal",
            {"task_id": task_id, "location_id": room.location_id, "reason": "discharge"},
        )
        assert nurse.results([asked])[0]["status"] == "applied"
        cleaner = Phone(http, "C0001")
        start = cleaner.op(
            "cleaning.start", {"record_id": record_id, "task_id": task_id, "scan": door}
        )
        finish = cleaner.op(
            "cleaning.finish",
            {
                "record_id": record_id,
                "task_id": task_id,
                "scan": door,
                "product": "chlorine_nadcc",
            },
        )
        assert [r["status"] for r in cleaner.results([start, finish])] == ["applied", "applied"]
    return task_id
