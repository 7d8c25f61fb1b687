"""A month of cleaning for the demo cleaning contractor, as the ops would have stored it.

Clinical rooms of the first departments get a door tag and a routine schedule (07:00
daily, and 15:00 too in intensive care), and the last 30 days hold what their phones sent:
routine cleans (most on time, a few late, a few never done), terminal cleans the ICU's ward
staff asked for after discharges and isolations, spills, and the supervisor's audits (ATP
swabs and fluorescent markers), one in five asking for a re-clean. Every record keeps the
op that carried it, hash-chained per phone (server/db/demo/phones.py), so the cleaning
indicators quote real op hashes. Today's and tomorrow's routine tasks are made by the
server's own generator at the end of loading.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from server.db.demo.campus import Campus
from server.db.demo.equipment import Placement
from server.db.demo.names import CLEANING_CONTRACTOR
from server.db.demo.patrols import TIMEZONE
from server.db.demo.people import Workforce
from server.db.demo.phones import DemoPhone, chain, record
from server.db.demo.rows import DemoRows, Row
from server.db.demo.sizes import DemoSize
from server.db.models import (
    CleaningAudit,
    CleaningKind,
    CleaningRecord,
    CleaningRoom,
    CleaningSchedule,
    CleaningTask,
    Device,
    TaskStatus,
)
from server.domain.cleaning import expected
from server.domain.cleaning.audits import score_of
from server.domain.cleaning.terms import ATP_PASS_RLU, CHECKLISTS, SPILL_MINUTES, TERMINAL_MINUTES
from server.domain.patrol.schedule import expand_days

DAYS = 30
ROOMS = {DemoSize.SMALL: 4, DemoSize.HOSPITAL: 30, DemoSize.LARGE: 30}


@dataclass
class _Shift:
    rows: DemoRows
    rng: random.Random
    cleaner: DemoPhone
    ward: DemoPhone
    supervisor: DemoPhone
    contractor_id: uuid.UUID
    rooms: list[Row] = field(default_factory=list)
    done: list[tuple[Row, Row]] = field(default_factory=list)  # (task, record) cleaned


def _phone(rows: DemoRows, workforce: Workforce, number: str) -> DemoPhone:
    user_id = workforce.user_ids[number]
    device_id = rows.entity(Device, user_id=user_id, name=f"Demo cleaning phone {number}")
    return DemoPhone(user_id, device_id, uuid.uuid4())


def _rooms(shift: _Shift, campus: Campus, count: int) -> None:
    icu = campus.department_ids.get("ICU")
    clinical = [p for p in campus.places if p.placement == Placement.CLINICAL and p.department_id]
    clinical.sort(key=lambda p: (p.department_id != icu, p.label))
    for number, place in enumerate(clinical[:count], start=1):
        shift.rooms.append(
            record(
                shift.rows,
                CleaningRoom,
                location_id=place.id,
                site_id=place.site_id,
                contractor_id=shift.contractor_id,
                department_id=place.department_id,
                name=place.label[:120],
                qr_payload=f"RNDS-RM-{number:05d}",
                nfc_uid=f"05C1{number:06X}",
                risk="very_high" if place.department_id == icu else "high",
            )
        )


def _task(shift: _Shift, room: Row, kind: CleaningKind, start: datetime, due: datetime) -> Row:
    return record(
        shift.rows,
        CleaningTask,
        room_id=room["id"],
        location_id=room["location_id"],
        site_id=room["site_id"],
        contractor_id=shift.contractor_id,
        department_id=room["department_id"],
        kind=kind.value,
        status=TaskStatus.OPEN.value,
        window_start=start.astimezone(UTC),
        due_at=due.astimezone(UTC),
        reason="",
        note="",
        photos=[],
        request_op_hash="",
        cancel_reason="",
        # A bulk insert takes every row with the same columns.
        schedule_id=None,
        requested_by_id=None,
        reclean_of_audit_id=None,
        record_id=None,
        cleaner_id=None,
        started_at=None,
        finished_at=None,
        cancelled_by_id=None,
        cancelled_at=None,
    )


def _clean(shift: _Shift, task: Row, started: datetime, minutes: int, product: str) -> None:
    """The cleaner's start and finish ops on the task, and the record they made."""
    started = started.astimezone(UTC)
    finished = started + timedelta(minutes=minutes)
    kind = CleaningKind(task["kind"])
    scan = {"payload": _payload(shift, task), "method": "qr", "manual_reason": ""}
    checklist = [{"item": item, "done": True} for item in CHECKLISTS[kind]]
    clean = record(
        shift.rows,
        CleaningRecord,
        task_id=task["id"],
        room_id=task["room_id"],
        site_id=task["site_id"],
        contractor_id=shift.contractor_id,
        cleaner_id=shift.cleaner.user_id,
        start_payload=scan["payload"],
        start_method="qr",
        start_reason="",
        started_at=started,
        end_payload=scan["payload"],
        end_method="qr",
        end_reason="",
        end_room_mismatch=False,
        finished_at=finished,
        duration_seconds=minutes * 60,
        product=product,
        concentration_ppm=1000 if product == "chlorine_nadcc" else None,
        quantity_ml=shift.rng.choice((250, 500, 750)),
        checklist=checklist,
        photos=[],
        kept_late=False,
        start_op_hash="",
        finish_op_hash="",
        clock_flag=None,
        device_id=shift.cleaner.device_id,
    )
    task.update(
        status=TaskStatus.DONE.value,
        record_id=clean["id"],
        cleaner_id=shift.cleaner.user_id,
        started_at=started,
        finished_at=finished,
    )
    ids = {"record_id": str(clean["id"]), "task_id": str(task["id"])}
    shift.cleaner.op(started, "cleaning.start", {**ids, "scan": scan}, (clean, "clean_start"))
    finish = {**ids, "scan": scan, "product": product, "checklist": checklist, "photos": []}
    shift.cleaner.op(finished, "cleaning.finish", finish, (clean, "clean_finish"))
    shift.done.append((task, clean))


