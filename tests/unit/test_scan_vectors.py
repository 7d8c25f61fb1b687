"""Every shared scan vector (scanners/vectors/scans.json) reads as it says, every scanners
module's examples hold, and docs/scanning.md names every error and warning code."""

from __future__ import annotations

import doctest
import importlib
import json
import pkgutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import scanners
from scanners import SCAN_ERROR_CODES, SCAN_WARNING_CODES, ScanError, parse_scan

ROOT = Path(__file__).resolve().parents[2]
VECTORS: list[dict[str, Any]] = json.loads((ROOT / "scanners/vectors/scans.json").read_text())
TODAY = date(2026, 11, 23)


def _read(case: dict[str, Any]) -> dict[str, Any]:
    today = date.fromisoformat(case["today"]) if "today" in case else TODAY
    primary = parse_scan(case["primary"], today=today) if "primary" in case else None
    result = parse_scan(
        case["text"],
        symbology_id=case.get("symbology_id"),
        gs_substitutes=case.get("gs_substitutes", ()),
        today=today,
        primary=primary,
    )
    return result.to_dict()


@pytest.mark.parametrize("case", VECTORS, ids=[case["name"] for case in VECTORS])
def test_vector(case: dict[str, Any]) -> None:
    if "error" in case:
        with pytest.raises(ScanError) as raised:
            _read(case)
        assert raised.value.code == case["error"]["code"]
    else:
        assert _read(case) == case["expect"]


def test_the_vectors_cover_every_kind_error_and_warning() -> None:
    kinds = {case["expect"]["kind"] for case in VECTORS if "expect" in case}
    errors = {case["error"]["code"] for case in VECTORS if "error" in case}
    warnings = {w for case in VECTORS for w in case.get("expect", {}).get("warnings", ())}
    assert kinds == {"asset_tag", "gtin", "gs1", "hibc", "iso15434", "url", "opaque", "ambiguous"}
    assert errors == set(SCAN_ERROR_CODES)
    assert warnings == set(SCAN_WARNING_CODES)
    assert len(VECTORS) >= 80


@pytest.mark.parametrize(
    "module", [info.name for info in pkgutil.iter_modules(scanners.__path__, "scanners.")]
)
def test_the_examples_in_each_module_hold(module: str) -> None:
    assert doctest.testmod(importlib.import_module(module)).failed == 0


def test_the_scanning_doc_lists_every_code() -> None:
    doc = (ROOT / "docs/scanning.md").read_text()
    missing = [code for code in SCAN_ERROR_CODES + SCAN_WARNING_CODES if f"`{code}`" not in doc]
    assert not missing, f"docs/scanning.md does not list {missing}"
