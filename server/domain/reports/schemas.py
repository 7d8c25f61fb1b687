"""The monthly report as the API answers it; the console and the exports read the same."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec


class WorkloadLine(msgspec.Struct):
    """Orders reported in the month for one team or technician (id None: nobody yet)."""

    id: uuid.UUID | None
    name: str
    received: int
    completed: int
    open_at_month_end: int


class DurationStats(msgspec.Struct):
    """Minutes between two moments of the orders where both are recorded."""

    measured: int
    median_minutes: float | None
    p90_minutes: float | None


class SlaLine(msgspec.Struct):
    """Orders assessed against their due times (priority None: all priorities)."""

    priority: int | None
    assessed: int
    compliant: int
    share: float | None


class RepeatRepair(msgspec.Struct):
    """A corrective order on an asset that had another one within the previous 30 days."""

    asset_id: uuid.UUID
    asset_name: str
    asset_tag: str
    number: str
    previous_number: str
    days_apart: float


class DepartmentCost(msgspec.Struct):
    department_id: uuid.UUID | None
    code: str
    name: str
    cost_centre: str
    orders: int
    labour_cents: int
    parts_cents: int
    total_cents: int


class Satisfaction(msgspec.Struct):
    ratings: int
    average: float | None
    distribution: dict[str, int]  # "1".."5" -> count
    fixed_answers: int
    not_fixed: int
    not_fixed_share: float | None
    callbacks_opened: int
    callbacks_open: int
    callback_outcomes: dict[str, int]  # reopen / explained / escalated -> count


class EnquiryLine(msgspec.Struct):
    """Complaints or enquiries received in the month, and how far they have got."""

    kind: str  # "complaint" or "enquiry"
    received: int
    answered: int
    closed: int
    median_minutes_to_answer: float | None


class MonthlyReport(msgspec.Struct):
    month: str  # "2031-03"
    period_start: datetime
    period_end: datetime  # exclusive: the first instant of the next month (UTC)
    site_id: uuid.UUID | None
    team_id: uuid.UUID | None
    orders: int
    percentile_method: str
    teams: list[WorkloadLine]
    technicians: list[WorkloadLine]
    response_time: DurationStats
    repair_time: DurationStats
    sla: list[SlaLine]  # one line per priority, then the overall line (priority None)
    repeat_repairs: list[RepeatRepair]
    costs: list[DepartmentCost]  # most expensive first
    satisfaction: Satisfaction
    enquiries: list[EnquiryLine] = msgspec.field(default_factory=list)  # complaints, enquiries

    @property
    def sla_overall(self) -> SlaLine:
        return self.sla[-1]

    @property
    def repeat_count(self) -> int:
        return len(self.repeat_repairs)
