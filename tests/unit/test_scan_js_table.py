"""The field app's GS1 table (pwa/src/scan/gs1-ais.js) is current and says what scanners/ reads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scanners.gs1_table import AI_RULES
from server.field_app.__main__ import main
from server.field_app.gs1_ais import OUTPUT, render
from server.field_app.precache import PWA_DIR


def committed_table() -> dict[str, Any]:
    text = (PWA_DIR / OUTPUT).read_text()
    body = text.split("export default Object.freeze(", 1)[1].rstrip().removesuffix(");")
    parsed: dict[str, Any] = json.loads(body)
    return parsed


def test_the_committed_table_is_current() -> None:
    assert (PWA_DIR / OUTPUT).read_text() == render(), "run `make pwa-rules`"


def test_the_table_holds_every_ai_with_its_rules() -> None:
    ais = committed_table()["ais"]
    assert set(ais) == set(AI_RULES)
    assert ais["17"] == [1, 6, 6, "N", r"(\d{2}(?:0\d|1[0-2])(?:[0-2]\d|3[01]))", 2, 0]
    assert ais["11"][5] == 1, "a production date names its day"
    assert ais["10"][:4] == [0, 1, 20, "X"]
    assert ais["01"][6] == [0, 14]


def test_the_command_writes_then_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pwa = tmp_path / "pwa"
    (pwa / OUTPUT).parent.mkdir(parents=True)
    assert main(["gs1-ais", "--check", "--pwa-dir", str(pwa)]) == 1
    assert "stale: run `make pwa-rules`" in capsys.readouterr().out
    assert main(["gs1-ais", "--pwa-dir", str(pwa)]) == 0
    assert main(["gs1-ais", "--check", "--pwa-dir", str(pwa)]) == 0
    (pwa / OUTPUT).write_text((pwa / OUTPUT).read_text().replace('"17":[1,6,6', '"17":[1,6,7'))
    assert main(["gs1-ais", "--check", "--pwa-dir", str(pwa)]) == 1
