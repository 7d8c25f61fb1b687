"""The console's import pages: an admin checks a file (every error listed by line and
column, nothing written), applies a clean one (recorded under their name), downloads
templates and exports; nobody else opens them, and an oversized file is refused."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.console.imports import MAX_IMPORT_BYTES
from server.db import models as db
from server.settings import Settings
from tests.integration.console_client import CSRF_COOKIE, console_login, page_text
from tests.integration.imports.conftest import run_in_session
from tests.integration.imports.test_asset_import import HEADER, _place, _rows
from tests.integration.test_authorisation import DEMO_USER_BY_ROLE

Client = TestClient[Litestar]
pytestmark = pytest.mark.db
KEPT = re.compile(r'name="kept" value="([0-9a-f]{64}\.csv)"')


def _upload(client: Client, text: str, name: str = "assets.csv") -> str:
    response = client.post(
        "/desk/imports/check",
        data={"kind": "assets", "_csrf_token": client.cookies.get(CSRF_COOKIE)},
        files={"file": (name, text.encode("utf-8"), "text/csv")},
    )
    assert response.status_code == 200, response.text
    return response.text


def _assets(settings: Settings, prefix: str) -> int:
    async def work(session: AsyncSession) -> int:
        stmt = select(func.count()).where(col(db.Asset.tag_code).startswith(prefix))
        return await session.scalar(stmt) or 0

    return run_in_session(settings, work)


def test_admin_checks_then_applies_a_file(import_client: Client, import_settings: Settings) -> None:
    console_login(import_client, "A0001")
    assert "Import and export" in import_client.get("/desk/imports").text
    p = _place(import_settings)
    good = _rows(p, "WEB", 3)
    broken = [good[0], good[1].replace(p.building, "NOWHERE"), good[2].replace("2027-01-31", "x")]
    body = page_text(_upload(import_client, "\n".join([HEADER, *broken])))
    assert 'data-line="3" data-column="building"' in body
    assert 'data-line="4" data-column="warranty_end"' in body
    assert "NOWHERE" in body
    assert 'action="/desk/imports/apply"' not in body  # no "Apply" for a file with errors
    assert _assets(import_settings, "WEB") == 0

    body = _upload(import_client, "\n".join([HEADER, *good]), "three.csv")
    assert 'data-count="created">3<' in body
    kept = KEPT.search(body)
    assert kept
    applied = import_client.post(
        "/desk/imports/apply",
        data={
            "kind": "assets",
            "kept": kept.group(1),
            "file_name": "three.csv",
            "_csrf_token": import_client.cookies.get(CSRF_COOKIE),
        },
    )
    assert applied.status_code == 200, applied.text
    assert "Imported three.csv" in page_text(applied.text)
    assert _assets(import_settings, "WEB") == 3

    async def recorded(session: AsyncSession) -> tuple[str, int] | None:
        row = (
            await session.execute(
                select(col(db.User.employee_no), col(db.ImportRun.created))
                .join(db.User, col(db.User.id) == col(db.ImportRun.user_id))
                .where(col(db.ImportRun.file_name) == "three.csv")
            )
        ).one_or_none()
        return (row[0], row[1]) if row else None

    assert run_in_session(import_settings, recorded) == ("A0001", 3)
    # The history on the page names who imported it.
    assert "three.csv" in import_client.get("/desk/imports").text


def test_templates_and_exports_download(import_client: Client) -> None:
    console_login(import_client, "A0001")
    template = import_client.get("/desk/imports/assets/template/csv")
    assert template.status_code == 200
    assert template.content.decode("utf-8-sig").splitlines()[0] == HEADER
    exported = import_client.get("/desk/imports/assets/export/xlsx")
    assert exported.status_code == 200
    assert exported.content[:2] == b"PK"  # a zip container: an XLSX workbook
    body = import_client.post(
        "/desk/imports/check",
        data={"kind": "assets", "_csrf_token": import_client.cookies.get(CSRF_COOKIE)},
        files={"file": ("assets.xlsx", exported.content, "application/octet-stream")},
    ).text
    assert 'data-count="created">0<' in body
    assert 'data-count="updated">0<' in body
    assert "import-errors" not in body


def test_an_oversized_file_is_refused(import_client: Client) -> None:
    console_login(import_client, "A0001")
    response = import_client.post(
        "/desk/imports/check",
        data={"kind": "assets", "_csrf_token": import_client.cookies.get(CSRF_COOKIE)},
        files={"file": ("big.csv", b"x" * (MAX_IMPORT_BYTES + 128 * 1024), "text/csv")},
    )
    assert response.status_code == 413


@pytest.mark.parametrize("role", sorted(set(DEMO_USER_BY_ROLE) - {"admin"}))
def test_only_admin_opens_the_import_pages(import_client: Client, role: str) -> None:
    console_login(import_client, DEMO_USER_BY_ROLE[role])
    for path in (
        "/desk/imports",
        "/desk/imports/assets/template/csv",
        "/desk/imports/assets/export/csv",
    ):
        assert import_client.get(path).status_code == 403, (path, role)
    # Without a file: a refused request's parsed upload would never be closed by a handler.
    for path in ("/desk/imports/check", "/desk/imports/apply"):
        response = import_client.post(
            path, data={"kind": "assets", "_csrf_token": import_client.cookies.get(CSRF_COOKIE)}
        )
        assert response.status_code == 403, (path, role)
