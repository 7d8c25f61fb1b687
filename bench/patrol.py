"""Patrol: a security contractor's month, verified and turned into an attendance sheet.

A scratch database is filled with Core inserts: the guards of one contractor, each with
a phone whose op stream is hash-chained (sync/chain.py), and for each night a clock-in,
rounds of checkpoint scans and a clock-out, every record carrying its op's hash, and a
planned night shift. One op is altered afterwards, so the report has a finding to show.

Rounds: the contractor's monthly verification report and attendance sheet, computed by
server/domain/patrol/reports.py for every guard (each on its own, and both from one month
load, `reports.contractor_month`). Baseline: the same report and sheet of a
second contractor with a tenth of the guards, times ten; a ratio near 1 means the month
scales linearly with the guards. The seconds of one plain SELECT of every row read are
printed beside it.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlmodel import col

from bench.common import Line, Stopwatch, engine_for, skipped
from server.db.models import (
    Building,
    Checkpoint,
    CheckpointScan,
    ClockEvent,
    Contractor,
    Device,
    Location,
    OpStream,
    PatrolRound,
    PlannedShift,
    Role,
    Route,
    Site,
    SyncOp,
    User,
    UserRole,
)
from server.db.models.base import new_id
from server.domain.accounts.actor import Actor
from server.domain.patrol import reports
from server.domain.patrol.verification import Thresholds
from sync.chain import op_hash
from tests.databases import PG_SERVER, pg_reachable, scratch_database

AIM = 0.8
MONTH = date(2026, 4, 1)  # 30 nights
ZONE = ZoneInfo("Asia/Shanghai")
NIGHTS, ROUNDS, SCANS = 30, 5, 6
NO_PASSWORD = "!"  # noqa: S105  (no password hashes to this: bench guards never sign in)
CHUNK = 5_000


@dataclass(frozen=True)
class Month:
    guards: int
    nights: int = NIGHTS

    @property
    def records(self) -> int:
        return self.guards * self.nights * (2 + ROUNDS * (1 + SCANS))

    @property
    def ops(self) -> int:
        return self.guards * self.nights * (2 + ROUNDS * (2 + SCANS))


@dataclass
class Place:
    site: uuid.UUID
    contractor: uuid.UUID
    route: uuid.UUID
    clock_point: uuid.UUID
    stops: list[uuid.UUID]


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


def _entity(**values: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {"id": new_id(), "created_at": now, "updated_at": now, "version": 1, **values}


async def _put(conn: AsyncConnection, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        await conn.execute(insert(_table(model)), rows[start : start + CHUNK])


async def _place(conn: AsyncConnection, code: str) -> Place:
    site = _entity(code=code, name="Bench campus", address="", timezone=str(ZONE))
    building = _entity(site_id=site["id"], code="B", name="Main")
    location = _entity(
        site_id=site["id"], building_id=building["id"], code="L", name="Hall", kind="area"
    )
    contractor = _entity(code=code, name=f"Bench Security {code}", service="security")
    points = [
        _entity(
            code=f"{code}-{n}",
            name=f"Point {n}",
            qr_payload=f"CP-{code}-{n}",
            site_id=site["id"],
            location_id=location["id"],
            latitude=31.2 + n * 0.0005,
            longitude=121.4,
            clock_point=n == 0,
        )
        for n in range(SCANS + 1)
    ]
    route = _entity(
        code=f"{code}-R",
        name="Night round",
        site_id=site["id"],
        contractor_id=contractor["id"],
        free_order=False,
    )
    for model, rows in (
        (Site, [site]),
        (Building, [building]),
        (Location, [location]),
        (Contractor, [contractor]),
        (Checkpoint, points),
        (Route, [route]),
    ):
        await _put(conn, model, rows)
    return Place(
        site["id"], contractor["id"], route["id"], points[0]["id"], [p["id"] for p in points[1:]]
    )


class Stream:
    """One guard's phone: ops chained by prev_hash, seq by seq."""

    def __init__(self, user: uuid.UUID, device: uuid.UUID) -> None:
        self.user, self.device, self.incarnation = user, device, uuid.uuid4()
        self.seq, self.last_hash = 0, ""
        self.ops: list[dict[str, Any]] = []

    def op(self, name: str, args: dict[str, Any], at: datetime) -> tuple[uuid.UUID, str]:
        self.seq += 1
        op_id = uuid.uuid4()
        stamp = at.isoformat().replace("+00:00", "Z")
        wire = {
            "op_id": str(op_id),
            "incarnation": str(self.incarnation),
            "seq": self.seq,
            "name": name,
            "v": 1,
            "args": args,
            "client_time": stamp,
            "hlc": f"{stamp}-0000-{self.device.hex[:8]}",
            "blobs": [],
            "prev_hash": self.last_hash,
        }
        digest = op_hash(wire)
        wire["op_hash"] = digest
        self.last_hash = digest
        self.ops.append(
            {
                "op_id": op_id,
                "device_id": self.device,
                "incarnation": self.incarnation,
                "seq": self.seq,
                "user_id": self.user,
                "name": name,
                "v": 1,
                "raw": json.dumps(wire, sort_keys=True),
                "op_hash": digest,
                "chain_ok": True,
                "client_time": stamp,
                "received_at": at + timedelta(minutes=10),
                "claimed_at": at,
                "status": "applied",
                "txid": 0,
                "last_change_id": 0,
            }
        )
        return op_id, digest


