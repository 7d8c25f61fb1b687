"""The `rounds` command as an operator uses it: migrate, load the demo, add a user, serve.

The server runs as real processes (two workers) and is reached over real HTTP, which also
shows that nothing it needs lives in one process's memory.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx

from tests.databases import scratch_database
from tests.servers import ROUNDS, server_env, serving


def _env(url: str, state: Path) -> dict[str, str]:
    return server_env(url, state)


def _rounds(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ROUNDS, *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_operator_sets_up_a_hospital_and_serves_it(backend: str, tmp_path: Path) -> None:
    with scratch_database(backend, tmp_path, migrate=False) as url:
        env = _env(url, tmp_path / "state")

        upgraded = _rounds(env, "db", "upgrade")
        assert upgraded.returncode == 0, upgraded.stderr

        loaded = _rounds(env, "demo", "load", "--size", "small")
        assert loaded.returncode == 0, loaded.stderr
        assert "Demo logins" in loaded.stdout
        assert "D0001" in loaded.stdout

        again = _rounds(env, "demo", "load", "--size", "small", "--if-empty")
        assert again.returncode == 0
        assert "already loaded" in again.stdout
        refused = _rounds(env, "demo", "load", "--size", "small")
        assert refused.returncode == 1

        created = _rounds(
            env,
            "user",
            "create",
            "--employee-no",
            "E7001",
            "--name",
            "Li Na",
            "--role",
            "technician",
            "--team",
            "ELEC",
            "--site",
            "EAST",
            stdin="a sturdy passphrase\n",
        )
        assert created.returncode == 0, created.stderr
        duplicate = _rounds(
            env,
            "user",
            "create",
            "--employee-no",
            "E7001",
            "--name",
            "Li Na",
            "--role",
            "technician",
            stdin="a sturdy passphrase\n",
        )
        assert duplicate.returncode == 2
        assert "already_exists" in duplicate.stderr

        with serving(env, workers=2) as server, httpx.Client(base_url=server.base) as http:
            login = http.post(
                "/api/v1/auth/login",
                json={"employee_no": "E7001", "password": "a sturdy passphrase"},
            )
            assert login.status_code == 200, login.text
            tokens = login.json()
            assert tokens["user"]["roles"] == ["technician"]
            # Rotation and reuse detection hold across workers: state is in the database.
            spent = []
            for _ in range(4):
                rotated = http.post(
                    "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
                )
                assert rotated.status_code == 200
                spent.append(tokens["refresh_token"])
                tokens = rotated.json()
            # The newest spent token is within the grace of a lost response; an older one
            # whose successor was used is a copy.
            again = http.post("/api/v1/auth/refresh", json={"refresh_token": spent[-1]})
            assert again.json()["refresh_token"] == tokens["refresh_token"]
            replay = http.post("/api/v1/auth/refresh", json={"refresh_token": spent[-2]})
            assert replay.json()["code"] == "refresh_reused"
            assert http.get("/desk/login").status_code == 200
