"""The demo guards' roster: night shifts from 19:45 to 06:15, for the nights the demo
records (`nights.NIGHTS`, the last seven) and tonight and the next seven, so the attendance
sheet judges the demo's clock events against a plan that tells the same story: every
rostered night already past has its clock in and out (`nights._clock_nights`)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from server.db.demo.campus import Campus
from server.db.demo.names import EAST, SECURITY_CONTRACTOR
from server.db.demo.nights import NIGHTS
from server.db.demo.people import Workforce
from server.db.demo.rows import DemoRows, table_of
from server.db.models import PlannedShift, Site

NIGHT_START, NIGHT_END = time(19, 45), time(6, 15)
DEMO_GUARDS = ("G0001", "G0002")
# No night is rostered that the demo does not record: a plan with no clock events would
# read as shifts the guards never came to.
NIGHTS_BACK, NIGHTS_AHEAD = NIGHTS, 7


def _site_zone(rows: DemoRows, campus: Campus) -> ZoneInfo:
    site_id = campus.site_ids[EAST]
    for row in rows.by_table.get(table_of(Site), []):
        if row["id"] == site_id:
            return ZoneInfo(str(row.get("timezone") or "UTC"))
    return ZoneInfo("UTC")


def build_shifts(rows: DemoRows, campus: Campus, workforce: Workforce) -> None:
    zone = _site_zone(rows, campus)
    today = rows.now.astimezone(zone).date()
    for employee_no in DEMO_GUARDS:
        for offset in range(-NIGHTS_BACK, NIGHTS_AHEAD + 1):
            day = today + timedelta(days=offset)
            start = datetime.combine(day, NIGHT_START, zone)
            end = datetime.combine(day + timedelta(days=1), NIGHT_END, zone)
            rows.entity(
                PlannedShift,
                user_id=workforce.user_ids[employee_no],
                contractor_id=workforce.contractor_ids[SECURITY_CONTRACTOR],
                site_id=campus.site_ids[EAST],
                day=day,
                starts_at=start.astimezone(ZoneInfo("UTC")),
                ends_at=end.astimezone(ZoneInfo("UTC")),
            )
