"""Dependencies point one way: the server uses sync and scanners, never the reverse."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "package", ["sync", "sync.hlc", "scanners", "scanners.tags", "scanners.labels"]
)
def test_package_imports_without_the_server_or_the_web(package: str) -> None:
    probe = (
        f"import sys, {package}; "
        "banned = {'server', 'litestar', 'sqlalchemy', 'sqlmodel'}; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in banned); "
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == ""
