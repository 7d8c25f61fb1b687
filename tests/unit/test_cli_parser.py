"""The CLI accepts the commands the README documents."""

from __future__ import annotations

import pytest

from server.cli import build_parser


def test_documented_commands_parse() -> None:
    parser = build_parser()
    serve = parser.parse_args(["serve", "--host", "0.0.0.0", "--port", "9000", "--workers", "4"])
    assert (serve.host, serve.port, serve.workers) == ("0.0.0.0", 9000, 4)
    assert parser.parse_args(["demo", "load", "--size", "large"]).size == "large"
    user = parser.parse_args(
        [
            "user",
            "create",
            "--employee-no",
            "1",
            "--name",
            "N",
            "--role",
            "desk",
            "--role",
            "admin",
            "--team",
            "T",
            "--contractor",
            "C",
            "--site",
            "EAST",
        ]
    )
    assert user.role == ["desk", "admin"]
    assert user.site == ["EAST"]


def test_unknown_demo_size_is_refused() -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["demo", "load", "--size", "gigantic"])