def _payload(shift: _Shift, task: Row) -> str:
    return str(next(room["qr_payload"] for room in shift.rooms if room["id"] == task["room_id"]))


def _routine(shift: _Shift, first_day: date, now: datetime) -> None:
    zone = TIMEZONE
    days = [first_day + timedelta(days=n) for n in range(DAYS + 1)]
    for room in shift.rooms:
        twice = room["risk"] == "very_high"
        schedule = record(
            shift.rows,
            CleaningSchedule,
            room_id=room["id"],
            first_start=time(7),
            last_start=time(15) if twice else time(7),
            every_minutes=480 if twice else 1440,
            weekdays="1234567",
            due_within_minutes=120 if twice else 180,
            valid_from=first_day,
        )
        series = expected.series_of(CleaningSchedule(**_schedule_fields(schedule)))
        for window in expand_days(series, zone, days):
            if window.end > now - timedelta(hours=1):
                continue  # today's open cleans come from the generator
            task = _task(shift, room, CleaningKind.ROUTINE, window.start, window.end)
            task["id"] = expected.routine_task_id(schedule["id"], window.start)
            task["schedule_id"] = schedule["id"]
            chance = shift.rng.random()
            if chance < 0.05:
                continue  # never done: overdue on the board, late in the indicators
            late = chance < 0.12
            span = (window.end - window.start).total_seconds() / 60
            offset = span + shift.rng.randint(5, 40) if late else shift.rng.uniform(0, span - 40)
            started = window.start + timedelta(minutes=offset)
            _clean(shift, task, started, shift.rng.randint(15, 30), "detergent")


def _schedule_fields(row: Row) -> dict[str, Any]:
    keys = ("room_id", "first_start", "last_start", "every_minutes", "weekdays")
    values = {key: row[key] for key in keys}
    return {
        **values,
        "due_within_minutes": row["due_within_minutes"],
        "valid_from": row["valid_from"],
        "id": row["id"],
    }


def _requested(shift: _Shift, first_day: date, now: datetime) -> None:
    """A terminal clean every other day on an intensive-care room, a spill every four."""
    zone = ZoneInfo(TIMEZONE)
    icu_rooms = [room for room in shift.rooms if room["risk"] == "very_high"] or shift.rooms
    for n in range(0, DAYS, 2):
        asked = datetime.combine(first_day + timedelta(days=n), time(11, 20), zone)
        reason = "isolation" if n % 6 == 0 else "discharge"
        room = icu_rooms[n % len(icu_rooms)]
        minutes = TERMINAL_MINUTES[reason]
        task = _task(shift, room, CleaningKind.TERMINAL, asked, asked + timedelta(minutes=minutes))
        task.update(reason=reason, requested_by_id=shift.ward.user_id)
        args = {
            "task_id": str(task["id"]),
            "location_id": str(room["location_id"]),
            "reason": reason,
        }
        shift.ward.op(asked, "cleaning.request_terminal", args, (task, "request"))
        late = n % 10 == 8  # one in five finished past its deadline
        start = asked + timedelta(minutes=minutes - 20 if late else shift.rng.randint(10, 40))
        _clean(shift, task, start, 45, "chlorine_nadcc")
    for n in range(1, DAYS, 4):
        seen = datetime.combine(first_day + timedelta(days=n), time(14, 5), zone)
        room = shift.rooms[(n * 3) % len(shift.rooms)]
        task = _task(shift, room, CleaningKind.SPILL, seen, seen + timedelta(minutes=SPILL_MINUTES))
        task.update(reason="spill", requested_by_id=shift.cleaner.user_id, note="Spill by the bed")
        args = {
            "task_id": str(task["id"]),
            "location_id": str(room["location_id"]),
            "note": task["note"],
        }
        shift.cleaner.op(seen, "cleaning.report_spill", args, (task, "request"))
        _clean(
            shift, task, seen + timedelta(minutes=shift.rng.randint(5, 15)), 12, "chlorine_nadcc"
        )


