"""Generated reference docs match the code."""

from __future__ import annotations

from pathlib import Path

from server.docs import errors_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_error_code_reference_is_current() -> None:
    assert (ROOT / "docs" / "errors.md").read_text() == errors_markdown(), "run `make docs`"
