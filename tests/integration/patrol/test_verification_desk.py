"""The verification pages of the desk console through real HTTP, on both databases: a
tampered op on the guard's page, the statement and its CSV, the statement check, the
attendance sheet's XLSX, and another contractor's manager kept out."""

from __future__ import annotations

import asyncio
import io
import re
import uuid
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db import models as db
from server.db.demo import DEMO_PASSWORD
from server.db.engine import make_engine
from server.domain.accounts.passwords import hash_password
from server.domain.patrol.month_records import contractor_zone
from server.settings import Settings
from tests.integration.console_client import Client, page_text
from tests.integration.patrol.desk_rows import one, user, write
from tests.integration.stock.builders import csv_sections, desk, form_post
from tests.phone import Phone

pytestmark = pytest.mark.db
BASE = "/desk/patrol/verification"


def _new_guard(settings: Settings) -> db.User:
    """A guard of the contractor that M0001 manages, with no records yet."""
    manager = user(settings, "M0001")
    tag = uuid.uuid4().hex[:6].upper()
    guard = db.User(
        employee_no=f"GV{tag}",
        name=f"Verified Guard {tag}",
        password_hash=hash_password(DEMO_PASSWORD),
        contractor_id=manager.contractor_id,
    )
    write(settings, guard)
    write(settings, db.UserRole(user_id=guard.id, role=db.Role.GUARD))
    return guard


def _month() -> str:
    return datetime.now(UTC).strftime("%Y-%m")


def _push_scans(client: Client, guard: db.User, count: int) -> list[dict[str, Any]]:
    phone = Phone(client, guard.employee_no)
    ops = [
        phone.op(
            "patrol.scan_checkpoint",
            {"scan_id": str(uuid.uuid4()), "payload": f"CP-V{n}", "method": "qr"},
        )
        for n in range(count)
    ]
    assert len(phone.results(ops)) == count
    return ops


def _op(settings: Settings, op_id: str) -> db.SyncOp:
    found = one(settings, select(db.SyncOp).where(col(db.SyncOp.op_id) == uuid.UUID(op_id)))
    assert found is not None
    return found


def _tamper(settings: Settings, op_id: str, raw: str) -> None:
    async def run() -> None:
        engine = make_engine(settings.database)
        try:
            async with engine.begin() as conn:
                await conn.execute(
                    update(db.SyncOp)
                    .where(col(db.SyncOp.op_id) == uuid.UUID(op_id))
                    .values(raw=raw)
                )
        finally:
            await engine.dispose()

    asyncio.run(run())


def _statuses(body: str) -> list[str]:
    return re.findall(r'data-status="(\w+)"', body)


def test_a_tampered_op_shows_on_the_guards_page_and_fails_the_check(
    client: Client, demo_settings: Settings
) -> None:
    guard = _new_guard(demo_settings)
    ops = _push_scans(client, guard, 3)
    desk(client, "M0001")
    page = f"{BASE}/guards/{guard.id}"
    clean = client.get(page, params={"month": _month()})
    assert clean.status_code == 200, clean.text
    assert 'data-findings="0"' in clean.text

    statement = client.get(f"{page}/statement", params={"month": _month(), "format": "csv"})
    assert statement.status_code == 200
    assert statement.headers["content-type"].startswith("text/csv")
    lines = csv_sections(statement.text)["statement"]
    hashes = [_op(demo_settings, op["op_id"]).op_hash for op in ops]
    assert [line["op_hash"] for line in lines] == hashes
    assert [line["detail"] for line in lines] == ["CP-V0", "CP-V1", "CP-V2"]
    printable = client.get(f"{page}/statement", params={"month": _month()})
    assert "@media print" in printable.text
    assert all(digest in printable.text for digest in hashes)

    edited = _op(demo_settings, ops[1]["op_id"])
    _tamper(demo_settings, ops[1]["op_id"], edited.raw.replace('"CP-V1"', '"CP-V7"'))
    after = page_text(client.get(page, params={"month": _month()}).text)
    finding = re.search(r'data-finding="altered_op".*?</tr>', after, re.S)
    assert finding, "the altered op is listed"
    assert edited.op_hash in finding.group(0)
    assert ops[1]["op_id"] in finding.group(0)

    # The check form: as printed (time and hash), the untouched line matches, the edited
    # one is altered; a made-up hash is unknown.
    pasted = "\n".join(f"{line['local_time']}  {line['kind']}  {line['op_hash']}" for line in lines)
    checked = form_post(client, f"{BASE}/check", text=f"{pasted}\n{'0' * 64}")
    assert checked.status_code == 200, checked.text
    assert _statuses(checked.text) == ["match", "altered", "match", "unknown"]
    hashes_only = form_post(client, f"{BASE}/check", text=hashes[0])
    assert _statuses(hashes_only.text) == ["match"]
    empty = form_post(client, f"{BASE}/check", text="no hash here")
    assert empty.status_code == 422
    assert 'data-error-field="text"' in empty.text


