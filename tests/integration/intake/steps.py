"""Shared steps of the intake tests: the desk's forms posted as a browser (or htmx) would."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.integration.console_client import CSRF_COOKIE, Client
from tests.integration.work.loop import Cast

HTMX = {"HX-Request": "true"}
ORDER_URL = re.compile(r"/desk/orders/([0-9a-f-]{36})$")
DUPLICATE = re.compile(r'data-duplicate="([0-9a-f-]{36})"')
ERROR_FIELD = re.compile(r'data-error-field="(\w+)"')


def post(client: Client, path: str, *, htmx: bool = False, **fields: str) -> httpx.Response:
    token = client.cookies.get(CSRF_COOKIE)
    assert token, "sign in first: the console sets the CSRF cookie"
    return client.post(
        path,
        data={**fields, "_csrf_token": token},
        headers=HTMX if htmx else {},
        follow_redirects=False,
    )


def department_id(c: Cast, code: str) -> str:
    return str(next(d["id"] for d in c.get("/api/v1/departments") if d["code"] == code))


def a_room(c: Cast, *, skip: int = 0) -> dict[str, Any]:
    rooms = [loc for loc in c.get("/api/v1/locations", limit=200)["items"] if loc["kind"] == "room"]
    return rooms[skip]


def request_fields(c: Cast, **overrides: str) -> dict[str, str]:
    asset = c.icu_asset()
    fields = {
        "department_id": department_id(c, "ICU"),
        "pick": f"asset:{asset['id']}",
        "description": "Infusion pump alarms and will not start",
        "priority": "2",
        "caller_name": "Nurse Jane Doyle",
        "caller_phone": "+44 20 7946 0321",
    }
    return fields | overrides


def created_order(response: httpx.Response) -> str:
    """The new order's id from the redirect (303 for a form, HX-Redirect for htmx)."""
    location = response.headers.get("hx-redirect") or response.headers.get("location", "")
    match = ORDER_URL.search(location)
    assert match, (response.status_code, response.headers, response.text[:400])
    return match.group(1)


def error_fields(body: str) -> set[str]:
    return set(ERROR_FIELD.findall(body))
