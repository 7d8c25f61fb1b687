"""Where blob bytes live, behind one interface: local files (the default) or S3.

`ROUNDS_BLOB_STORE` picks the implementation (server/settings.py). The receiver, the
download routes and the readiness check only speak to `BlobStore`; neither knows whether
a blob is a file under `ROUNDS_BLOB_DIR` or an object in a bucket.

An upload in progress is `Staging`: the bytes received so far for one blob. Its held size
is the resumable upload's offset, so it must survive the request, the process and a
restart; nothing about an upload lives in memory between requests.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class Stored:
    """A finished file to send: a path on this machine, or a stream of its bytes."""

    size: int
    path: Path | None = None
    chunks: AsyncIterator[bytes] | None = None


class Staging(Protocol):
    """The bytes of one unfinished upload, held for the life of the context."""

    async def held(self) -> int:
        """Bytes received so far, from the first byte on without a gap."""
        ...

    async def restart(self) -> None:
        """Forget what was held: the client sends the file again from byte 0."""
        ...

    async def append(self, chunk: bytes) -> None: ...

    async def sync(self) -> None:
        """Make every appended byte durable: what is held survives a crash after this."""
        ...

    async def sha256(self) -> str: ...

    async def head(self, size: int) -> bytes: ...

    async def contents(self) -> bytes:
        """All the held bytes (at most `ROUNDS_BLOB_MAX_BYTES`), to clean a photo."""
        ...

    async def promote(self) -> None:
        """Make the held bytes, as they are, the finished blob."""
        ...

    async def discard(self) -> None: ...


@runtime_checkable
class BlobStore(Protocol):
    name: str

    async def held(self, sha256: str) -> int:
        """Bytes of an unfinished upload (0 when none)."""
        ...

    def staging(self, sha256: str) -> AbstractAsyncContextManager[Staging]: ...

    async def put(self, sha256: str, data: bytes, *, thumbnail: bool = False) -> None:
        """Store a finished blob (or its thumbnail) whole: readers see all of it or none."""
        ...

    async def open(self, sha256: str, *, thumbnail: bool = False) -> Stored | None:
        """The finished blob or thumbnail to send; None when it is not there."""
        ...

    async def check(self) -> None:
        """Raise unless a blob could be stored now (the readiness check)."""
        ...

    async def close(self) -> None:
        """Release connections; the store opens them again when used after this."""
        ...
