"""A complaint names the contractor it is about: chosen on the desk's form from the
contractors in the desk user's scope, changed until the complaint is closed, shown on
the list and the page, and counted on that contractor's security scorecard. Real HTTP
through the console (CSRF as a browser sends it), both databases."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db import models as db
from server.domain.scorecards.measures import Measure, Unit
from server.domain.scorecards.security import security_measures
from server.settings import Settings
from tests.integration.console_client import Client, console_login, page_text
from tests.integration.intake.steps import error_fields, post
from tests.integration.intake.test_enquiries import ENQUIRY_URL, LIST
from tests.integration.patrol.builders import in_session

pytestmark = pytest.mark.db


def contractors(settings: Settings) -> dict[str, db.Contractor]:
    async def read(s: AsyncSession) -> dict[str, db.Contractor]:
        rows = await s.scalars(select(db.Contractor))
        return {row.code: row for row in rows.all()}

    return in_session(settings, read)


def complaint_fields(subject: str, **extra: str) -> dict[str, str]:
    return {
        "kind": "complaint",
        "subject": subject,
        "text": "Caller says so",
        "caller_name": "Mr Tom Hale",
        "caller_phone": "020 7946 0777",
        **extra,
    }


def test_the_desk_names_the_contractor_and_changes_it_until_closed(
    client: Client, demo_settings: Settings
) -> None:
    by_code = contractors(demo_settings)
    cleaners, guards = by_code["BRIGHTWAY"], by_code["SENTINEL"]
    console_login(client, "D0001")
    form = client.get(f"{LIST}/new")
    assert form.status_code == 200
    assert f'<option value="{cleaners.id}"' in form.text
    assert f'<option value="{guards.id}"' in form.text

    subject = f"Ward 3 floor left wet {uuid.uuid4().hex[:6]}"
    saved = post(client, LIST, **complaint_fields(subject, contractor_id=str(cleaners.id)))
    assert saved.status_code == 303, saved.text
    match = ENQUIRY_URL.search(saved.headers["location"])
    assert match
    enquiry_id = match.group(1)
    page = client.get(f"{LIST}/{enquiry_id}")
    assert f'data-contractor="{cleaners.id}"' in page.text
    assert cleaners.name in page_text(page.text)
    listed = client.get(LIST, params={"kind": "complaint"})
    row = listed.text.split(f'data-enquiry="{enquiry_id}"')[1].split("</tr>")[0]
    assert cleaners.name in row, "the list shows whom it is about"

    # The facts come out: it was the guards' doing; then the desk clears and sets it again.
    moved = post(client, f"{LIST}/{enquiry_id}/contractor", contractor_id=str(guards.id))
    assert moved.status_code == 303
    assert f'data-contractor="{guards.id}"' in client.get(f"{LIST}/{enquiry_id}").text
    assert post(client, f"{LIST}/{enquiry_id}/contractor", contractor_id="").status_code == 303
    assert 'data-contractor=""' in client.get(f"{LIST}/{enquiry_id}").text
    assert (
        post(client, f"{LIST}/{enquiry_id}/contractor", contractor_id=str(guards.id)).status_code
        == 303
    )
    unknown = post(client, f"{LIST}/{enquiry_id}/contractor", contractor_id=str(uuid.uuid4()))
    assert unknown.status_code == 422
    assert error_fields(unknown.text) == {"contractor_id"}
    assert f'data-contractor="{guards.id}"' in unknown.text, "unchanged"

    assert post(client, f"{LIST}/{enquiry_id}/answer", answer="Apologised").status_code == 303
    assert post(client, f"{LIST}/{enquiry_id}/close").status_code == 303
    late = post(client, f"{LIST}/{enquiry_id}/contractor", contractor_id=str(cleaners.id))
    assert late.status_code == 409
    assert "It is closed: nothing more can change." in late.text
    assert f'data-contractor="{guards.id}"' in client.get(f"{LIST}/{enquiry_id}").text


def test_a_contractor_outside_scope_is_refused_and_nothing_is_saved(
    client: Client, demo_settings: Settings
) -> None:
    cleaners = contractors(demo_settings)["BRIGHTWAY"]
    console_login(client, "D0001")
    subject = f"Refused {uuid.uuid4().hex[:6]}"
    for choice in (str(uuid.uuid4()), "not-an-id"):
        refused = post(client, LIST, htmx=True, **complaint_fields(subject, contractor_id=choice))
        assert refused.status_code == 422
        assert error_fields(refused.text) == {"contractor_id"}
        assert "No contractor you can choose has this id" in refused.text
        assert subject in refused.text, "what was typed is kept"
    question = post(
        client,
        LIST,
        **complaint_fields(subject, kind="enquiry", contractor_id=str(cleaners.id)),
    )
    assert question.status_code == 422
    assert "Only a complaint names a contractor." in question.text
    client.cookies.set("rounds_lang", "zh")
    in_chinese = post(client, LIST, **complaint_fields(subject, contractor_id=str(uuid.uuid4())))
    assert "没有可选的该承包商" in in_chinese.text
    assert subject not in client.get(LIST).text, "nothing was saved"


def test_a_contractor_manager_reads_no_complaint_even_about_their_company(
    client: Client, demo_settings: Settings
) -> None:
    guards = contractors(demo_settings)["SENTINEL"]
    console_login(client, "D0001")
    saved = post(client, LIST, **complaint_fields("Guard asleep", contractor_id=str(guards.id)))
    match = ENQUIRY_URL.search(saved.headers["location"])
    assert match
    client.cookies.clear()
    console_login(client, "M0001")  # the SENTINEL manager
    assert client.get(LIST).status_code == 403
    assert client.get(f"{LIST}/{match.group(1)}").status_code == 403
    changed = post(client, f"{LIST}/{match.group(1)}/contractor", contractor_id="")
    assert changed.status_code == 403


def test_the_security_scorecard_counts_the_complaints_of_the_month(
    demo_settings: Settings,
) -> None:
    tag = uuid.uuid4().hex[:6].upper()

    async def fill(s: AsyncSession) -> tuple[uuid.UUID, list[db.Enquiry]]:
        desk = await s.scalar(select(col(db.User.id)).where(col(db.User.employee_no) == "D0001"))
        assert desk is not None
        company = db.Contractor(code=f"SC{tag}", name=f"Test Guards {tag}", service="security")
        s.add(company)
        await s.flush()

        def complaint(at: datetime, subject: str, contractor: uuid.UUID | None) -> db.Enquiry:
            return db.Enquiry(
                number=f"CP-S-{uuid.uuid4().hex[:10].upper()}",
                kind=db.EnquiryKind.COMPLAINT,
                contractor_id=contractor,
                subject=subject,
                caller_name="Porter",
                caller_phone="020 7946 0200",
                received_by_id=desk,
                received_at=at,
            )

        counted = [
            complaint(datetime(2043, 3, 2, 8, tzinfo=UTC), "Gate left open", company.id),
            complaint(datetime(2043, 3, 30, 23, tzinfo=UTC), "Rude at reception", company.id),
        ]
        others = [
            complaint(datetime(2043, 3, 5, 8, tzinfo=UTC), "Nobody named", None),
            complaint(datetime(2043, 2, 28, 23, tzinfo=UTC), "The month before", company.id),
        ]
        s.add_all(counted + others)
        await s.flush()
        return company.id, counted

    company_id, counted = in_session(demo_settings, fill)

    async def measure(s: AsyncSession, month: date) -> Measure:
        return (await security_measures(s, company_id, month))["security.complaint_count"]

    march = in_session(demo_settings, lambda s: measure(s, date(2043, 3, 1)))
    assert (march.value, march.unit, march.basis) == (2.0, Unit.COUNT, 2)
    assert [e.record_id for e in march.evidence] == [row.id for row in counted]
    assert march.evidence[0].label == f"Complaint {counted[0].number}: Gate left open"
    april = in_session(demo_settings, lambda s: measure(s, date(2043, 4, 1)))
    assert april == Measure(0.0, Unit.COUNT, (), 0)
