"""The monthly verification report, the printed statement and its check, the attendance
sheet: per guard and per contractor, for the guards the caller may see."""

from __future__ import annotations

import re
import uuid
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    CheckpointScan,
    ClockEvent,
    Contractor,
    Incident,
    PatrolRound,
    SyncOp,
    User,
)
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import scope_patrol_people
from server.domain.patrol import attendance as att
from server.domain.patrol import verification as v
from server.domain.patrol.month_records import (
    MonthRecords,
    PlannedRow,
    contractor_zone,
    load_month,
    stored_op,
    visible_contractor,
    visible_guard,
)

HASH = re.compile(r"\b[0-9a-f]{64}\b")
STAMP = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(?::\d\d)?(?:[+-]\d\d:?\d\d|Z)?")


class FindingOut(msgspec.Struct):
    kind: str
    message: str
    record_ids: list[str]
    op_hashes: list[str]
    at: datetime | None
    device_id: str


class GuardReport(msgspec.Struct):
    guard_id: uuid.UUID
    employee_no: str
    name: str
    month: str
    time_zone: str
    records: int
    ops: int
    counts: dict[str, int]  # findings by kind
    findings: list[FindingOut]


class ContractorReport(msgspec.Struct):
    contractor_id: uuid.UUID
    contractor: str
    month: str
    time_zone: str
    records: int
    ops: int
    counts: dict[str, int]
    guards: list[GuardReport]


class StatementLine(msgspec.Struct):
    kind: str
    record_id: uuid.UUID
    at: datetime
    local_time: str
    detail: str
    op_hash: str


class Statement(msgspec.Struct):
    guard_id: uuid.UUID
    employee_no: str
    name: str
    month: str
    time_zone: str
    lines: list[StatementLine]


class CheckLine(msgspec.Struct):
    op_hash: str
    at: datetime | None = None


class CheckRequest(msgspec.Struct):
    lines: list[CheckLine] = msgspec.field(default_factory=list)
    text: str = ""  # a statement's lines as printed (one hash per line, optionally a time)


class CheckResult(msgspec.Struct):
    op_hash: str
    status: str  # match | altered | unknown
    message: str
    kind: str = ""
    record_id: uuid.UUID | None = None
    guard_id: uuid.UUID | None = None
    at: datetime | None = None


def _out(finding: v.Finding) -> FindingOut:
    return FindingOut(
        finding.kind,
        finding.message,
        list(finding.record_ids),
        list(finding.op_hashes),
        finding.at,
        finding.device_id,
    )


def guard_findings(
    month: MonthRecords, guard_id: uuid.UUID, thresholds: v.Thresholds
) -> tuple[list[v.Finding], int]:
    """Every finding about one guard's month, and how many of the month's ops are theirs."""
    records = month.records.get(guard_id, [])
    mine = month.ops_by_user.get(guard_id, [])
    findings: list[v.Finding] = []
    by_device: dict[uuid.UUID, list[list[v.StoredOp]]] = {}
    keys = month.streams_by_user.get(guard_id, [])
    for key in keys:
        ops = month.streams[key]
        findings += v.chain_findings(ops, month.tails.get(key), month.first_seq.get(key, 1))
        by_device.setdefault(key[0], []).append(ops)
    findings += v.restart_findings(by_device)
    in_month = [op for op in mine if op.claimed_at and month.start <= op.claimed_at < month.end]
    findings += v.clock_findings(in_month, thresholds)
    shifts = [v.Shift(p.starts_at, p.ends_at) for p in month.planned.get(guard_id, [])]
    clock_ins = [r for r in records if r.kind == "clock_in"]
    views = {key: month.view(key) for key in keys}
    late_ins = v.clock_in_findings(
        clock_ins, month.ops, views, shifts, month.records_by_op, thresholds
    )
    flagged = {r.op_id for r in clock_ins if any(str(r.id) == f.record_ids[0] for f in late_ins)}
    findings += late_ins
    judged: dict[tuple[uuid.UUID, uuid.UUID], list[v.StoredOp]] = {}
    for op in in_month:  # a clock-in already found backdated for its shift is not found twice
        if op.op_id not in flagged:
            judged.setdefault((op.device_id, op.incarnation), []).append(op)
    for key, ops in judged.items():
        findings += v.backdated_findings(month.view(key), ops, month.records_by_op, thresholds)
    scans = [r for r in records if r.kind == "scan"]
    findings += v.travel_findings(scans, month.geography, thresholds)
    findings += v.burst_findings(scans, thresholds)
    findings += v.manual_findings(records)
    findings += v.record_findings(records, month.ops)
    return findings, len(in_month)


