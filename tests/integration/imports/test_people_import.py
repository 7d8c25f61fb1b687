"""Importing people: roles and sites by code, mistakes by line and column; re-import
changes nothing, a changed role is one update; an imported account cannot sign in until
an admin sets its password with `rounds user password`; the export imports back."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.ext.asyncio import AsyncSession

from server.cli import main
from server.domain.imports.service import ImportResult, export_file, run_import
from server.settings import Settings
from tests.integration.imports.conftest import run_in_session

pytestmark = pytest.mark.db
HEADER = "employee_no,name,roles,team,contractor,department,sites,phone,active"


def _import(settings: Settings, lines: list[str], *, dry_run: bool = False) -> ImportResult:
    async def work(session: AsyncSession) -> ImportResult:
        data = "\n".join([HEADER, *lines]).encode()
        return await run_import(session, "people", data, "staff.csv", dry_run=dry_run, user_id=None)

    return run_in_session(settings, work)


def _login(client: TestClient[Litestar], employee_no: str, password: str) -> int:
    response = client.post(
        "/api/v1/auth/login", json={"employee_no": employee_no, "password": password}
    )
    return response.status_code


def test_people_import_then_password(
    import_settings: Settings,
    import_client: TestClient[Litestar],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    wrong = [
        "T9001,Wei Zhang,technician,ELEC,,,EAST,,yes",
        "T9002,Li Na,wizard,ELEC,,,EAST,,yes",  # line 3: no such role
        "T9003,Chen Jie,technician,NOTEAM,,,EAST,,yes",  # line 4
        "T9004,Wang Fang,technician,ELEC,,,MOON,,yes",  # line 5
    ]
    refused = _import(import_settings, wrong)
    assert [(e.line, e.column) for e in refused.errors] == [
        (3, "roles"),
        (4, "team"),
        (5, "sites"),
    ]
    lines = ["T9001,Wei Zhang,technician,ELEC,,,EAST,,yes", "T9005,Zhou Min,desk,,,,,,yes"]
    first = _import(import_settings, lines)
    assert (first.applied, first.created) == (True, 2)
    assert _import(import_settings, lines).unchanged == 2
    promoted = _import(
        import_settings, [lines[0].replace("technician", "technician team_lead"), lines[1]]
    )
    assert (promoted.updated, promoted.unchanged) == (1, 1)

    assert _login(import_client, "T9001", "") != 200
    assert _login(import_client, "T9001", "decoy password for unknown employee numbers") == 401
    monkeypatch.setenv("ROUNDS_DATABASE_URL", import_settings.database.url)
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    assert main(["user", "password", "--employee-no", "T9001"]) == 0
    assert "T9001" in capsys.readouterr().out
    assert _login(import_client, "T9001", "a-long-password") == 200
    me = import_client.get(
        "/api/v1/auth/me",
        headers={
            "Authorization": "Bearer "
            + import_client.post(
                "/api/v1/auth/login",
                json={"employee_no": "T9001", "password": "a-long-password"},
            ).json()["access_token"]
        },
    ).json()
    assert sorted(me["roles"]) == ["team_lead", "technician"]

    async def round_trip(session: AsyncSession) -> ImportResult:
        data = await export_file(session, "people", "xlsx")
        return await run_import(session, "people", data, "p.xlsx", dry_run=True, user_id=None)

    result = run_in_session(import_settings, round_trip)
    assert result.errors == []
    assert (result.created, result.updated, result.unchanged) == (0, 0, result.rows)


def test_cli_password_for_an_unknown_person_fails(
    import_settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ROUNDS_DATABASE_URL", import_settings.database.url)
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    assert main(["user", "password", "--employee-no", "NOBODY"]) == 2
