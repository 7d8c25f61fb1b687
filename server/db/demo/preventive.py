"""Planned maintenance in the demo hospital: a monthly defibrillator check with its
checklist at each campus, and a quarterly air handling unit filter change everywhere.

Every plan is first due a week or more after the load, so a fresh demo has no planned
orders until the generator runs on a later day.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from server.db.demo.campus import Campus
from server.db.demo.names import EAST, WEST
from server.db.demo.people import Workforce
from server.db.demo.rows import DemoRows
from server.db.models import Checklist, ChecklistItem, ChecklistItemKind, PmPlan

# text, kind, unit, minimum, maximum
DEFIBRILLATOR_CHECKS: tuple[tuple[str, ChecklistItemKind, str, float | None, float | None], ...] = (
    ("Daily self-test log complete and passing", ChecklistItemKind.PASS_FAIL, "", None, None),
    ("Battery charge", ChecklistItemKind.VALUE, "%", 80, 100),
    ("Pads in date, sealed, spare set present", ChecklistItemKind.PASS_FAIL, "", None, None),
    ("Cables, connectors and casing undamaged", ChecklistItemKind.PASS_FAIL, "", None, None),
)


def _checklist(rows: DemoRows) -> uuid.UUID:
    checklist_id = rows.entity(Checklist, name="Defibrillator monthly check")
    for position, (text, kind, unit, low, high) in enumerate(DEFIBRILLATOR_CHECKS):
        rows.entity(
            ChecklistItem,
            checklist_id=checklist_id,
            position=position,
            text=text,
            kind=kind,
            unit=unit,
            min_value=low,
            max_value=high,
        )
    return checklist_id


def build_preventive(rows: DemoRows, campus: Campus, workforce: Workforce) -> None:
    today = rows.now.date()
    checklist_id = _checklist(rows)
    for offset, site in enumerate((EAST, WEST)):
        rows.entity(
            PmPlan,
            name=f"Defibrillator monthly check ({site.title()} Campus)",
            asset_id=None,
            category="Defibrillator",
            site_id=campus.site_ids[site],
            interval_days=30,
            checklist_id=checklist_id,
            team_id=workforce.team_ids["BIOMED"],
            priority=3,
            next_due=today + timedelta(days=7 + offset),
            active=True,
        )
    rows.entity(
        PmPlan,
        name="Air handling unit filter change (quarterly)",
        asset_id=None,
        category="Air handling unit",
        site_id=None,
        interval_days=91,
        checklist_id=None,
        team_id=workforce.team_ids["HVAC"],
        priority=4,
        next_due=today + timedelta(days=21),
        active=True,
    )
