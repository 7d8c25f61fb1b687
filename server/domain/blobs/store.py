"""The blob files on disk, shared by every worker; nothing about an upload lives in memory.

    <blob_dir>/partial/<sha256>      bytes received so far (its size is the upload offset)
    <blob_dir>/<aa>/<sha256>         the finished blob (the cleaned rendition of a photo)
    <blob_dir>/thumbs/<sha256>.jpg   a photo's thumbnail

An upload holds an exclusive `flock` on its partial file, so two requests for the same
blob (a phone retrying while its first attempt still streams) never interleave bytes.
Finished files are written to a temporary name, fsynced and renamed into place.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import secrets
from pathlib import Path

from server.errors import UploadInProgress

SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
READ_CHUNK = 1024 * 1024


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def write_atomically(path: Path, data: bytes) -> None:
    """Temp file in the same directory, fsync, rename: readers see all of it or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        _write_all(fd, data)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    tmp.replace(path)
    _fsync_dir(path.parent)


class PartialFile:
    """The partial upload of one blob, locked for the life of this object."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise UploadInProgress(
                    "This file is still being received on another connection; retry shortly."
                ) from None
            # The holder before us may have finished and removed the file: lock the new one.
            with contextlib.suppress(FileNotFoundError):
                if os.stat(path).st_ino == os.fstat(fd).st_ino:
                    break
            os.close(fd)
        self.fd: int | None = fd

    @property
    def held(self) -> int:
        assert self.fd is not None
        return os.fstat(self.fd).st_size

    def restart(self) -> None:
        assert self.fd is not None
        os.ftruncate(self.fd, 0)

    def append(self, chunk: bytes) -> None:
        assert self.fd is not None
        os.lseek(self.fd, 0, os.SEEK_END)
        _write_all(self.fd, chunk)

    def sync(self) -> None:
        assert self.fd is not None
        os.fsync(self.fd)

    def head(self, size: int) -> bytes:
        assert self.fd is not None
        return os.pread(self.fd, size, 0)

    def sha256(self) -> str:
        assert self.fd is not None
        digest = hashlib.sha256()
        offset = 0
        while chunk := os.pread(self.fd, READ_CHUNK, offset):
            digest.update(chunk)
            offset += len(chunk)
        return digest.hexdigest()

    def move_to(self, target: Path) -> None:
        """Make these bytes the finished blob (same file system: a rename)."""
        self.sync()
        target.parent.mkdir(parents=True, exist_ok=True)
        self.path.replace(target)
        _fsync_dir(target.parent)

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # releases the lock
            self.fd = None

    def __enter__(self) -> PartialFile:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class BlobFiles:
    """Where each blob's files are under `root` (the `ROUNDS_BLOB_DIR` setting)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def partial_path(self, sha256: str) -> Path:
        return self.root / "partial" / sha256

    def blob_path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def thumbnail_path(self, sha256: str) -> Path:
        return self.root / "thumbs" / f"{sha256}.jpg"

    def held(self, sha256: str) -> int:
        """Bytes of an unfinished upload on disk (0 when none)."""
        try:
            return self.partial_path(sha256).stat().st_size
        except FileNotFoundError:
            return 0

    def open_partial(self, sha256: str) -> PartialFile:
        return PartialFile(self.partial_path(sha256))