def _audits(shift: _Shift) -> None:
    """Two audits a week of cleans done, by the supervisor; one in five fails its swabs."""
    cleaned = sorted(shift.done, key=lambda pair: pair[1]["finished_at"])
    step = max(1, len(cleaned) // (DAYS * 2 // 7))
    for index, (task, clean) in enumerate(cleaned[::step]):
        failing = index % 5 == 4
        items: list[dict[str, Any]] = [
            {"item": "bed_rail", "method": "atp", "rlu": 480 if failing else 90},
            {"item": "call_bell", "method": "atp", "rlu": shift.rng.randint(40, ATP_PASS_RLU)},
            {"item": "locker_top", "method": "marker", "passed": not failing},
            {"item": "floor", "method": "visual", "passed": True},
        ]
        judged = [{**item, "passed": _passed(item), "rlu": item.get("rlu")} for item in items]
        at = clean["finished_at"] + timedelta(minutes=shift.rng.randint(20, 90))
        audit = record(
            shift.rows,
            CleaningAudit,
            task_id=task["id"],
            room_id=task["room_id"],
            site_id=task["site_id"],
            contractor_id=shift.contractor_id,
            auditor_id=shift.supervisor.user_id,
            kind="infection_control" if index % 2 else "supervisor",
            items=judged,
            score=score_of(judged),
            note="",
            audited_at=at,
            op_hash="",
            reclean_task_id=None,
        )
        args: dict[str, Any] = {
            "audit_id": str(audit["id"]),
            "task_id": str(task["id"]),
            "kind": audit["kind"],
            "items": items,
        }
        if failing:
            again = _task(
                shift, _room(shift, task), CleaningKind(task["kind"]), at, at + timedelta(hours=1)
            )
            again.update(
                reason="reclean",
                reclean_of_audit_id=audit["id"],
                requested_by_id=shift.supervisor.user_id,
            )
            audit["reclean_task_id"] = again["id"]
            args["reclean_task_id"] = str(again["id"])
            _clean(shift, again, at + timedelta(minutes=25), 20, "chlorine_nadcc")
        shift.supervisor.op(at, "cleaning.audit", args, (audit, "audit"))


def _passed(item: dict[str, Any]) -> bool:
    if item["method"] == "atp":
        return bool(item["rlu"] <= ATP_PASS_RLU)
    return bool(item["passed"])


def _room(shift: _Shift, task: Row) -> Row:
    return next(room for room in shift.rooms if room["id"] == task["room_id"])


def build_cleaning(
    rows: DemoRows, size: DemoSize, rng: random.Random, campus: Campus, workforce: Workforce
) -> None:
    shift = _Shift(
        rows,
        rng,
        _phone(rows, workforce, "C0001"),
        _phone(rows, workforce, "R0001"),
        _phone(rows, workforce, "S0001"),
        workforce.contractor_ids[CLEANING_CONTRACTOR],
    )
    _rooms(shift, campus, ROOMS[size])
    if not shift.rooms:
        return
    today = rows.now.astimezone(ZoneInfo(TIMEZONE)).date()
    first_day = today - timedelta(days=DAYS)
    _routine(shift, first_day, rows.now)
    _requested(shift, first_day, rows.now - timedelta(hours=3))
    _audits(shift)
    for phone in (shift.cleaner, shift.ward, shift.supervisor):
        chain(rows, rng, phone)


async def finish_cleaning(session: AsyncSession, now: datetime) -> None:
    """Today's and tomorrow's routine cleans, made as the recurring job would."""
    await expected.generate(session, now)