def _guard_report(
    month: MonthRecords, guard: User, label: str, thresholds: v.Thresholds
) -> GuardReport:
    findings, ops = guard_findings(month, guard.id, thresholds)
    return GuardReport(
        guard.id,
        guard.employee_no,
        guard.name,
        label,
        str(month.zone),
        len(month.records.get(guard.id, [])),
        ops,
        dict(Counter(f.kind for f in findings)),
        [_out(f) for f in sorted(findings, key=lambda f: (f.at is None, f.at or month.start))],
    )


async def guard_report(
    session: AsyncSession, actor: Actor, guard_id: uuid.UUID, month: date, thresholds: v.Thresholds
) -> GuardReport:
    guard = await visible_guard(session, actor, guard_id)
    zone = await contractor_zone(session, guard.contractor_id)
    loaded = await load_month(session, [guard], month, zone)
    return _guard_report(loaded, guard, month.strftime("%Y-%m"), thresholds)


async def contractor_report(
    session: AsyncSession,
    actor: Actor,
    contractor_id: uuid.UUID,
    month: date,
    thresholds: v.Thresholds,
) -> ContractorReport:
    contractor, people = await visible_contractor(session, actor, contractor_id)
    zone = await contractor_zone(session, contractor_id)
    loaded = await load_month(session, people, month, zone)
    return _contractor_report(contractor, loaded, month, thresholds)


def _contractor_report(
    contractor: Contractor, loaded: MonthRecords, month: date, thresholds: v.Thresholds
) -> ContractorReport:
    label, people = month.strftime("%Y-%m"), loaded.guards
    guards = [_guard_report(loaded, person, label, thresholds) for person in people]
    counts: Counter[str] = Counter()
    for report in guards:
        counts.update(report.counts)
    return ContractorReport(
        contractor.id,
        contractor.name,
        label,
        str(loaded.zone),
        sum(g.records for g in guards),
        sum(g.ops for g in guards),
        dict(counts),
        guards,
    )


def _detail(record: v.Record) -> str:
    parts = [record.payload or record.detail]
    if record.method == "manual":
        parts.append(f"manual: {record.manual_reason}")
    return " · ".join(part for part in parts if part)


async def statement(
    session: AsyncSession, actor: Actor, guard_id: uuid.UUID, month: date
) -> Statement:
    guard = await visible_guard(session, actor, guard_id)
    zone = await contractor_zone(session, guard.contractor_id)
    loaded = await load_month(session, [guard], month, zone)
    lines = [
        StatementLine(
            r.kind,
            r.id,
            r.at,
            r.at.astimezone(zone).isoformat(sep=" ", timespec="seconds"),  # with its offset
            _detail(r),
            r.op_hash,
        )
        for r in loaded.records.get(guard.id, [])
    ]
    return Statement(
        guard.id, guard.employee_no, guard.name, month.strftime("%Y-%m"), str(zone), lines
    )


def parse_statement_text(text: str) -> list[CheckLine]:
    """Each line holding a hash is one record; a time on the line (as printed, in UTC when
    it names no offset) is checked too."""
    found: list[CheckLine] = []
    for line in text.splitlines():
        digest = HASH.search(line.lower())
        if digest is None:
            continue
        stamp = STAMP.search(line)
        at = None
        if stamp is not None:
            try:
                at = datetime.fromisoformat(stamp.group(0).replace("Z", "+00:00"))
            except ValueError:
                at = None
        found.append(CheckLine(digest.group(0), at))
    return found


_RECORD_TABLES: tuple[tuple[str, Any, str], ...] = (
    ("scan", CheckpointScan, "guard_id"),
    ("clock", ClockEvent, "user_id"),
    ("incident", Incident, "reported_by_id"),
)


