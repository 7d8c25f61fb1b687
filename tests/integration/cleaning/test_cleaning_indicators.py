"""The cleaning contractor's month for its scorecard, worked out by hand: which tasks count
(due in the month, local time of the campus, not cancelled), which were on time, the mean
audit score, the re-cleans, and the complaints the desk took naming the contractor."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db import models as db
from server.domain.cleaning.indicators import cleaning_measures
from server.domain.scorecards.measures import Measure, Unit
from server.settings import Settings
from tests.integration.cleaning.builders import Ward, build_ward
from tests.integration.patrol.builders import in_session

pytestmark = pytest.mark.db


def _month() -> date:
    """The first day of the month three months back: wholly past."""
    first = date.today().replace(day=1)
    for _ in range(3):
        first = (first - timedelta(days=1)).replace(day=1)
    return first


class Month:
    def __init__(self, ward: Ward, first: date, cleaner_id: uuid.UUID) -> None:
        self.ward, self.first, self.cleaner_id = ward, first, cleaner_id
        self.zone = ZoneInfo(ward.timezone)
        self.rows: list[object] = []
        self.hashes: dict[uuid.UUID, str] = {}

    def at(self, day: int, hour: int, minute: int = 0, *, month_offset: int = 0) -> datetime:
        base = self.first
        if month_offset < 0:
            base = (base - timedelta(days=1)).replace(day=1)
        elif month_offset > 0:
            base = (base + timedelta(days=32)).replace(day=1)
        return datetime(base.year, base.month, day, hour, minute, tzinfo=self.zone)

    def task(
        self,
        due: datetime,
        kind: db.CleaningKind,
        *,
        done: datetime | None = None,
        status: db.TaskStatus | None = None,
    ) -> uuid.UUID:
        room = self.ward.room_ids[0]
        task = db.CleaningTask(
            room_id=room,
            location_id=self.ward.location_ids[0],
            site_id=self.ward.site_id,
            contractor_id=self.ward.contractor_id,
            department_id=self.ward.department_id,
            kind=kind,
            window_start=due - timedelta(hours=2),
            due_at=due,
            status=status or (db.TaskStatus.DONE if done else db.TaskStatus.OPEN),
        )
        self.rows.append(task)
        if done is not None:
            digest = uuid.uuid4().hex * 2
            record = db.CleaningRecord(
                task_id=task.id,
                room_id=room,
                site_id=self.ward.site_id,
                contractor_id=self.ward.contractor_id,
                cleaner_id=self.cleaner_id,
                started_at=done - timedelta(minutes=20),
                finished_at=done,
                finish_op_hash=digest,
                product="detergent",
            )
            task.record_id, task.finished_at, task.cleaner_id = record.id, done, self.cleaner_id
            self.rows.append(record)
            self.hashes[task.id] = digest
        return task.id

    def audit(
        self, at: datetime, score: int, task_id: uuid.UUID, reclean: bool = False
    ) -> uuid.UUID:
        row = db.CleaningAudit(
            task_id=task_id,
            room_id=self.ward.room_ids[0],
            site_id=self.ward.site_id,
            contractor_id=self.ward.contractor_id,
            auditor_id=self.cleaner_id,
            kind=db.AuditKind.SUPERVISOR,
            score=score,
            reclean_task_id=uuid.uuid4() if reclean else None,
            audited_at=at,
            received_at=at,
            op_hash=uuid.uuid4().hex * 2,
        )
        self.rows.append(row)
        self.hashes[row.id] = row.op_hash
        return row.id

    def complaint(
        self, at: datetime, subject: str, taken_by: uuid.UUID, contractor: uuid.UUID | None = None
    ) -> db.Enquiry:
        row = db.Enquiry(
            number=f"CP-T-{uuid.uuid4().hex[:10].upper()}",
            kind=db.EnquiryKind.COMPLAINT,
            site_id=self.ward.site_id,
            contractor_id=contractor or self.ward.contractor_id,
            subject=subject,
            caller_name="Ward sister",
            caller_phone="020 7946 0100",
            received_by_id=taken_by,
            received_at=at,
        )
        self.rows.append(row)
        return row


def test_a_month_of_cleaning_measured_by_hand(demo_settings: Settings) -> None:
    ward = build_ward(demo_settings, contractor=None)  # a contractor of this test alone
    first = _month()

    async def fill(s: AsyncSession) -> Month:
        cleaner = await s.scalar(select(col(db.User.id)).where(col(db.User.employee_no) == "C0001"))
        assert cleaner is not None
        m = Month(ward, first, cleaner)
        routine, terminal, spill = (
            db.CleaningKind.ROUTINE,
            db.CleaningKind.TERMINAL,
            db.CleaningKind.SPILL,
        )
        m.on_time = [
            m.task(m.at(3, 10), routine, done=m.at(3, 9, 30)),
            m.task(m.at(12, 16), spill, done=m.at(12, 15, 50)),
            m.task(m.at(1, 0, 5), routine, done=m.at(1, 0, 1)),  # first minutes of the month
        ]
        m.late = [
            m.task(m.at(5, 10), routine, done=m.at(5, 10, 45)),
            m.task(m.at(10, 14), terminal),  # never done
        ]
        m.left_out = [
            m.task(m.at(15, 10), terminal, status=db.TaskStatus.CANCELLED),
            m.task(m.at(28, 23, 30, month_offset=-1), routine),  # the month before
            m.task(m.at(1, 0, 10, month_offset=1), routine),  # the month after
        ]
        m.audits = [
            m.audit(m.at(3, 11), 80, m.on_time[0]),
            m.audit(m.at(10, 15), 50, m.late[1], reclean=True),
        ]
        m.audit(m.at(28, 23, 50, month_offset=-1), 10, m.left_out[1], reclean=True)
        desk = await s.scalar(select(col(db.User.id)).where(col(db.User.employee_no) == "D0001"))
        other = await s.scalar(
            select(col(db.Contractor.id)).where(col(db.Contractor.code) == "BRIGHTWAY")
        )
        assert desk is not None
        assert other is not None
        m.complaints = [
            m.complaint(m.at(4, 8), "Bins not emptied on ward 3", desk),
            m.complaint(m.at(1, 0, 20), "Spill left on the stairs", desk),  # local midnight
        ]
        m.complaint(m.at(6, 9), "Floor wet without a sign", desk, other)  # another contractor
        m.complaint(m.at(28, 23, 40, month_offset=-1), "Dusty ledges", desk)  # the month before
        # Without ORM relationships the unit of work does not order tables: parents first.
        for model in (db.CleaningTask, db.CleaningRecord, db.CleaningAudit, db.Enquiry):
            s.add_all([row for row in m.rows if isinstance(row, model)])
            await s.flush()
        return m

    m = in_session(demo_settings, fill)

    async def measure(s: AsyncSession) -> dict[str, Measure]:
        return await cleaning_measures(s, ward.contractor_id, first)

    measures = in_session(demo_settings, measure)

    on_time = measures["cleaning.on_time_rate"]
    assert on_time.unit == Unit.RATIO
    assert on_time.basis == 5
    assert on_time.value == pytest.approx(3 / 5)
    assert {e.record_id for e in on_time.evidence} == set(m.on_time + m.late)
    by_id = {e.record_id: e for e in on_time.evidence}
    assert all(by_id[t].op_hash == m.hashes[t] for t in m.on_time + m.late[:1])
    assert by_id[m.late[1]].op_hash is None
    assert "not done" in by_id[m.late[1]].label
    assert "(on time)" in by_id[m.on_time[0]].label
    assert "(late)" in by_id[m.late[0]].label

    score = measures["cleaning.audit_score"]
    assert (score.value, score.unit, score.basis) == (65.0, Unit.SCORE, 2)
    assert [e.op_hash for e in score.evidence] == [m.hashes[a] for a in m.audits]

    recleans = measures["cleaning.reclean_count"]
    assert (recleans.value, recleans.unit, recleans.basis) == (1.0, Unit.COUNT, 2)
    assert [e.record_id for e in recleans.evidence] == [m.audits[1]]

    complaints = measures["cleaning.complaint_count"]
    assert (complaints.value, complaints.unit, complaints.basis) == (2.0, Unit.COUNT, 2)
    # In the order received, each a desk record quoted by number and subject.
    first, second = m.complaints[1], m.complaints[0]
    assert [(e.kind, e.record_id, e.op_hash) for e in complaints.evidence] == [
        ("complaint", first.id, None),
        ("complaint", second.id, None),
    ]
    assert complaints.evidence[0].label == f"Complaint {first.number}: Spill left on the stairs"


def test_a_month_with_nothing_to_measure_has_no_values(demo_settings: Settings) -> None:
    ward = build_ward(demo_settings, contractor=None)

    async def measure(s: AsyncSession) -> dict[str, Measure]:
        return await cleaning_measures(s, ward.contractor_id, _month())

    measures = in_session(demo_settings, measure)
    assert measures["cleaning.on_time_rate"].value is None
    assert measures["cleaning.audit_score"].value is None
    assert measures["cleaning.reclean_count"] == Measure(0.0, Unit.COUNT, (), 0)
    # No complaint named the contractor: a real count of 0, not "nothing to measure".
    assert measures["cleaning.complaint_count"] == Measure(0.0, Unit.COUNT, (), 0)
