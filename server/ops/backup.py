"""`rounds backup DIR` / `rounds restore DIR`: the database and the blob files, checked.

A backup directory holds:

    database.sqlite3 | database.pgdump   the database (sqlite3 online backup / pg_dump -Fc)
    blobs/<relative path>                 every finished blob and thumbnail
    manifest.json                         when, database kind, migration revision, and the
                                          SHA-256 and size of every blob file

The backup is safe while the server runs: SQLite's online backup API copies a consistent
snapshot page by page, pg_dump reads in one snapshot. Blob files are written once and never
changed (content-addressed), so copying them beside a running server is safe; a photo still
uploading (`partial/`) is left out, and its phone resumes the upload after a restore.

A restore verifies every blob against the manifest before it touches anything, replaces the
database, migrates it to this code's head, copies the blobs back, and gives the database a
new epoch: every phone's next pull is answered `reset`, and each phone sends again the ops
it holds (acknowledged since the backup, or still queued), which apply once. The server must
be stopped while a restore runs.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from alembic.script import ScriptDirectory

from server.db.migrate import alembic_config, upgrade

MANIFEST = "manifest.json"
BLOBS = "blobs"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
CHUNK = 1024 * 1024
# Files under the blob directory that are not finished blobs: uploads still arriving.
SKIPPED_DIRS = {"partial"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message tells the operator why."""


@dataclass(frozen=True)
class BlobEntry:
    path: str  # relative to the blob directory, with "/" separators
    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest:
    created_at: str
    database: str  # "sqlite" or "postgresql"
    revision: str
    blobs: list[BlobEntry]

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": 1,
                "created_at": self.created_at,
                "database": self.database,
                "revision": self.revision,
                "blobs": [b.__dict__ for b in self.blobs],
            },
            indent=2,
        )

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        path = directory / MANIFEST
        if not path.is_file():
            raise BackupError(f"{path} is missing: {directory} is not a Rounds backup")
        try:
            data: dict[str, Any] = json.loads(path.read_text())
            blobs = [
                BlobEntry(str(b["path"]), str(b["sha256"]), int(b["size"])) for b in data["blobs"]
            ]
            return cls(str(data["created_at"]), str(data["database"]), str(data["revision"]), blobs)
        except (ValueError, KeyError, TypeError) as exc:
            raise BackupError(f"{path} is not a readable manifest: {exc}") from exc


def database_kind(url: str) -> str:
    if url.startswith("sqlite"):
        return "sqlite"
    if url.startswith("postgresql"):
        return "postgresql"
    raise BackupError(
        f"cannot back up a database at {url.split(':', 1)[0]}: only SQLite and PostgreSQL"
    )


def _sqlite_path(url: str) -> Path:
    return Path(url.split("///", 1)[1])


def _libpq_url(url: str) -> str:
    """postgresql+asyncpg://... as pg_dump, pg_restore and asyncpg read it."""
    rest = url.split("://", 1)[1]
    return f"postgresql://{rest}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _blob_files(blob_dir: Path) -> list[Path]:
    if not blob_dir.is_dir():
        return []
    files = []
    for path in sorted(blob_dir.rglob("*")):
        relative = path.relative_to(blob_dir)
        if path.is_file() and relative.parts[0] not in SKIPPED_DIRS and ".tmp" not in path.name:
            files.append(path)
    return files