def test_the_contractor_month_counts_findings_per_guard(
    client: Client, demo_settings: Settings
) -> None:
    guard = _new_guard(demo_settings)
    _push_scans(client, guard, 7)  # more than 5 within 60 s: a scan burst
    desk(client, "D0001")
    page = client.get(BASE, params={"contractor_id": str(guard.contractor_id), "month": _month()})
    assert page.status_code == 200, page.text
    row = re.search(rf'data-guard="{guard.employee_no}".*?</tr>', page.text, re.S)
    assert row
    assert f"{BASE}/guards/{guard.id}" in row.group(0)
    assert re.search(r'data-kind="scan_burst" class="num">[1-9]', row.group(0))
    assert 'href="/desk/patrol/verification"' in page.text  # the nav entry


def _local(zone: Any, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), zone).astimezone(UTC)


def _clock(guard: db.User, kind: db.ClockKind, at: datetime) -> db.ClockEvent:
    return db.ClockEvent(
        user_id=guard.id,
        contractor_id=guard.contractor_id,
        kind=kind,
        payload="CP-CLOCK",
        method=db.ScanMethod.QR,
        claimed_at=at,
        received_at=at,
    )


def _attendance_month(settings: Settings, guard: db.User) -> None:
    """February 2025: late 12 minutes, left an hour early, no clock-out, absent."""

    async def zone() -> Any:
        engine = make_engine(settings.database)
        try:
            async with engine.connect() as conn, AsyncSession(conn) as session:
                return await contractor_zone(session, guard.contractor_id)
        finally:
            await engine.dispose()

    z = asyncio.run(zone())
    days = [date(2025, 2, d) for d in (3, 4, 5, 6)]
    plans = [
        db.PlannedShift(
            user_id=guard.id,
            contractor_id=guard.contractor_id,
            day=d,
            starts_at=_local(z, d, 10),
            ends_at=_local(z, d, 18),
        )
        for d in days
    ]
    events = [
        _clock(guard, db.ClockKind.IN, _local(z, days[0], 10, 12)),
        _clock(guard, db.ClockKind.OUT, _local(z, days[0], 18)),
        _clock(guard, db.ClockKind.IN, _local(z, days[1], 10)),
        _clock(guard, db.ClockKind.OUT, _local(z, days[1], 17)),
        _clock(guard, db.ClockKind.IN, _local(z, days[2], 10)),
    ]
    write(settings, *plans, *events)


def test_the_attendance_sheet_downloads_the_hand_computed_figures(
    client: Client, demo_settings: Settings
) -> None:
    guard = _new_guard(demo_settings)
    _attendance_month(demo_settings, guard)
    desk(client, "M0001")
    page = client.get(f"{BASE}/attendance", params={"guard_id": str(guard.id), "month": "2025-02"})
    assert page.status_code == 200, page.text
    row = re.search(rf'data-guard="{guard.employee_no}".*?</tr>', page.text, re.S)
    assert row
    assert 'data-col="hours">14.80<' in row.group(0)

    xlsx = client.get(
        f"{BASE}/attendance",
        params={"contractor_id": str(guard.contractor_id), "month": "2025-02", "format": "xlsx"},
    )
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    sheet = list(book["attendance"].iter_rows(values_only=True))
    header, rows = sheet[0], {r[0]: dict(zip(sheet[0], r, strict=True)) for r in sheet[1:]}
    assert "missing_clock_outs" in header
    mine = rows[guard.employee_no]
    assert (mine["planned"], mine["worked"], mine["hours"]) == (4, 3, 14.8)
    assert (mine["late_starts"], mine["early_leaves"]) == (1, 1)
    assert (mine["missing_clock_outs"], mine["absences"]) == (1, 1)
    shifts = [r for r in book["shifts"].iter_rows(values_only=True) if r[0] == guard.employee_no]
    assert len(shifts) == 4
    csv = client.get(
        f"{BASE}/attendance",
        params={"guard_id": str(guard.id), "month": "2025-02", "format": "csv"},
    )
    assert csv_sections(csv.text)["attendance"][0]["hours"] == "14.8"


def test_another_contractors_manager_gets_404_and_no_rows(
    client: Client, demo_settings: Settings
) -> None:
    guard = _new_guard(demo_settings)
    ops = _push_scans(client, guard, 1)
    digest = _op(demo_settings, ops[0]["op_id"]).op_hash
    desk(client, "M0002")
    for path in (
        f"{BASE}/guards/{guard.id}",
        f"{BASE}/guards/{guard.id}/statement",
        f"{BASE}/attendance?guard_id={guard.id}",
        f"{BASE}/attendance?guard_id={guard.id}&format=xlsx",
        f"{BASE}?contractor_id={guard.contractor_id}",
        f"{BASE}/attendance?contractor_id={guard.contractor_id}",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert guard.employee_no not in response.text
    own = client.get(BASE)
    assert own.status_code == 200
    assert guard.employee_no not in own.text
    checked = form_post(client, f"{BASE}/check", text=digest)
    assert _statuses(checked.text) == ["unknown"]
    desk(client, "G0001")  # a guard has no desk verification pages
    assert client.get(BASE).status_code == 403
