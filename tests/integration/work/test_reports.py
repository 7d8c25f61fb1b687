"""The monthly report against a small month whose every figure was worked out by hand.

The orders live in March 2031, which nothing else touches (plus one in February as the
earlier half of a 40-day pair, and one on 1 April that must not count). All times UTC.

| order | team  | tech  | dept | pri | dispatched->arrived | reported->completed | SLA          |
| M1    | ELEC  | T0001 | ICU  | 1   | 20                  | 120                 | met          |
| M2    | ELEC  | T0001 | ICU  | 1   | 35                  | 180                 | arrived late |
| M3    | HVAC  | T0002 | EMER | 2   | 120                 | 240                 | met (exact)  |
| M4    | PLUMB | T0003 | RAD  | 3   | 45                  | open                | breach flag  |
| M5    | ELEC  | -     | ICU  | 2   | -                   | open                | not assessed |
| M6    | ELEC  | T0001 | CARD | 3   | 50                  | 7020 (2 April)      | late         |

Response 20 35 45 50 120: nearest-rank median rank 3 = 45, p90 rank 5 = 120.
Repair 120 180 240 7020: median rank 2 = 180, p90 rank 4 = 7020.

Cost counts accepted lines only: M1 also holds a late labour line of 4444 waiting for the
desk (pending) and M3 a part of 8888 the desk declined; neither is in any figure.
"""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlmodel import col

from server.db import models as db
from server.db.engine import make_engine, make_session_factory
from server.db.models.work import WorkOrderKind, WorkOrderStatus
from server.settings import Settings
from tests.conftest import api_login
from tests.integration.console_client import console_login

Client = TestClient[Litestar]
MONTH = "2031-03"


def at(day: str, clock: str) -> datetime:
    return datetime.fromisoformat(f"2031-{day}T{clock}:00").replace(tzinfo=UTC)


