"""The README's commands and tree exist as written."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from server.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def _fenced_after(heading: str) -> str:
    section = README.split(heading, 1)[1]
    match = re.search(r"```(?:sh)?\n(.*?)```", section, re.S)
    assert match, f"no code block under {heading}"
    return match.group(1)


def test_every_path_in_the_layout_exists() -> None:
    tree = _fenced_after("## Layout")
    paths = [line.split()[0] for line in tree.splitlines() if line.strip()]
    assert len(paths) > 10
    missing = [path for path in paths if not (ROOT / path).exists()]
    assert missing == []


def test_every_make_target_named_exists() -> None:
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][\w-]*):", makefile, re.M))
    named = set(re.findall(r"`make (\w+)`", README)) | set(
        re.findall(r"^make (\w+)$", README, re.M)
    )
    assert {"run", "test"} <= named
    assert named <= targets


def test_ci_runs_make_test() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def _documented_commands() -> list[list[str]]:
    block = _fenced_after("## Command line").replace("\\\n", " ")
    commands = []
    for raw in block.splitlines():
        line = re.sub(r"^echo \S+ \|\s*", "", raw.strip())
        if line.startswith("rounds "):
            words = re.sub(r"\[([^\]]*)\]", lambda m: m.group(1).split("|")[0], line)
            commands.append(shlex.split(words)[1:])
    return commands


@pytest.mark.parametrize("argv", _documented_commands(), ids=lambda argv: " ".join(argv[:2]))
def test_documented_command_lines_parse(argv: list[str]) -> None:
    build_parser().parse_args(argv)


def test_documented_settings_are_read_by_the_code() -> None:
    names = set(re.findall(r"`(ROUNDS_[A-Z_]+)`", README.split("## Settings", 1)[1]))
    source = (ROOT / "server" / "settings.py").read_text()
    assert names
    assert {name for name in names if f'"{name}"' not in source} == set()