@dataclass
class Rows:
    scans: list[dict[str, Any]]
    clocks: list[dict[str, Any]]
    rounds: list[dict[str, Any]]
    plans: list[dict[str, Any]]
    ops: list[dict[str, Any]]


def _clock(stream: Stream, place: Place, kind: str, at: datetime) -> dict[str, Any]:
    event_id = new_id()
    args = {"event_id": str(event_id), "payload": "CP-BENCH-0", "method": "qr"}
    op_id, digest = stream.op(f"attendance.clock_{kind}", args, at)
    return _entity(
        id=event_id,
        user_id=stream.user,
        contractor_id=place.contractor,
        site_id=place.site,
        kind=kind,
        checkpoint_id=place.clock_point,
        payload="CP-BENCH-0",
        method="qr",
        manual_reason="",
        claimed_at=at,
        received_at=at + timedelta(minutes=10),
        device_id=stream.device,
        op_id=op_id,
        op_hash=digest,
    )


def _round(stream: Stream, place: Place, start: datetime, rows: Rows) -> None:
    round_id = new_id()
    start_op, start_hash = stream.op(
        "patrol.start_round", {"round_id": str(round_id), "route_id": str(place.route)}, start
    )
    for n, point in enumerate(place.stops, start=1):
        at = start + timedelta(minutes=3 * n)
        scan_id, payload = new_id(), f"CP-BENCH-{n}"
        args = {"scan_id": str(scan_id), "payload": payload, "method": "qr"}
        op_id, digest = stream.op("patrol.scan_checkpoint", args, at)
        rows.scans.append(
            _entity(
                id=scan_id,
                round_id=round_id,
                checkpoint_id=point,
                payload=payload,
                method="qr",
                manual_reason="",
                guard_id=stream.user,
                site_id=place.site,
                contractor_id=place.contractor,
                claimed_at=at,
                received_at=at + timedelta(minutes=10),
                device_id=stream.device,
                op_id=op_id,
                op_hash=digest,
                outcome="on_time",
            )
        )
    end = start + timedelta(minutes=3 * (SCANS + 1))
    _, end_hash = stream.op("patrol.end_round", {"round_id": str(round_id)}, end)
    rows.rounds.append(
        _entity(
            id=round_id,
            route_id=place.route,
            guard_id=stream.user,
            site_id=place.site,
            contractor_id=place.contractor,
            status="ended",
            started_at=start,
            ended_at=end,
            note="",
            device_id=stream.device,
            start_op_id=start_op,
            start_op_hash=start_hash,
            end_op_hash=end_hash,
        )
    )


def _guard_month(stream: Stream, place: Place, nights: int, rows: Rows) -> None:
    late = stream.seq % 7  # a few minutes late on some nights, never on others
    for night in range(nights):
        day = MONTH + timedelta(days=night)
        planned = datetime(day.year, day.month, day.day, 20, tzinfo=ZONE).astimezone(UTC)
        rows.plans.append(
            _entity(
                user_id=stream.user,
                contractor_id=place.contractor,
                site_id=place.site,
                day=day,
                starts_at=planned,
                ends_at=planned + timedelta(hours=10),
            )
        )
        rows.clocks.append(
            _clock(stream, place, "in", planned - timedelta(minutes=2) + timedelta(minutes=late))
        )
        for number in range(ROUNDS):
            _round(stream, place, planned + timedelta(minutes=30 + 120 * number), rows)
        rows.clocks.append(_clock(stream, place, "out", planned + timedelta(hours=10, minutes=2)))
    rows.ops += stream.ops


