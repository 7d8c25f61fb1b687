"""The desk acts for a ward only through the conflict queue: a refused rating, corrected
(`merge` with edited args), is applied as the requester who sent it, for their own
department; the desk cannot move it to another department."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from tests.conftest import api_login
from tests.integration.ratings.helpers import (
    SECURITY,
    Client,
    contractor_ids,
    contractor_line,
    department_ids,
    month_of,
    rate,
)
from tests.phone import Phone

pytestmark = pytest.mark.db
MONTH = date(2021, 7, 1)


def _merge(client: Client, op_id: str, args: dict[str, Any]) -> Any:
    response = client.post(
        f"/api/v1/conflicts/{op_id}/resolve",
        headers=api_login(client, "D0001"),
        json={"resolution": "merge", "args": args, "note": "Right contractor"},
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_the_desk_corrects_a_refused_rating_which_counts_as_the_wards(client: Client) -> None:
    contractors, departments = contractor_ids(client), department_ids(client)
    ward = Phone(client, "R0001")
    refused = rate(ward, str(uuid.uuid4()), departments["ICU"], MONTH, 4, "Good nights")
    assert refused["code"] == "unknown_contractor"
    args = refused["args"]

    moved = _merge(client, refused["op_id"], args | {"department_id": departments["RAD"]})
    assert moved["resolved"] is False
    assert moved["attempt"]["code"] == "not_your_department"

    fixed = _merge(client, refused["op_id"], args | {"contractor_id": contractors[SECURITY]})
    assert fixed["resolved"] is True, fixed
    (line,) = contractor_line(month_of(client, "D0001", MONTH), SECURITY)["departments"]
    assert (line["department_code"], line["score"]) == ("ICU", 4)
    assert (line["rated_by"], line["comment"]) == ("Dr Sophie Walsh", "Good nights")