async def _build_month(settings: Settings) -> dict[str, Any]:
    engine = make_engine(settings.database)
    try:
        async with make_session_factory(engine)() as s:

            async def by(model: Any, value: str, field: str = "code") -> Any:
                stmt = select(model).where(getattr(model, field) == value)
                return (await s.execute(stmt)).scalar_one()

            east, west = await by(db.Site, "EAST"), await by(db.Site, "WEST")
            team = {c: await by(db.Team, c) for c in ("ELEC", "HVAC", "PLUMB")}
            dept = {c: await by(db.Department, c) for c in ("ICU", "EMER", "RAD", "CARD")}
            tech = {n: await by(db.User, n, "employee_no") for n in ("T0001", "T0002", "T0003")}
            where = {}
            for site in (east, west):
                stmt = select(db.Location).where(col(db.Location.site_id) == site.id).limit(1)
                where[site.code] = (await s.execute(stmt)).scalar_one()
            assets_stmt = select(db.Asset).where(col(db.Asset.site_id) == east.id).limit(2)
            a1, a2 = (await s.execute(assets_stmt)).scalars().all()
            item = (await s.execute(select(db.Item).limit(1))).scalar_one()

            def order(number: str, site: db.Site, **fields: Any) -> db.WorkOrder:
                row = db.WorkOrder(
                    number=f"RPT31-{number}",
                    site_id=site.id,
                    location_id=where[site.code].id,
                    kind=fields.pop("kind", WorkOrderKind.CORRECTIVE),
                    status=fields.pop("status", WorkOrderStatus.CLOSED),
                    **fields,
                )
                s.add(row)
                return row

            common = {"department_id": dept["ICU"].id, "team_id": team["ELEC"].id}
            t1 = tech["T0001"].id
            m0 = order("M0", east, asset_id=a2.id, reported_at=at("02-08", "10:00"), **common)
            m1 = order(
                "M1", east, priority=1, asset_id=a1.id, assignee_id=t1, rating=5, fixed=True,
                reported_at=at("03-02", "08:00"), dispatched_at=at("03-02", "08:10"),
                arrived_at=at("03-02", "08:30"), completed_at=at("03-02", "10:00"),
                response_due_at=at("03-02", "09:00"), resolution_due_at=at("03-02", "12:00"),
                **common,
            )  # fmt: skip
            m2 = order(
                "M2", east, priority=1, asset_id=a1.id, assignee_id=t1, rating=2, fixed=False,
                reported_at=at("03-12", "08:00"), dispatched_at=at("03-12", "08:05"),
                arrived_at=at("03-12", "08:40"), completed_at=at("03-12", "11:00"),
                response_due_at=at("03-12", "08:30"), resolution_due_at=at("03-12", "16:00"),
                **common,
            )  # fmt: skip
            m3 = order(
                "M3", east, priority=2, asset_id=a2.id, assignee_id=tech["T0002"].id,
                team_id=team["HVAC"].id, department_id=dept["EMER"].id, rating=4, fixed=True,
                reported_at=at("03-20", "10:00"), dispatched_at=at("03-20", "10:00"),
                arrived_at=at("03-20", "12:00"), completed_at=at("03-20", "14:00"),
                response_due_at=at("03-20", "12:00"), resolution_due_at=at("03-20", "18:00"),
            )  # fmt: skip
            m4 = order(
                "M4", west, priority=3, kind=WorkOrderKind.PREVENTIVE,
                status=WorkOrderStatus.IN_PROGRESS, assignee_id=tech["T0003"].id,
                team_id=team["PLUMB"].id, department_id=dept["RAD"].id,
                reported_at=at("03-25", "09:00"), dispatched_at=at("03-25", "09:30"),
                arrived_at=at("03-25", "10:15"), response_due_at=at("03-25", "10:00"),
                response_breached=True,
            )  # fmt: skip
            order("M5", east, priority=2, status=WorkOrderStatus.REPORTED,
                  reported_at=at("03-31", "23:00"), **common)  # fmt: skip
            order(
                "M6", east, priority=3, assignee_id=t1, status=WorkOrderStatus.COMPLETED,
                team_id=team["ELEC"].id, department_id=dept["CARD"].id,
                reported_at=at("03-28", "12:00"), dispatched_at=at("03-28", "12:00"),
                arrived_at=at("03-28", "12:50"), completed_at=at("04-02", "09:00"),
                resolution_due_at=at("03-30", "12:00"),
            )  # fmt: skip
            m7 = order("M7", east, reported_at=at("04-01", "00:00"), **common)
            await s.flush()

            for wo, cents in ((m1, 6000), (m2, 3000), (m4, 1000), (m0, 9999)):
                s.add(db.LabourLine(work_order_id=wo.id, technician_id=t1, minutes=60, trade="e",
                                 grade="g", hourly_rate_cents=cents, cost_cents=cents))  # fmt: skip
            for wo, cents in ((m1, 2345), (m3, 5000), (m7, 7777)):
                s.add(db.PartLine(work_order_id=wo.id, item_id=item.id, quantity=1,
                               unit_cost_cents=cents, cost_cents=cents))  # fmt: skip
            s.add(db.LabourLine(work_order_id=m1.id, technician_id=t1, minutes=60, trade="e",
                                grade="g", hourly_rate_cents=4444, cost_cents=4444, late=True,
                                billing=db.LineBilling.PENDING))  # fmt: skip
            s.add(db.PartLine(work_order_id=m3.id, item_id=item.id, quantity=1, late=True,
                              unit_cost_cents=8888, cost_cents=8888,
                              billing=db.LineBilling.DECLINED))  # fmt: skip
            s.add(db.Callback(work_order_id=m2.id, reason="not fixed", status="done",
                           outcome="reopen"))  # fmt: skip
            s.add(db.Callback(work_order_id=m3.id, reason="slow", status="open"))
            await s.commit()
            return {
                "west": str(west.id),
                "team": {code: str(row.id) for code, row in team.items()},
                "tech": {no: str(row.id) for no, row in tech.items()},
                "a1": str(a1.id),
            }
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def month(demo_settings: Settings) -> dict[str, Any]:
    return asyncio.run(_build_month(demo_settings))


