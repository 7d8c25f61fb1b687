"""Helpers for console tests: sign in through the real form, read what a page shows."""

from __future__ import annotations

import html
import re
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from server.db.demo import DEMO_PASSWORD
from server.web.security import SESSION_COOKIE
from tests.conftest import api_login

Client = TestClient[Litestar]
CSRF_COOKIE = "csrftoken"  # Litestar's CSRFConfig default
TAG_CELL = re.compile(r"<code>([0-9A-Z]{10})</code>")
TOTAL = re.compile(r'data-total="(\d+)"')


def console_login(client: Client, employee_no: str, password: str = DEMO_PASSWORD) -> str:
    """Sign in as a person would: load the form (which sets the CSRF cookie), post it.

    Litestar's CSRF middleware accepts the token from the `_csrf_token` form field and
    compares it with the cookie, so the form's hidden field carries the cookie's value.
    Returns the session cookie's value.
    """
    page = client.get("/desk/login")
    assert page.status_code == 200
    token = client.cookies.get(CSRF_COOKIE)
    assert token, "the login page sets the CSRF cookie"
    assert f'value="{token}"' in page.text, "the form carries the token in a hidden field"
    response = client.post(
        "/desk/login",
        data={
            "employee_no": employee_no,
            "password": password,
            "next": "/desk/",
            "_csrf_token": token,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/desk/"
    session = client.cookies.get(SESSION_COOKIE)
    assert session
    return session


def api_json(client: Client, who: str, path: str, **params: Any) -> Any:
    """What the JSON API answers `who`: the reference the console pages are checked against."""
    response = client.get(path, headers=api_login(client, who), params=params)
    assert response.status_code == 200, response.text
    return response.json()


def page_text(body: str) -> str:
    return html.unescape(body)


def shown_total(body: str) -> int:
    match = TOTAL.search(body)
    assert match, "the list shows its total"
    return int(match.group(1))


def shown_tags(body: str) -> set[str]:
    return set(TAG_CELL.findall(body))


def is_full_page(body: str) -> bool:
    return "<html" in body
