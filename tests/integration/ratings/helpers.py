"""A ward's phone rating contractors over real HTTP, and the desk reading the month."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from tests.conftest import api_login
from tests.phone import Phone

Client = TestClient[Litestar]
SECURITY, CLEANING, LIFTS = "SENTINEL", "BRIGHTWAY", "APEXLIFT"


def contractor_ids(client: Client) -> dict[str, str]:
    found = client.get("/api/v1/contractors", headers=api_login(client, "D0001")).json()
    return {row["code"]: row["id"] for row in found}


def department_ids(client: Client) -> dict[str, str]:
    found = client.get("/api/v1/departments", headers=api_login(client, "D0001")).json()
    return {row["code"]: row["id"] for row in found}


def rate(
    phone: Phone,
    contractor_id: str,
    department_id: str,
    month: date,
    score: int,
    comment: str = "",
    **op: Any,
) -> dict[str, Any]:
    """Push one `contractor.rate` op; its result."""
    body = phone.op(
        "contractor.rate",
        {
            "rating_id": str(uuid.uuid4()),
            "contractor_id": contractor_id,
            "department_id": department_id,
            "month": month.isoformat(),
            "score": score,
            "comment": comment,
        },
        **op,
    )
    return phone.results([body])[0] | {"op_hash": phone.last_hash, "args": body["args"]}


def month_of(client: Client, who: str, month: date, **params: str) -> Any:
    response = client.get(
        "/api/v1/ratings",
        headers=api_login(client, who),
        params={"month": f"{month:%Y-%m}", **params},
    )
    assert response.status_code == 200, response.text
    return response.json()


def contractor_line(report: Any, code: str) -> Any:
    return next(c for c in report["contractors"] if c["contractor_code"] == code)


def this_month() -> date:
    return datetime.now(UTC).date().replace(day=1)


def last_month() -> date:
    return (this_month() - timedelta(days=1)).replace(day=1)