def report(client: Client, who: str = "D0001", **params: str) -> Any:
    response = client.get(
        "/api/v1/reports/monthly", params={"month": MONTH, **params}, headers=api_login(client, who)
    )
    assert response.status_code == 200, response.text
    return response.json()


def workload(lines: list[dict[str, Any]]) -> dict[str | None, tuple[int, int, int]]:
    return {x["id"]: (x["received"], x["completed"], x["open_at_month_end"]) for x in lines}


def costs(body: dict[str, Any]) -> list[tuple[str, int, int, int]]:
    return [
        (c["code"], c["labour_cents"], c["parts_cents"], c["total_cents"]) for c in body["costs"]
    ]


def test_every_figure_of_the_month(client: Client, month: dict[str, Any]) -> None:
    body = report(client)
    team, tech = month["team"], month["tech"]
    assert body["orders"] == 6
    assert workload(body["teams"]) == {
        team["ELEC"]: (4, 2, 2), team["HVAC"]: (1, 1, 0), team["PLUMB"]: (1, 0, 1)
    }  # fmt: skip
    assert [line["name"] for line in body["teams"]] == ["Electrical", "HVAC", "Plumbing"]
    assert workload(body["technicians"]) == {
        tech["T0001"]: (3, 2, 1),
        tech["T0002"]: (1, 1, 0),
        tech["T0003"]: (1, 0, 1),
        None: (1, 0, 1),
    }
    assert body["response_time"] == {"measured": 5, "median_minutes": 45, "p90_minutes": 120}
    assert body["repair_time"] == {"measured": 4, "median_minutes": 180, "p90_minutes": 7020}
    assert [(x["priority"], x["assessed"], x["compliant"], x["share"]) for x in body["sla"]] == [
        (1, 2, 1, 0.5), (2, 1, 1, 1.0), (3, 2, 0, 0.0), (None, 5, 2, 0.4)
    ]  # fmt: skip
    [repeat] = body["repeat_repairs"]
    assert (repeat["asset_id"], repeat["number"], repeat["previous_number"]) == (
        month["a1"],
        "RPT31-M2",
        "RPT31-M1",
    )
    assert repeat["days_apart"] == 10
    assert costs(body) == [
        ("ICU", 9000, 2345, 11345), ("EMER", 0, 5000, 5000),
        ("RAD", 1000, 0, 1000), ("CARD", 0, 0, 0),
    ]  # fmt: skip
    assert body["satisfaction"] == {
        "ratings": 3,
        "average": 3.67,
        "distribution": {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1},
        "fixed_answers": 3,
        "not_fixed": 1,
        "not_fixed_share": 0.3333,
        "callbacks_opened": 2,
        "callbacks_open": 1,
        "callback_outcomes": {"reopen": 1, "explained": 0, "escalated": 0},
    }


def test_filters_by_site_and_team(client: Client, month: dict[str, Any]) -> None:
    west = report(client, site_id=month["west"])
    assert west["orders"] == 1
    assert workload(west["teams"]) == {month["team"]["PLUMB"]: (1, 0, 1)}
    assert costs(west) == [("RAD", 1000, 0, 1000)]
    assert west["sla"] == [
        {"priority": 3, "assessed": 1, "compliant": 0, "share": 0.0},
        {"priority": None, "assessed": 1, "compliant": 0, "share": 0.0},
    ]
    hvac = report(client, team_id=month["team"]["HVAC"])
    assert (hvac["orders"], hvac["repeat_repairs"], costs(hvac)) == (
        1,
        [],
        [("EMER", 0, 5000, 5000)],
    )
    assert hvac["response_time"] == {"measured": 1, "median_minutes": 120, "p90_minutes": 120}
    elec = report(client, team_id=month["team"]["ELEC"])
    assert (elec["orders"], len(elec["repeat_repairs"])) == (4, 1)
    assert costs(elec) == [("ICU", 9000, 2345, 11345), ("CARD", 0, 0, 0)]
    assert elec["repair_time"] == {"measured": 3, "median_minutes": 180, "p90_minutes": 7020}
    # A team lead sees their own team's figures only, as if filtered by it.
    assert report(client, "L0001")["orders"] == 4


