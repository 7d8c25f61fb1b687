"""The S3 blob store (`ROUNDS_BLOB_STORE=s3`): objects in an S3-compatible bucket, shared by
every server that can reach it (AWS S3, MinIO, Ceph RGW, Garage...).

    <prefix>blobs/<aa>/<sha256>                   the finished blob
    <prefix>thumbs/<sha256>.jpg                   a photo's thumbnail
    <prefix>partial/<sha256>/<start>-<end>        staged parts of an unfinished upload

Why staged parts, not S3 multipart uploads: a phone resumes from whatever byte its last
attempt reached, so the pieces are of any size, and a multipart upload refuses parts
under 5 MiB except the last. Each request's bytes are instead written as objects named
by the byte range they cover (every `PART_BYTES` and when the request ends, however it
ends); the held size is where the ranges stop being contiguous from byte 0. Because the
address is the hash of the content, two attempts sending the same range send the same
bytes, so overlapping parts never disagree and no cross-server lock is needed; the hash
is checked on the assembled bytes before anything is kept. A finished blob is at most
`ROUNDS_BLOB_MAX_BYTES`, so it is assembled in memory and written with one PutObject,
which S3 makes visible whole or not at all.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, Any

from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from anyio import to_thread
from botocore.exceptions import BotoCoreError, ClientError

from server.domain.blobs.storage import Staging, Stored
from server.errors import BlobStoreUnavailable, UploadInProgress
from server.settings import S3Settings

if TYPE_CHECKING:
    from types_aiobotocore_s3 import S3Client

# Parts are flushed at this size while a request streams, so a request holds at most this
# much in memory and a dropped connection loses nothing that was flushed.
PART_BYTES = 8 * 1024 * 1024
READ_CHUNK = 256 * 1024
_PART = re.compile(r"/(\d{16})-(\d{16})$")
MISSING = {"NoSuchKey", "404", "NotFound"}
# Answers that say the store, not the request, is wrong: a phone should try again later.
STORE_FAULTS = {"NoSuchBucket", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"}

Part = tuple[int, int, str]  # start, end (exclusive), key


def covered(parts: list[Part]) -> int:
    """Bytes held from byte 0 without a gap."""
    end = 0
    for start, stop, _ in sorted(parts):
        if start > end:
            break
        end = max(end, stop)
    return end


def _missing(exc: ClientError) -> bool:
    return str(exc.response.get("Error", {}).get("Code")) in MISSING


@contextmanager
def reachable() -> Iterator[None]:
    """An unreachable or misconfigured store is a 503 `blob_store_unavailable`, not a 500."""
    try:
        yield
    except BotoCoreError as exc:  # connection refused, timeouts, no credentials
        raise BlobStoreUnavailable(
            "The file store cannot be reached; the file is kept on the phone, send it again"
            " shortly."
        ) from exc
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code"))
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        if code in STORE_FAULTS or status >= 500:
            raise BlobStoreUnavailable(
                f"The file store refused the server ({code}); send the file again shortly."
            ) from exc
        raise


class S3BlobStore:
    """`BlobStore` in one bucket, through aiobotocore (docs/operations.md says why)."""

    name = "s3"

    def __init__(self, settings: S3Settings) -> None:
        self.settings = settings
        self.bucket = settings.bucket
        self._stack: AsyncExitStack | None = None
        self._client: S3Client | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock: asyncio.Lock | None = None

    def key(self, sha256: str, *, thumbnail: bool = False) -> str:
        if thumbnail:
            return f"{self.settings.prefix}thumbs/{sha256}.jpg"
        return f"{self.settings.prefix}blobs/{sha256[:2]}/{sha256}"

    def partial_prefix(self, sha256: str) -> str:
        return f"{self.settings.prefix}partial/{sha256}/"

    async def client(self) -> S3Client:
        """One client per event loop, opened on first use (a test client runs each app
        start in a new loop; a server process has one)."""
        loop = asyncio.get_running_loop()
        if self._client is not None and self._loop is loop:
            return self._client
        if self._lock is None or self._loop is not loop:
            self._lock, self._loop, self._client, self._stack = asyncio.Lock(), loop, None, None
        async with self._lock:
            if self._client is not None:
                return self._client
            stack = AsyncExitStack()
            client: S3Client = await stack.enter_async_context(self._create())
            self._client, self._stack = client, stack
            return client

    def _create(self) -> Any:
        s = self.settings
        config = AioConfig(
            s3={"addressing_style": s.addressing_style},
            connect_timeout=s.timeout_seconds,
            read_timeout=s.timeout_seconds,
            retries={"max_attempts": 3, "mode": "standard"},
        )
        return get_session().create_client(
            "s3",
            endpoint_url=s.endpoint_url,
            region_name=s.region,
            aws_access_key_id=s.access_key_id,
            aws_secret_access_key=s.secret_access_key,
            config=config,
        )

    async def close(self) -> None:
        stack, self._stack, self._client, self._loop = self._stack, None, None, None
        if stack is not None:
            await stack.aclose()

    async def parts(self, sha256: str) -> list[Part]:
        client = await self.client()
        found: list[Part] = []
        paginator = client.get_paginator("list_objects_v2")
        pages = paginator.paginate(Bucket=self.bucket, Prefix=self.partial_prefix(sha256))
        with reachable():
            async for page in pages:
                for item in page.get("Contents", []):
                    key = item.get("Key", "")
                    match = _PART.search(key)
                    if match:
                        found.append((int(match[1]), int(match[2]), key))
        return found

    async def held(self, sha256: str) -> int:
        return covered(await self.parts(sha256))

    @asynccontextmanager
    async def staging(self, sha256: str) -> AsyncIterator[Staging]:
        staging = S3Staging(self, sha256, await self.parts(sha256))
        yield staging

    async def put(self, sha256: str, data: bytes, *, thumbnail: bool = False) -> None:
        client = await self.client()
        with reachable():
            await client.put_object(
                Bucket=self.bucket,
                Key=self.key(sha256, thumbnail=thumbnail),
                Body=data,
                ContentType="image/jpeg" if thumbnail else "application/octet-stream",
            )

    async def get(self, key: str) -> bytes:
        client = await self.client()
        with reachable():
            response = await client.get_object(Bucket=self.bucket, Key=key)
            async with response["Body"] as body:
                data: bytes = await body.read()
        return data

    async def open(self, sha256: str, *, thumbnail: bool = False) -> Stored | None:
        client = await self.client()
        try:
            with reachable():
                response = await client.get_object(
                    Bucket=self.bucket, Key=self.key(sha256, thumbnail=thumbnail)
                )
        except ClientError as exc:
            if _missing(exc):
                return None
            raise
        body = response["Body"]

        async def chunks() -> AsyncIterator[bytes]:
            try:
                async for chunk in body.iter_chunks(READ_CHUNK):
                    yield chunk
            finally:
                body.close()

        return Stored(size=response["ContentLength"], chunks=chunks())

    async def delete(self, keys: list[str]) -> None:
        if not keys:
            return
        client = await self.client()
        with reachable():
            await client.delete_objects(
                Bucket=self.bucket,
                Delete={"Objects": [{"Key": key} for key in keys], "Quiet": True},
            )

    async def check(self) -> None:
        """Write and delete a probe object: the bucket exists and takes writes."""
        client = await self.client()
        key = f"{self.settings.prefix}ready/{secrets.token_hex(6)}"
        with reachable():
            await client.put_object(Bucket=self.bucket, Key=key, Body=b"ready")
            await client.delete_object(Bucket=self.bucket, Key=key)


class S3Staging:
    """`Staging` as part objects; the bytes of the current request wait in `buffer`."""

    def __init__(self, store: S3BlobStore, sha256: str, parts: list[Part]) -> None:
        self.store, self.sha = store, sha256
        self.parts = parts
        self.buffer = bytearray()
        self.assembled: bytes | None = None

    async def held(self) -> int:
        return covered(self.parts) + len(self.buffer)

    async def restart(self) -> None:
        await self.discard()

    async def append(self, chunk: bytes) -> None:
        self.buffer += chunk
        self.assembled = None
        if len(self.buffer) >= PART_BYTES:
            await self.sync()

    async def sync(self) -> None:
        if not self.buffer:
            return
        start = covered(self.parts)
        end = start + len(self.buffer)
        key = f"{self.store.partial_prefix(self.sha)}{start:016d}-{end:016d}"
        client = await self.store.client()
        with reachable():
            await client.put_object(Bucket=self.store.bucket, Key=key, Body=bytes(self.buffer))
        self.parts.append((start, end, key))
        self.buffer.clear()

    async def contents(self) -> bytes:
        if self.assembled is not None:
            return self.assembled
        await self.sync()
        data = bytearray()
        for start, end, key in sorted(self.parts):
            if start > len(data):
                break
            if end <= len(data):
                continue
            try:
                part = await self.store.get(key)
            except ClientError as exc:
                if _missing(exc):  # another server finished this blob and cleared its parts
                    raise UploadInProgress(
                        "This file was just finished on another connection; ask again."
                    ) from exc
                raise
            data += part[len(data) - start :]
        self.assembled = bytes(data)
        return self.assembled

    async def sha256(self) -> str:
        data = await self.contents()
        return await to_thread.run_sync(lambda: hashlib.sha256(data).hexdigest())

    async def head(self, size: int) -> bytes:
        return (await self.contents())[:size]

    async def promote(self) -> None:
        await self.store.put(self.sha, await self.contents())

    async def discard(self) -> None:
        """Remove every part, this request's and any other's."""
        await self.store.delete([key for _, _, key in await self.store.parts(self.sha)])
        self.parts, self.assembled = [], None
        self.buffer.clear()
