"""/desk/ratings and /api/v1/ratings: the month per contractor with each department's
score and comment, the replaced ratings below, a CSV; a contractor manager sees their own
company only, on the page, in the CSV and over the API."""

from __future__ import annotations

import csv
import io

import pytest

from tests.conftest import api_login
from tests.integration.console_client import console_login
from tests.integration.ratings.helpers import (
    CLEANING,
    LIFTS,
    SECURITY,
    Client,
    contractor_ids,
    contractor_line,
    last_month,
    month_of,
)

pytestmark = pytest.mark.db


def test_the_demo_month_reads_per_contractor_with_departments_and_history(
    client: Client,
) -> None:
    report = month_of(client, "D0001", last_month())

    security = contractor_line(report, SECURITY)
    assert (security["mean_score"], security["ratings"]) == (3.5, 2)
    cleaning = contractor_line(report, CLEANING)
    icu = next(d for d in cleaning["departments"] if d["department_code"] == "ICU")
    assert (icu["score"], [old["score"] for old in icu["earlier"]]) == (3, [2])


def test_the_desk_page_shows_scores_comments_and_the_csv(client: Client) -> None:
    console_login(client, "D0001")
    month = f"{last_month():%Y-%m}"

    page = client.get("/desk/ratings", params={"month": month})

    assert page.status_code == 200
    assert 'data-contractor="SENTINEL"' in page.text
    assert "Terminal cleans slow at weekends." in page.text  # the replaced rating, kept
    assert 'data-earlier="ICU"' in page.text
    partial = client.get("/desk/ratings", params={"month": month}, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.text
    assert 'data-contractor="BRIGHTWAY"' in partial.text
    exported = client.get("/desk/ratings/export.csv", params={"month": month})
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(exported.text)))
    icu_cleaning = [
        (line["score"], line["counts"])
        for line in lines
        if (line["contractor_code"], line["department_code"]) == (CLEANING, "ICU")
    ]
    assert sorted(icu_cleaning) == [("2", "no"), ("3", "yes")]
    zh = client.get("/desk/ratings", params={"month": month}, headers={"Accept-Language": "zh-CN"})
    assert "外包单位满意度评价" in zh.text


def test_a_contractor_manager_reads_their_own_company_only(client: Client) -> None:
    contractors = contractor_ids(client)
    month = last_month()

    own = month_of(client, "M0001", month)
    assert [c["contractor_code"] for c in own["contractors"]] == [SECURITY]
    other = client.get(
        "/api/v1/ratings",
        headers=api_login(client, "M0001"),
        params={"month": f"{month:%Y-%m}", "contractor_id": contractors[CLEANING]},
    )
    assert other.status_code == 404
    assert "Brightway" not in other.text

    console_login(client, "M0001")
    page = client.get("/desk/ratings", params={"month": f"{month:%Y-%m}"})
    assert page.status_code == 200
    assert 'data-contractor="SENTINEL"' in page.text
    assert 'data-contractor="BRIGHTWAY"' not in page.text
    assert "Terminal cleans" not in page.text
    named = client.get(
        "/desk/ratings",
        params={"month": f"{month:%Y-%m}", "contractor_id": contractors[LIFTS]},
    )
    assert named.status_code == 404
    exported = client.get("/desk/ratings/export.csv", params={"month": f"{month:%Y-%m}"})
    codes = {line["contractor_code"] for line in csv.DictReader(io.StringIO(exported.text))}
    assert codes == {SECURITY}
