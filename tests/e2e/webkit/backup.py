"""Last night's backup of a server on PostgreSQL, and its restore: the database with
pg_dump and pg_restore (Debian's PostgreSQL client), the blob directory copied beside it.

A restore stops the server, drops and recreates its database from the dump, puts the
blob directory back as it was, and starts the server again on the same port: to a phone,
the same server, which has forgotten everything since the backup.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.databases import PG_SERVER
from tests.e2e.browser import FieldServer


def blob_dir(server: FieldServer) -> Path:
    state = Path(server.env["ROUNDS_STATE_DIR"])
    return Path(server.env.get("ROUNDS_BLOB_DIR", str(state / "blobs")))


class Backup:
    def __init__(self, server: FieldServer, database_url: str, directory: Path) -> None:
        self.server = server
        self.database = database_url.rsplit("/", 1)[1]
        self.dump = directory / "database.dump"
        self.blobs = directory / "blobs"
        directory.mkdir(parents=True, exist_ok=True)

    def take(self) -> None:
        run("pg_dump", "--format=custom", f"--file={self.dump}", f"{PG_SERVER}/{self.database}")
        source = blob_dir(self.server)
        if source.exists():
            shutil.copytree(source, self.blobs)
        else:
            self.blobs.mkdir()

    def restore(self) -> None:
        self.server.stop()
        admin = f"{PG_SERVER}/postgres"
        run("psql", "-X", "-q", admin, "-c", f'DROP DATABASE "{self.database}" WITH (FORCE)')
        run("psql", "-X", "-q", admin, "-c", f'CREATE DATABASE "{self.database}"')
        run(
            "pg_restore",
            "--exit-on-error",
            "--no-owner",
            f"--dbname={PG_SERVER}/{self.database}",
            str(self.dump),
        )
        target = blob_dir(self.server)
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(self.blobs, target)
        self.server.start()


def run(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, f"{' '.join(command[:1])} failed: {done.stderr}"