def test_csv_and_xlsx_carry_the_same_tables(client: Client, month: dict[str, Any]) -> None:
    console_login(client, "D0001")
    response = client.get("/desk/reports/export.csv", params={"month": MONTH})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "rounds-report-2031-03.csv" in response.headers["content-disposition"]
    sections: dict[str, list[list[str]]] = {}
    for row in csv.reader(io.StringIO(response.text)):
        if row and row[0].startswith("# "):
            current = sections.setdefault(row[0][2:], [])
        elif row:
            current.append(row)
    assert sections["summary"][1][3] == "6"
    assert sections["times"][1:] == [
        ["response", "5", "45.0", "120.0"],
        ["repair", "4", "180.0", "7020.0"],
    ]
    assert sections["sla"][-1] == ["all", "5", "2", "0.4"]
    assert sections["repeat_repairs"][1][2:] == ["RPT31-M2", "RPT31-M1", "10.0"]
    assert [(r[0].startswith("CC-"), r[5]) for r in sections["cost_by_department"][1:]] == [
        (True, "11345"), (True, "5000"), (True, "1000"), (True, "0")
    ]  # fmt: skip
    assert ["average", "3.67"] in sections["satisfaction"]
    assert [row[1:] for row in sections["workload_by_team"][1:]] == [
        ["4", "2", "2"], ["1", "1", "0"], ["1", "0", "1"]
    ]  # fmt: skip

    book = client.get("/desk/reports/export.xlsx", params={"month": MONTH})
    assert book.status_code == 200
    workbook = load_workbook(io.BytesIO(book.content))
    assert set(sections) == set(workbook.sheetnames)
    cost_rows = list(workbook["cost_by_department"].iter_rows(min_row=2, values_only=True))
    assert sum(row[5] for row in cost_rows) == 11345 + 5000 + 1000
    assert [
        row[2] for row in workbook["workload_by_team"].iter_rows(min_row=2, values_only=True)
    ] == [2, 1, 0]
    times = list(workbook["times"].iter_rows(min_row=2, values_only=True))
    assert times == [("response", 5, 45, 120), ("repair", 4, 180, 7020)]


def test_who_may_read_reports(client: Client, month: dict[str, Any]) -> None:
    headers = api_login(client, "T0001")
    response = client.get("/api/v1/reports/monthly", params={"month": MONTH}, headers=headers)
    assert response.status_code == 403
    bad = client.get(
        "/api/v1/reports/monthly", params={"month": "March"}, headers=api_login(client, "D0001")
    )
    assert bad.status_code == 422
    console_login(client, "T0001")
    assert client.get("/desk/reports", params={"month": MONTH}).status_code == 403
    assert 'href="/desk/reports"' not in client.get("/desk/").text


def test_the_console_page_draws_the_charts(client: Client, month: dict[str, Any]) -> None:
    console_login(client, "D0001")
    page = client.get("/desk/reports", params={"month": MONTH})
    assert page.status_code == 200
    assert 'href="/desk/reports"' in page.text
    assert page.text.count("<svg") == 2
    assert 'data-chart="workload"' in page.text
    assert 'data-chart="costs"' in page.text
    assert 'data-bar="Electrical" data-value="4"' in page.text
    assert 'data-value="11345"' in page.text
    assert 'data-orders="6"' in page.text
    client.cookies.set("rounds_lang", "zh")
    assert "月度报表" in client.get("/desk/reports", params={"month": MONTH}).text
