"""Satisfaction ratings of the demo month (the month before the current one, the month a
settlement is worked on): Intensive Care and Radiology rate the contractors serving them.
Intensive Care first gave cleaning a 2 and raised it to a 3 a few days later, so the desk
page shows a replaced rating; Radiology did not rate the lift contractor."""

from __future__ import annotations

from datetime import timedelta

from server.db.demo.campus import Campus
from server.db.demo.names import CLEANING_CONTRACTOR, LIFT_CONTRACTOR, SECURITY_CONTRACTOR
from server.db.demo.people import Workforce
from server.db.demo.rows import DemoRows, table_of
from server.db.models import ContractorRating

# (department, rater, contractor, score, comment, day of the month rated on)
DEMO_RATINGS = (
    ("ICU", "R0001", SECURITY_CONTRACTOR, 4, "Patrols on time; one night round missed.", 20),
    ("ICU", "R0001", CLEANING_CONTRACTOR, 2, "Terminal cleans slow at weekends.", 18),
    ("ICU", "R0001", CLEANING_CONTRACTOR, 3, "Better after the supervisor visit.", 25),
    ("ICU", "R0001", LIFT_CONTRACTOR, 5, "", 22),
    ("RAD", "R0002", SECURITY_CONTRACTOR, 3, "Slow to answer the panic alarm test.", 21),
    ("RAD", "R0002", CLEANING_CONTRACTOR, 4, "", 21),
)


def build_ratings(rows: DemoRows, campus: Campus, workforce: Workforce) -> None:
    this_month = rows.now.date().replace(day=1)
    month = (this_month - timedelta(days=1)).replace(day=1)
    start = rows.now.replace(
        year=month.year, month=month.month, day=1, hour=10, minute=0, second=0, microsecond=0
    )
    current: dict[tuple[str, str], dict[str, object]] = {}
    for department, rater, contractor, score, comment, day in DEMO_RATINGS:
        if department not in campus.department_ids:
            continue
        rated_at = start + timedelta(days=day - 1)
        rating_id = rows.entity(
            ContractorRating,
            department_id=campus.department_ids[department],
            contractor_id=workforce.contractor_ids[contractor],
            month=month,
            score=score,
            comment=comment,
            rated_by_id=workforce.user_ids[rater],
            rated_at=rated_at,
            received_at=rated_at,
            op_hash="",
            superseded_at=None,
            superseded_by_id=None,
            version=1,
        )
        row = rows.by_table[table_of(ContractorRating)][-1]
        earlier = current.get((department, contractor))
        if earlier is not None:  # the later rating of the month takes the earlier one's place
            earlier["superseded_at"] = rated_at
            earlier["superseded_by_id"] = rating_id
        current[(department, contractor)] = row