def _people(
    place: Place, guards: int, code: str
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    for n in range(guards):
        user = _entity(
            employee_no=f"{code}{n:05d}",
            name=f"Bench Guard {n}",
            password_hash=NO_PASSWORD,
            contractor_id=place.contractor,
            phone="",
            active=True,
        )
        device = _entity(user_id=user["id"], name="bench phone")
        yield user, device


async def fill(engine: AsyncEngine, month: Month, code: str) -> uuid.UUID:
    """A contractor's month; returns the contractor's id."""
    async with engine.begin() as conn:
        place = await _place(conn, code)
        people = list(_people(place, month.guards, code))
        await _put(conn, User, [user for user, _ in people])
        await _put(conn, UserRole, [{"user_id": u["id"], "role": "guard"} for u, _ in people])
        await _put(conn, Device, [device for _, device in people])
    for start in range(0, len(people), 50):  # a transaction per 50 guards keeps memory low
        rows = Rows([], [], [], [], [])
        streams = []
        for user, device in people[start : start + 50]:
            stream = Stream(user["id"], device["id"])
            _guard_month(stream, place, month.nights, rows)
            streams.append(stream)
        async with engine.begin() as conn:
            await _put(conn, SyncOp, rows.ops)
            await _put(conn, PatrolRound, rows.rounds)
            await _put(conn, CheckpointScan, rows.scans)
            await _put(conn, ClockEvent, rows.clocks)
            await _put(conn, PlannedShift, rows.plans)
            await _put(
                conn,
                OpStream,
                [
                    {
                        "device_id": s.device,
                        "incarnation": s.incarnation,
                        "last_seq": s.seq,
                        "last_hash": s.last_hash,
                        "updated_at": datetime.now(UTC),
                    }
                    for s in streams
                ],
            )
    async with engine.begin() as conn:  # one op edited in the database afterwards
        first = await conn.scalar(
            select(col(SyncOp.op_id)).where(
                col(SyncOp.seq) == 5, col(SyncOp.user_id) == people[0][0]["id"]
            )
        )
        raw = await conn.scalar(select(col(SyncOp.raw)).where(col(SyncOp.op_id) == first))
        await conn.execute(
            update(_table(SyncOp))
            .where(col(SyncOp.op_id) == first)
            .values(raw=str(raw).replace("CP-BENCH-", "CP-EDITED-"))
        )
    return place.contractor


def _desk() -> Actor:
    roles = frozenset({Role.ADMIN})
    return Actor(uuid.uuid4(), "BENCH", "Bench desk", roles, None, None, None, frozenset())


@dataclass(frozen=True)
class Timing:
    guards: int
    report: float
    sheet: float
    both: float  # the report and the sheet from one month load
    findings: int
    hours: float


async def _timed(engine: AsyncEngine, contractor: uuid.UUID) -> Timing:
    actor, watch = _desk(), Stopwatch()
    async with AsyncSession(engine, expire_on_commit=False) as session:
        watch.start()
        report = await reports.contractor_report(session, actor, contractor, MONTH, Thresholds())
        report_seconds = watch.stop()
        session.expunge_all()
        watch.start()
        sheet = await reports.attendance_sheet(session, actor, MONTH, contractor_id=contractor)
        sheet_seconds = watch.stop()
        session.expunge_all()
        watch.start()
        await reports.contractor_month(session, actor, contractor, MONTH, Thresholds())
        both_seconds = watch.stop()
    return Timing(
        len(report.guards),
        report_seconds,
        sheet_seconds,
        both_seconds,
        sum(report.counts.values()),
        sum(g.hours for g in sheet.guards),
    )


async def _plain_select(engine: AsyncEngine) -> float:
    watch = Stopwatch()
    watch.start()
    async with engine.connect() as conn:
        for model in (SyncOp, CheckpointScan, ClockEvent, PatrolRound, PlannedShift):
            result = await conn.execute(select(_table(model)))
            result.all()
    return watch.stop()


async def _measure(url: str, month: Month) -> tuple[Timing, Timing, float, float, int]:
    async with engine_for(url) as engine:
        watch = Stopwatch()
        watch.start()
        contractor = await fill(engine, month, "BENCHA")
        loaded = watch.stop()
        small = await fill(engine, Month(max(1, month.guards // 10), month.nights), "BENCHB")
        async with engine.connect() as conn:
            ops = int(await conn.scalar(select(func.count()).select_from(_table(SyncOp))) or 0)
        tenth = await _timed(engine, small)
        full = await _timed(engine, contractor)
        plain = await _plain_select(engine)
    return full, tenth, plain, loaded, ops


def run_backend(backend: str, month: Month, directory: Any) -> Line:
    directory.mkdir(parents=True)
    with scratch_database(backend, directory) as url:
        full, tenth, plain, loaded, ops = asyncio.run(_measure(url, month))
    rounds = full.report + full.sheet
    scale = month.guards / tenth.guards
    baseline = (tenth.report + tenth.sheet) * scale
    text = (
        f"patrol ({backend}): {month.guards} guards x {month.nights} nights "
        f"({month.records:,} records, {ops:,} ops, loaded in {loaded:.0f} s): "
        f"verification report {full.report:.1f} s ({full.findings} findings), attendance "
        f"sheet {full.sheet:.1f} s ({full.hours:,.0f} hours), both from one month load "
        f"{full.both:.1f} s; {tenth.guards} guards took "
        f"{tenth.report:.2f} s + {tenth.sheet:.2f} s (x{scale:g} = {baseline:.1f} s); "
        f"one plain SELECT of the same rows {plain:.1f} s"
    )
    print(text, flush=True)
    ratio = baseline / rounds if rounds > 0 else None
    return Line("patrol", backend, f"{rounds:.1f} s", f"{baseline:.1f} s", ratio, AIM, text)


def run(
    directory: Any, backends: list[str], *, quick: bool, guards: int | None = None
) -> list[Line]:
    month = Month(guards or (50 if quick else 500))
    lines = []
    for backend in backends:
        if backend == "postgresql" and not pg_reachable():
            reason = f"PostgreSQL at {PG_SERVER} is not reachable"
            line = skipped("patrol", backend, AIM, reason)
            print(line.text, flush=True)
            lines.append(line)
            continue
        lines.append(run_backend(backend, month, directory / backend))
    return lines