async def _records_by_hash(
    session: AsyncSession, visible: Any, hashes: list[str]
) -> dict[str, v.Record]:
    found: dict[str, v.Record] = {}
    for kind, model, owner in _RECORD_TABLES:
        rows = await session.scalars(
            select(model).where(
                col(model.op_hash).in_(hashes), col(getattr(model, owner)).in_(visible)
            )
        )
        for row in rows:
            record_kind = f"clock_{row.kind.value}" if kind == "clock" else kind
            at = row.occurred_at if kind == "incident" else row.claimed_at
            found[row.op_hash] = v.Record(
                record_kind,
                row.id,
                getattr(row, owner),
                at,
                row.op_id,
                row.op_hash,
                payload=getattr(row, "payload", ""),
            )
    for walk in await session.scalars(
        select(PatrolRound)
        .where(col(PatrolRound.guard_id).in_(visible))
        .where(
            (col(PatrolRound.start_op_hash).in_(hashes))
            | (col(PatrolRound.end_op_hash).in_(hashes))
        )
    ):
        found[walk.start_op_hash] = v.Record(
            "round_start",
            walk.id,
            walk.guard_id,
            walk.started_at,
            walk.start_op_id,
            walk.start_op_hash,
        )
        if walk.ended_at is not None and walk.end_op_hash:
            found[walk.end_op_hash] = v.Record(
                "round_end", walk.id, walk.guard_id, walk.ended_at, None, walk.end_op_hash
            )
    return found


async def check_statement(
    session: AsyncSession, actor: Actor, lines: list[CheckLine]
) -> list[CheckResult]:
    """For each printed hash: `match` (a record of a guard the caller may see carries it,
    its op still hashes to it and agrees with it, and the printed time is the record's),
    `altered` (the hash is on file but the op or record no longer says what it said), or
    `unknown` (no record or op the caller may see carries it)."""
    hashes = sorted({line.op_hash.lower() for line in lines})
    visible = scope_patrol_people(actor, select(col(User.id)))
    ops = {
        row.op_hash: row
        for row in await session.scalars(
            select(SyncOp).where(col(SyncOp.op_hash).in_(hashes), col(SyncOp.user_id).in_(visible))
        )
    }
    records = await _records_by_hash(session, visible, hashes)
    op_ids = [r.op_id for r in records.values() if r.op_id is not None]
    by_id = {
        row.op_id: row
        for row in await session.scalars(select(SyncOp).where(col(SyncOp.op_id).in_(op_ids)))
    }
    return [_judge(line, ops, records, by_id) for line in lines]


def _judge(
    line: CheckLine,
    ops: dict[str, SyncOp],
    records: dict[str, v.Record],
    by_id: dict[uuid.UUID, SyncOp],
) -> CheckResult:
    digest = line.op_hash.lower()
    record = records.get(digest)
    op = ops.get(digest) or (by_id.get(record.op_id) if record and record.op_id else None)
    if record is None and op is None:
        return CheckResult(digest, "unknown", "No record or op on file carries this hash.")

    def answer(status: str, message: str) -> CheckResult:
        return CheckResult(
            digest,
            status,
            message,
            kind=record.kind if record else op.name if op else "",
            record_id=record.id if record else None,
            guard_id=record.guard_id if record else (op.user_id if op else None),
            at=record.at if record else (op.claimed_at if op else None),
        )

    if op is None:
        return answer("altered", "The op that carried this record is gone.")
    if v.recomputed_hash(op.raw) != digest:
        return answer("altered", "The stored op no longer hashes to this value.")
    if record is not None and v.record_findings([record], {op.op_id: _as_stored(op)}):
        return answer("altered", "The record no longer agrees with its op.")
    shown = record.at if record else op.claimed_at
    if line.at is not None and shown is not None:
        printed = line.at if line.at.tzinfo else line.at.replace(tzinfo=shown.tzinfo)
        if abs(printed - shown) >= timedelta(seconds=1):
            return answer("altered", "The printed time is not the record's time.")
    return answer("match", "Matches the record on file.")


def _as_stored(row: SyncOp) -> v.StoredOp:
    return stored_op(row)


class SheetLineOut(msgspec.Struct):
    day: str
    planned_start: datetime | None
    planned_end: datetime | None
    clock_in: datetime | None
    clock_out: datetime | None
    hours: float
    late_minutes: int
    early_minutes: int
    flags: list[str]


class GuardSheet(msgspec.Struct):
    guard_id: uuid.UUID
    employee_no: str
    name: str
    planned: int
    worked: int
    hours: float
    late_starts: int
    early_leaves: int
    missing_clock_outs: int
    absences: int
    flagged: int
    lines: list[SheetLineOut]


