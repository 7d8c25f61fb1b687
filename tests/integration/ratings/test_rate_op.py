"""`contractor.rate` pushed over HTTP: it counts for the month it names, a later rating of
the month replaces the earlier (kept), and bad ratings are refused with stable codes."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.integration.ratings.helpers import (
    CLEANING,
    LIFTS,
    SECURITY,
    Client,
    contractor_ids,
    contractor_line,
    department_ids,
    last_month,
    month_of,
    rate,
    this_month,
)
from tests.phone import Phone

pytestmark = pytest.mark.db


def test_a_pushed_rating_reaches_the_desk_and_the_phone(client: Client) -> None:
    contractors, departments = contractor_ids(client), department_ids(client)
    phone = Phone(client, "R0001")
    phone.pull_all()
    # The contractors serving the East Campus reach the ICU's phone, with no score.
    assert {row["code"] for row in phone.of_type("contractor").values()} >= {SECURITY, CLEANING}

    result = rate(phone, contractors[SECURITY], departments["ICU"], this_month(), 4, "Calm nights")

    assert result["status"] == "applied", result
    line = contractor_line(month_of(client, "D0001", this_month()), SECURITY)
    icu = next(d for d in line["departments"] if d["department_code"] == "ICU")
    assert (icu["score"], icu["comment"], icu["rated_by"]) == (4, "Calm nights", "Dr Sophie Walsh")
    assert icu["op_hash"] == result["op_hash"]
    phone.pull_all()
    mine = [r for r in phone.of_type("contractor_rating").values() if r["score"] == 4]
    assert any(r["contractor_id"] == contractors[SECURITY] for r in mine)
    assert all("op_hash" not in r for r in phone.of_type("contractor_rating").values())


def test_a_second_rating_of_the_month_replaces_the_first_which_is_kept(client: Client) -> None:
    contractors, departments = contractor_ids(client), department_ids(client)
    month = date(2021, 2, 1)
    ward, other_phone = Phone(client, "R0001"), Phone(client, "R0001")
    made_first = (datetime.now(UTC) - timedelta(minutes=30)).isoformat(timespec="milliseconds")

    assert rate(ward, contractors[CLEANING], departments["ICU"], month, 2)["status"] == "applied"
    assert rate(ward, contractors[CLEANING], departments["ICU"], month, 5, "Fixed")["status"] == (
        "applied"
    )
    # A rating made earlier on another phone of the ward, synced only now: history only.
    late = rate(
        other_phone, contractors[CLEANING], departments["ICU"], month, 1, client_time=made_first
    )
    assert late["status"] == "applied"

    line = contractor_line(month_of(client, "S0001", month), CLEANING)
    assert (line["ratings"], line["mean_score"]) == (1, 5.0)
    (icu,) = line["departments"]
    assert (icu["score"], icu["comment"]) == (5, "Fixed")
    assert sorted(old["score"] for old in icu["earlier"]) == [1, 2]


def test_a_rating_made_last_month_that_arrives_this_month_counts_for_last_month(
    client: Client,
) -> None:
    contractors, departments = contractor_ids(client), department_ids(client)
    phone = Phone(client, "R0002")
    # Radiology did not rate the lift contractor in the demo month.
    result = rate(phone, contractors[LIFTS], departments["RAD"], last_month(), 2, "Lift 3 stuck")

    assert result["status"] == "applied"
    assert (
        contractor_line(month_of(client, "D0001", last_month()), LIFTS)["departments"][-1][
            "comment"
        ]
        == "Lift 3 stuck"
    )
    now = contractor_line(month_of(client, "D0001", this_month()), LIFTS)
    assert all(d["department_code"] != "RAD" for d in now["departments"])


def test_bad_ratings_are_refused_with_stable_codes(client: Client) -> None:
    contractors, departments = contractor_ids(client), department_ids(client)
    phone = Phone(client, "R0001")
    security, icu = contractors[SECURITY], departments["ICU"]
    month = date(2021, 3, 1)
    upcoming = (this_month() + timedelta(days=62)).replace(day=1)
    cases = [
        (security, icu, month, 0, "score_out_of_range"),
        (security, icu, month, 6, "score_out_of_range"),
        (security, icu, upcoming, 3, "month_in_future"),
        (security, icu, date(2021, 3, 15), 3, "invalid_month"),
        (str(uuid.uuid4()), icu, month, 3, "unknown_contractor"),
        (security, departments["RAD"], month, 3, "not_your_department"),
    ]
    for contractor, department, when, score, code in cases:
        result = rate(phone, contractor, department, when, score)
        assert (result["status"], result.get("code")) == ("rejected", code), (when, score)
        assert result["message"]
    line = contractor_line(month_of(client, "D0001", month), SECURITY)
    assert (line["ratings"], line["mean_score"], line["departments"]) == (0, None, [])


def test_only_clinical_staff_may_send_a_rating(client: Client) -> None:
    contractors, departments = contractor_ids(client), department_ids(client)
    for who in ("D0001", "M0001", "G0001"):
        phone = Phone(client, who)
        result = rate(phone, contractors[SECURITY], departments["ICU"], date(2021, 4, 1), 3)
        assert (result["status"], result.get("code")) == ("rejected", "forbidden"), who
