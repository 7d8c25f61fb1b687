"""The local blob store (`ROUNDS_BLOB_STORE=local`, the default): files on disk, shared by
every worker of one machine; nothing about an upload lives in memory.

    <blob_dir>/partial/<sha256>      bytes received so far (its size is the upload offset)
    <blob_dir>/<aa>/<sha256>         the finished blob (the cleaned rendition of a photo)
    <blob_dir>/thumbs/<sha256>.jpg   a photo's thumbnail

An upload holds an exclusive `flock` on its partial file, so two requests for the same
blob (a phone retrying while its first attempt still streams) never interleave bytes.
Finished files are written to a temporary name, fsynced and renamed into place.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import re
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from anyio import to_thread

from server.domain.blobs.storage import Staging, Stored
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

    def contents(self) -> bytes:
        assert self.fd is not None
        return os.pread(self.fd, os.fstat(self.fd).st_size, 0)

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


class LocalStaging:
    """`Staging` over a locked partial file."""

    def __init__(self, partial: PartialFile, target: Path) -> None:
        self.partial, self.target = partial, target

    async def held(self) -> int:
        return self.partial.held

    async def restart(self) -> None:
        self.partial.restart()

    async def append(self, chunk: bytes) -> None:
        self.partial.append(chunk)

    async def sync(self) -> None:
        self.partial.sync()

    async def sha256(self) -> str:
        return await to_thread.run_sync(self.partial.sha256)

    async def head(self, size: int) -> bytes:
        return self.partial.head(size)

    async def contents(self) -> bytes:
        return await to_thread.run_sync(self.partial.contents)

    async def promote(self) -> None:
        await to_thread.run_sync(self.partial.move_to, self.target)

    async def discard(self) -> None:
        self.partial.discard()


class LocalBlobStore:
    """`BlobStore` on the local file system under `ROUNDS_BLOB_DIR`."""

    name = "local"

    def __init__(self, root: Path) -> None:
        self.files = BlobFiles(root)

    async def held(self, sha256: str) -> int:
        return self.files.held(sha256)

    @asynccontextmanager
    async def staging(self, sha256: str) -> AsyncIterator[Staging]:
        with self.files.open_partial(sha256) as partial:
            yield LocalStaging(partial, self.files.blob_path(sha256))

    async def put(self, sha256: str, data: bytes, *, thumbnail: bool = False) -> None:
        path = self.files.thumbnail_path(sha256) if thumbnail else self.files.blob_path(sha256)
        await to_thread.run_sync(write_atomically, path, data)

    async def open(self, sha256: str, *, thumbnail: bool = False) -> Stored | None:
        path = self.files.thumbnail_path(sha256) if thumbnail else self.files.blob_path(sha256)
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            return None
        return Stored(size=size, path=path)

    async def check(self) -> None:
        """Write, fsync and remove a probe file where partial uploads go."""
        await to_thread.run_sync(self._probe)

    def _probe(self) -> None:
        directory = self.files.root / "partial"
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except FileExistsError as exc:  # a file where the directory should be
            raise NotADirectoryError(errno.ENOTDIR, "not a directory", str(directory)) from exc
        probe = directory / f".ready-{secrets.token_hex(6)}"
        write_atomically(probe, b"ready")
        probe.unlink()

    async def close(self) -> None:
        return None
