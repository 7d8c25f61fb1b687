"""Shared steps of the repair loop, driven through pushed ops as the phones send them."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from tests.phone import Phone


def fake_sha(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()


def send(phone: Phone, name: str, **args: Any) -> dict[str, Any]:
    """Push one op and return its result."""
    result: dict[str, Any] = phone.results([phone.op(f"work_order.{name}", args)])[0]
    return result


def applied(phone: Phone, name: str, **args: Any) -> dict[str, Any]:
    result = send(phone, name, **args)
    assert result["status"] == "applied", result
    return result


@dataclass
class Cast:
    requester: Phone
    desk: Phone
    lead: Phone
    technician: Phone

    def get(self, path: str, **params: Any) -> Any:
        response = self.desk.http.get(path, headers=self.desk.headers, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def detail(self, order_id: str) -> Any:
        return self.get(f"/api/v1/work-orders/{order_id}")

    def team_id(self, code: str) -> str:
        return next(t["id"] for t in self.get("/api/v1/teams") if t["code"] == code)

    def icu_asset(self) -> dict[str, Any]:
        me = self.requester.http.get("/api/v1/auth/me", headers=self.requester.headers).json()
        assets = self.get("/api/v1/assets", limit=200)["items"]
        return next(a for a in assets if a["department_id"] == me["department_id"])

    def report(self, description: str = "Monitor shows no trace", priority: int = 2) -> str:
        order_id = str(uuid.uuid4())
        applied(
            self.requester,
            "report",
            work_order_id=order_id,
            description=description,
            priority=priority,
            asset_id=self.icu_asset()["id"],
        )
        return order_id

    def to_technician(self, order_id: str) -> None:
        """Dispatched to Electrical, assigned by its lead to the technician, accepted, started."""
        technician = self.technician.http.get(
            "/api/v1/auth/me", headers=self.technician.headers
        ).json()
        applied(self.desk, "dispatch", work_order_id=order_id, team_id=self.team_id("ELEC"))
        applied(self.lead, "assign", work_order_id=order_id, technician_id=technician["id"])
        applied(self.technician, "accept", work_order_id=order_id)
        applied(self.technician, "start", work_order_id=order_id)


def whoami(phone: Phone) -> dict[str, Any]:
    me: dict[str, Any] = phone.http.get("/api/v1/auth/me", headers=phone.headers).json()
    return me


def new_person(http: Any, role: str, **fields: Any) -> Phone:
    """A new account made by the administrator (the demo hospital is shared: never reused)."""
    admin = Phone(http, "A0001")
    number = f"X{uuid.uuid4().hex[:8].upper()}"
    response = http.post(
        "/api/v1/people",
        headers=admin.headers,
        json={
            "employee_no": number,
            "name": f"Test {role} {number}",
            "password": admin.password,
            "roles": [role],
            **fields,
        },
    )
    assert response.status_code in (200, 201), response.text
    return Phone(http, number)


def cast(http: Any) -> Cast:
    return Cast(
        Phone(http, "R0001"), Phone(http, "D0001"), Phone(http, "L0001"), Phone(http, "T0001")
    )