def _copy_atomically(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.restoring")
    shutil.copyfile(source, tmp)
    with tmp.open("rb") as handle:
        os.fsync(handle.fileno())
    tmp.replace(target)


def _run(command: list[str]) -> None:
    try:
        # The command is pg_dump/pg_restore with the configured URL, not user input.
        done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(
            f"{command[0]} is not installed (PostgreSQL client tools needed)"
        ) from exc
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")


# --- database ------------------------------------------------------------------------


def _sqlite_copy(source: Path, target: Path) -> None:
    """The online backup API: a consistent copy even while the server writes."""
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _sqlite_revision(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error as exc:
        raise BackupError(f"{path} holds no migrated Rounds database: {exc}") from exc
    finally:
        connection.close()
    return str(row[0]) if row else ""


async def _pg(url: str, *statements: str) -> list[Any]:
    connection = await asyncpg.connect(_libpq_url(url), timeout=30)
    try:
        results = []
        async with connection.transaction():
            for statement in statements:
                results.append(await connection.fetchval(statement))
        return results
    finally:
        await connection.close()


def _refuse_while_connected(url: str) -> None:
    """A server still connected would wait on the dropped tables or serve a half-restored
    database: the restore waits for nobody and says so."""
    others = asyncio.run(
        _pg(
            url,
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
    )[0]
    if others:
        raise BackupError(
            f"{others} other connection(s) are open to the database: stop the Rounds server "
            "(every worker) before restoring; nothing was restored"
        )


def _new_epoch_sql() -> str:
    # A fresh UUID is the only value put in: nothing from outside reaches the statement.
    return f"UPDATE sync_setting SET value = '{uuid.uuid4()}' WHERE key = 'epoch'"  # noqa: S608


def _bump_sqlite_epoch(path: Path) -> None:
    connection = sqlite3.connect(path)
    try:
        with connection:
            connection.execute(_new_epoch_sql())
    finally:
        connection.close()


# --- backup --------------------------------------------------------------------------


def backup(database_url: str, blob_dir: Path, directory: Path) -> Manifest:
    """Write a backup of the database and the blob files into `directory` (new or empty)."""
    kind = database_kind(database_url)
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: back up into a new directory")
    directory.mkdir(parents=True, exist_ok=True)
    created_at = datetime.now(UTC).isoformat(timespec="seconds")
    if kind == "sqlite":
        source = _sqlite_path(database_url)
        if not source.is_file():
            raise BackupError(f"no SQLite database at {source}")
        _sqlite_copy(source, directory / SQLITE_FILE)
        revision = _sqlite_revision(directory / SQLITE_FILE)
    else:
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "-f",
                str(directory / PG_FILE),
                _libpq_url(database_url),
            ]
        )
        revision = str(asyncio.run(_pg(database_url, "SELECT version_num FROM alembic_version"))[0])
    entries = []
    for path in _blob_files(blob_dir):
        relative = path.relative_to(blob_dir).as_posix()
        copy = directory / BLOBS / relative
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)
        # Hash the copy, so the manifest vouches for what the backup holds.
        entries.append(BlobEntry(relative, _sha256(copy), copy.stat().st_size))
    manifest = Manifest(created_at, kind, revision, entries)
    (directory / MANIFEST).write_text(manifest.to_json())
    return manifest


# --- restore -------------------------------------------------------------------------


def verify(directory: Path) -> Manifest:
    """Check the backup is whole: the database file and every blob, hash and size."""
    manifest = Manifest.read(directory)
    database_file = directory / (SQLITE_FILE if manifest.database == "sqlite" else PG_FILE)
    if not database_file.is_file():
        raise BackupError(f"{database_file} is missing from the backup")
    bad = []
    for entry in manifest.blobs:
        path = directory / BLOBS / entry.path
        if not path.is_file():
            bad.append(f"{entry.path} (missing)")
        elif path.stat().st_size != entry.size or _sha256(path) != entry.sha256:
            bad.append(f"{entry.path} (SHA-256 differs from the manifest)")
    if bad:
        listed = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        raise BackupError(
            f"the backup in {directory} is damaged, nothing was restored: "
            f"{len(bad)} blob file(s) do not match manifest.json: {listed}"
        )
    return manifest


def _refuse_unknown_revision(revision: str) -> None:
    """A backup made by newer code has a schema this code cannot run, nor migrate down."""
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    known = {script.revision for script in scripts.walk_revisions()}
    if revision not in known:
        raise BackupError(
            f"the backup is at migration {revision!r}, which this version of Rounds does not "
            "know (made by a newer version?): restore it with that version; nothing was restored"
        )


def restore(database_url: str, blob_dir: Path, directory: Path) -> Manifest:
    """Replace the database and add the blob files from a verified backup; new epoch."""
    kind = database_kind(database_url)
    manifest = verify(directory)
    if manifest.database != kind:
        raise BackupError(
            f"the backup holds a {manifest.database} database; this server uses {kind}"
        )
    _refuse_unknown_revision(manifest.revision)
    if kind == "sqlite":
        target = _sqlite_path(database_url)
        target.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(directory / SQLITE_FILE, target)
    else:
        _refuse_while_connected(database_url)
        # Empty the schema first, so tables a later migration added do not survive.
        asyncio.run(_pg(database_url, "DROP SCHEMA public CASCADE", "CREATE SCHEMA public"))
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                "-d",
                _libpq_url(database_url),
                str(directory / PG_FILE),
            ]
        )
    upgrade(database_url)  # a backup from older code is brought to this code's schema
    for entry in manifest.blobs:
        _copy_atomically(directory / BLOBS / entry.path, blob_dir / entry.path)
    if kind == "sqlite":
        _bump_sqlite_epoch(_sqlite_path(database_url))
    else:
        asyncio.run(_pg(database_url, _new_epoch_sql()))
    return manifest
