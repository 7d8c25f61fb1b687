"""Rooms to clean of the test's own in the demo hospital (their tags and locations tagged
apart from every other test's), cleaned by a demo contractor or by a contractor made for
the test (whose month of records nothing else touches)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db import models as db
from server.db.types import utcnow
from server.domain.accounts.service import load_actor
from server.domain.cleaning.requests import cancel_task
from server.settings import Settings
from tests.integration.patrol.builders import in_session


@dataclass
class Ward:
    """Two rooms of a department on a site, each with a QR tag and an NFC tag."""

    tag: str
    contractor_id: uuid.UUID = field(default_factory=uuid.uuid4)
    site_id: uuid.UUID = field(default_factory=uuid.uuid4)
    timezone: str = "UTC"
    department_id: uuid.UUID = field(default_factory=uuid.uuid4)
    room_ids: list[uuid.UUID] = field(default_factory=list)
    location_ids: list[uuid.UUID] = field(default_factory=list)
    payloads: list[str] = field(default_factory=list)
    nfc_uids: list[str] = field(default_factory=list)
    schedule_ids: list[uuid.UUID] = field(default_factory=list)


async def _contractor(s: AsyncSession, code: str | None, tag: str) -> uuid.UUID:
    if code is not None:
        found = await s.scalar(select(col(db.Contractor.id)).where(col(db.Contractor.code) == code))
        assert found is not None
        return found
    company = db.Contractor(code=f"CL{tag}", name=f"Test Cleaning {tag}", service="cleaning")
    s.add(company)
    await s.flush()
    return company.id


def build_ward(
    settings: Settings,
    *,
    contractor: str | None = "BRIGHTWAY",
    site: str = "EAST",
    department: str = "ICU",
    daily_at: time | None = None,
) -> Ward:
    ward = Ward(uuid.uuid4().hex[:6].upper())

    async def build(s: AsyncSession) -> Ward:
        site_row = (await s.execute(select(db.Site).where(col(db.Site.code) == site))).scalar_one()
        ward.site_id, ward.timezone = site_row.id, site_row.timezone
        ward.contractor_id = await _contractor(s, contractor, ward.tag)
        dept = await s.scalar(select(db.Department).where(col(db.Department.code) == department))
        assert dept is not None
        ward.department_id = dept.id
        near = await s.scalar(
            select(db.Location).where(col(db.Location.site_id) == site_row.id).limit(1)
        )
        assert near is not None
        for number in range(2):
            location = db.Location(
                site_id=site_row.id,
                building_id=near.building_id,
                floor_id=near.floor_id,
                department_id=dept.id,
                code=f"C{ward.tag}{number}",
                name=f"Side room {number + 1} {ward.tag}",
                kind=db.LocationKind.ROOM,
            )
            s.add(location)
            await s.flush()
            room = db.CleaningRoom(
                location_id=location.id,
                site_id=site_row.id,
                contractor_id=ward.contractor_id,
                department_id=dept.id,
                name=location.name,
                qr_payload=f"RM-{ward.tag}-{number}",
                nfc_uid=f"05{ward.tag}{number:06X}",
            )
            s.add(room)
            await s.flush()
            ward.room_ids.append(room.id)
            ward.location_ids.append(location.id)
            ward.payloads.append(room.qr_payload)
            ward.nfc_uids.append(room.nfc_uid or "")
            if daily_at is not None:
                schedule = db.CleaningSchedule(
                    room_id=room.id,
                    first_start=daily_at,
                    last_start=daily_at,
                    every_minutes=1440,
                    due_within_minutes=120,
                    valid_from=date(2020, 1, 1),
                )
                s.add(schedule)
                await s.flush()
                ward.schedule_ids.append(schedule.id)
        return ward

    return in_session(settings, build)


def scan(payload: str, method: str = "qr", reason: str = "") -> dict[str, str]:
    return {"payload": payload, "method": method, "manual_reason": reason}


FULL_CHECKLIST = [
    {"item": item, "done": True}
    for item in (
        "curtains_changed",
        "high_touch",
        "bed_mattress",
        "equipment",
        "bathroom",
        "floor",
        "waste_linen",
    )
]


def cancel_as(settings: Settings, employee_no: str, task_id: str, reason: str) -> None:
    """The desk calls the task off, through the service the desk's board uses."""

    async def cancel(s: AsyncSession) -> None:
        user = await s.scalar(select(db.User).where(col(db.User.employee_no) == employee_no))
        assert user is not None
        actor = await load_actor(s, user.id)
        await cancel_task(s, actor, uuid.UUID(task_id), reason, utcnow())

    in_session(settings, cancel)
