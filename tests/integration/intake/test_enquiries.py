"""Complaints and enquiries at the desk: taken, owned, answered and closed with who and
when at each step, and counted in the monthly report. Real HTTP, both databases."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import col

from server.db.engine import make_engine
from server.db.models import Enquiry
from server.settings import Settings
from tests.conftest import api_login
from tests.integration.console_client import Client, console_login, page_text
from tests.integration.intake.steps import department_id, error_fields, post
from tests.integration.work.loop import cast

LIST = "/desk/enquiries"
ENQUIRY_URL = re.compile(r"/desk/enquiries/([0-9a-f-]{36})$")


def take(client: Client, kind: str, subject: str, **extra: str) -> str:
    fields = {
        "kind": kind,
        "subject": subject,
        "text": "Caller says so",
        "caller_name": "Mrs Alice Byrne",
        "caller_phone": "020 7946 0999",
        **extra,
    }
    response = post(client, LIST, **fields)
    assert response.status_code == 303, response.text
    match = ENQUIRY_URL.search(response.headers["location"])
    assert match
    return match.group(1)


def supervisor(client: Client) -> dict[str, str]:
    me: dict[str, str] = client.get("/api/v1/auth/me", headers=api_login(client, "S0001")).json()
    return me


def test_the_form_refuses_what_is_missing_with_422(client: Client) -> None:
    console_login(client, "D0001")
    assert client.get(f"{LIST}/new").status_code == 200
    response = post(client, LIST, htmx=True, kind="grumble", subject="", caller_phone="x")
    assert response.status_code == 422
    assert "<html" not in response.text
    assert error_fields(response.text) == {"kind", "subject", "caller_name", "caller_phone"}


def test_a_complaint_is_owned_answered_and_closed_with_who_and_when(client: Client) -> None:
    c = cast(client)
    owner = supervisor(client)
    console_login(client, "D0001")
    enquiry_id = take(
        client, "complaint", "Noise from plant room at night", department_id=department_id(c, "ICU")
    )
    page = client.get(f"{LIST}/{enquiry_id}")
    assert page.status_code == 200
    assert 'data-status="open"' in page.text
    assert "Priya Sharma" in page_text(page.text), "who took it"
    listed = client.get(LIST, params={"kind": "complaint", "status": "open"})
    assert f'data-enquiry="{enquiry_id}"' in listed.text
    # Closing before an answer is refused and nothing changes.
    early = post(client, f"{LIST}/{enquiry_id}/close")
    assert early.status_code == 409
    assert 'data-status="open"' in early.text
    assert "Answer the caller before closing." in early.text
    assert post(client, f"{LIST}/{enquiry_id}/owner", owner_id=owner["id"]).status_code == 303
    empty = post(client, f"{LIST}/{enquiry_id}/answer", answer=" ")
    assert empty.status_code == 422
    assert "answer" in error_fields(empty.text)
    answered = post(client, f"{LIST}/{enquiry_id}/answer", answer="Fan bearing replaced on Tuesday")
    assert answered.status_code == 303
    assert post(client, f"{LIST}/{enquiry_id}/close").status_code == 303
    text = page_text(client.get(f"{LIST}/{enquiry_id}").text)
    assert 'data-status="closed"' in client.get(f"{LIST}/{enquiry_id}").text
    assert owner["name"] in text, "the owner"
    assert "Fan bearing replaced on Tuesday" in text
    assert text.count("Priya Sharma") >= 4, "taken, owner set, answered and closed by the desk"
    assert text.count(" UTC") >= 4, "a time at each step"
    again = post(client, f"{LIST}/{enquiry_id}/answer", answer="More")
    assert again.status_code == 409, "a closed one takes no more answers"
    client.cookies.set("rounds_lang", "zh")
    in_chinese = post(client, f"{LIST}/{enquiry_id}/close")
    assert in_chinese.status_code == 409
    assert "已关闭，不能再修改。" in in_chinese.text


def test_an_unknown_enquiry_is_not_found(client: Client) -> None:
    console_login(client, "D0001")
    assert client.get(f"{LIST}/{uuid.uuid4()}").status_code == 404


MONTH = "2041-05"
START = datetime(2041, 5, 3, 9, 0, tzinfo=UTC)


def move_to_the_month(
    settings: Settings, enquiry_id: str, received: datetime, **after: int
) -> None:
    """Put an enquiry's steps in May 2041, `after` minutes from its receipt, so the month
    holds only what this test made."""

    async def write() -> None:
        engine = make_engine(settings.database)
        values: dict[str, datetime] = {"received_at": received}
        for step, minutes in after.items():
            values[step] = received + timedelta(minutes=minutes)
        try:
            async with engine.begin() as connection:
                await connection.execute(
                    update(Enquiry).where(col(Enquiry.id) == uuid.UUID(enquiry_id)).values(**values)
                )
        finally:
            await engine.dispose()

    asyncio.run(write())


def test_the_monthly_report_counts_complaints_and_enquiries(
    client: Client, demo_settings: Settings
) -> None:
    console_login(client, "D0001")
    answered = [take(client, "complaint", f"Complaint {n}") for n in range(3)]
    waiting = take(client, "complaint", "Complaint waiting")
    question = take(client, "enquiry", "When is the lift back?")
    for enquiry_id in [*answered, question]:
        assert post(client, f"{LIST}/{enquiry_id}/answer", answer="Answered").status_code == 303
    assert post(client, f"{LIST}/{answered[0]}/close").status_code == 303
    move_to_the_month(demo_settings, answered[0], START, answered_at=30, closed_at=700)
    move_to_the_month(demo_settings, answered[1], START, answered_at=90)
    move_to_the_month(demo_settings, answered[2], START, answered_at=600)
    move_to_the_month(demo_settings, waiting, START)
    move_to_the_month(demo_settings, question, START, answered_at=45)
    report = client.get(
        "/api/v1/reports/monthly", params={"month": MONTH}, headers=api_login(client, "D0001")
    ).json()
    lines = {line["kind"]: line for line in report["enquiries"]}
    assert lines["complaint"] == {
        "kind": "complaint",
        "received": 4,
        "answered": 3,
        "closed": 1,
        "median_minutes_to_answer": 90.0,
    }
    assert lines["enquiry"] == {
        "kind": "enquiry",
        "received": 1,
        "answered": 1,
        "closed": 0,
        "median_minutes_to_answer": 45.0,
    }
    exported = client.get("/desk/reports/export.csv", params={"month": MONTH})
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.text)))
    start = rows.index(["# complaints_and_enquiries"])
    assert rows[start + 2 : start + 4] == [
        ["complaint", "4", "3", "1", "90.0"],
        ["enquiry", "1", "1", "0", "45.0"],
    ]
    page = client.get("/desk/reports", params={"month": MONTH})
    assert page.status_code == 200
    assert (
        'data-enquiries="complaint" data-received="4" data-answered="3" data-closed="1" '
        'data-median="90.0"' in page.text
    )