class AttendanceSheet(msgspec.Struct):
    contractor_id: uuid.UUID | None
    contractor: str
    month: str
    time_zone: str
    guards: list[GuardSheet]


def _sheet(guard: User, month: MonthRecords, planned: list[PlannedRow]) -> GuardSheet:
    events = [
        att.ClockRow(
            r.id,
            r.kind.removeprefix("clock_"),
            r.at,
            r.checkpoint_id,
            r.method,
            r.manual_reason,
            r.op_hash,
        )
        for r in _month_shift_clocks(month, guard.id)
    ]
    day_of = {e.id: e.at.astimezone(month.zone).date().isoformat() for e in events}
    plans = [att.Planned(p.day.isoformat(), p.starts_at, p.ends_at) for p in planned]
    lines = att.sheet_lines(att.pair_shifts(events), plans, day_of)
    sums = att.totals(lines)
    return GuardSheet(
        guard.id,
        guard.employee_no,
        guard.name,
        sums.planned,
        sums.worked,
        sums.hours,
        sums.late_starts,
        sums.early_leaves,
        sums.missing_clock_outs,
        sums.absences,
        sums.flagged,
        [
            SheetLineOut(
                line.day,
                line.planned.start if line.planned else None,
                line.planned.end if line.planned else None,
                line.shift.clock_in.at if line.shift and line.shift.clock_in else None,
                line.shift.clock_out.at if line.shift and line.shift.clock_out else None,
                round(line.hours, 2),
                line.late_minutes,
                line.early_minutes,
                line.flags,
            )
            for line in lines
        ],
    )


async def attendance_sheet(
    session: AsyncSession,
    actor: Actor,
    month: date,
    *,
    contractor_id: uuid.UUID | None = None,
    guard_id: uuid.UUID | None = None,
) -> AttendanceSheet:
    """The month's sheet of one contractor's guards, or of one guard. A shift belongs to
    the month its planned day (or its clock-in) falls in; its clock-out may be the next
    morning, so clock events are read a day past the month's end."""
    if guard_id is not None:
        guard = await visible_guard(session, actor, guard_id)
        people, name, contractor_id = [guard], guard.name, guard.contractor_id
    else:
        assert contractor_id is not None
        contractor, people = await visible_contractor(session, actor, contractor_id)
        name = contractor.name
    zone = await contractor_zone(session, contractor_id)
    loaded = await load_month(session, people, month, zone)
    return _attendance(contractor_id, name, loaded, month)


def _attendance(
    contractor_id: uuid.UUID | None, name: str, loaded: MonthRecords, month: date
) -> AttendanceSheet:
    return AttendanceSheet(
        contractor_id,
        name,
        month.strftime("%Y-%m"),
        str(loaded.zone),
        [_sheet(person, loaded, loaded.planned.get(person.id, [])) for person in loaded.guards],
    )


async def contractor_month(
    session: AsyncSession,
    actor: Actor,
    contractor_id: uuid.UUID,
    month: date,
    thresholds: v.Thresholds,
) -> tuple[ContractorReport, AttendanceSheet]:
    """The contractor's verification report and attendance sheet from one month load."""
    contractor, people = await visible_contractor(session, actor, contractor_id)
    zone = await contractor_zone(session, contractor_id)
    loaded = await load_month(session, people, month, zone)
    return (
        _contractor_report(contractor, loaded, month, thresholds),
        _attendance(contractor_id, contractor.name, loaded, month),
    )


def _month_shift_clocks(month: MonthRecords, guard_id: uuid.UUID) -> list[v.Record]:
    """The clock events of the month's shifts: a clock-out in the first morning of the
    month closes a shift of the month before and is left out so it does not read as
    unpaired; the clock-outs of the morning after the month close its last night."""
    morning = month.start + timedelta(hours=12)
    rows = [r for r in month.records.get(guard_id, []) if r.kind.startswith("clock_")]
    first_in = next((r.at for r in rows if r.kind == "clock_in"), None)
    kept = [
        r
        for r in rows
        if not (r.kind == "clock_out" and r.at < morning and (first_in is None or r.at < first_in))
    ]
    return kept + sorted(month.next_morning.get(guard_id, []), key=lambda r: r.at)
