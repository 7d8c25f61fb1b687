"""Receiving blobs (resumable, verified, cleaned), serving them, and who references them.

An upload never holds a database transaction while bytes stream in: one short
transaction records the upload's start, the bytes go to the store's staging (a partial
file, or part objects in S3) as they arrive, and short transactions record progress and
completion. What the staging holds is the truth about progress; `Blob.received` is kept
near it for the console.
"""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Literal

from anyio import to_thread
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from server.db.models import Blob, BlobRef, SyncOp
from server.db.types import utcnow
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import scope_blobs
from server.domain.blobs.images import (
    JPEG,
    SNIFF_BYTES,
    UNCLEANABLE,
    Rendition,
    clean_image,
    is_image,
    sniff,
)
from server.domain.blobs.quota import check_quota
from server.domain.blobs.schemas import BlobOut, BlobReference, BlobReferences
from server.domain.blobs.storage import BlobStore, Staging, Stored
from server.errors import (
    BlobHashMismatch,
    BlobTooLarge,
    EmptyBlob,
    InvalidRequest,
    NotFound,
    RoundsError,
    UnsupportedMedia,
    UploadLengthMismatch,
    UploadOffsetMismatch,
)

log = logging.getLogger("rounds.blobs")

Outcome = Literal["completed", "already_complete", "partial"]


@dataclass(frozen=True)
class UploadHeaders:
    """`Upload-Offset` (None: start from the first byte), `Upload-Length`, `Content-Length`."""

    offset: int | None
    length: int | None
    content_length: int | None


@dataclass(frozen=True)
class UploadResult:
    blob: BlobOut
    outcome: Outcome


def _out(row: Blob, received: int) -> BlobOut:
    return BlobOut(
        row.sha256, row.size, received, row.complete, row.content_type, row.width, row.height
    )


def _declared_size(headers: UploadHeaders, row: Blob | None) -> int:
    if headers.length is not None:
        return headers.length
    if headers.offset is not None and row is not None:
        return row.size
    if headers.content_length is not None:
        return (headers.offset or 0) + headers.content_length
    raise InvalidRequest("Send Upload-Length: the size of the whole file in bytes.")


class BlobReceiver:
    """Takes one PUT of a blob: checks, streams to the store, and finishes it when complete."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        files: BlobStore,
        max_bytes: int,
        daily_quota: int = 0,
    ) -> None:
        self.sessions = sessions
        self.files = files
        self.max_bytes = max_bytes
        self.daily_quota = daily_quota

    async def receive(
        self, actor: Actor, sha256: str, headers: UploadHeaders, body: AsyncIterator[bytes]
    ) -> UploadResult:
        async with self.sessions() as session:
            row = await session.get(Blob, sha256)
        if row is not None and row.complete:
            return UploadResult(_out(row, row.size), "already_complete")
        size = _declared_size(headers, row)
        if size <= 0:
            raise EmptyBlob("This upload has no bytes: a photo or signature cannot be empty.")
        if size > self.max_bytes:
            raise self._too_large(size)
        async with self.files.staging(sha256) as partial:
            started = await self._start(actor, sha256, size, headers.offset, partial)
            if isinstance(started, BlobOut):
                return UploadResult(started, "already_complete")
            held = await self._stream(sha256, size, partial, body)
            if held < size:
                async with self.sessions() as session:
                    row = await session.get(Blob, sha256)
                    assert row is not None
                    return UploadResult(_out(row, held), "partial")
            return UploadResult(await self._finish(sha256, size, partial), "completed")

    def _too_large(self, size: int) -> BlobTooLarge:
        return BlobTooLarge(
            f"This file is {size} bytes; the server accepts at most {self.max_bytes}.",
            limit=self.max_bytes,
        )

    async def _start(
        self, actor: Actor, sha256: str, size: int, offset: int | None, partial: Staging
    ) -> int | BlobOut:
        """Holding the staging: check the offset, create or adjust the row; bytes held."""
        async with self.sessions() as session:
            row = await session.get(Blob, sha256)
            if row is not None and row.complete:  # finished by another request meanwhile
                return _out(row, row.size)
            held = await partial.held()
            if offset is None:  # a request without Upload-Offset sends the file from byte 0
                if held:
                    await partial.restart()
                held = 0
            elif offset != held:
                raise UploadOffsetMismatch(
                    f"The server holds {held} bytes of this file; resume from there.",
                    offset=held,
                )
            if row is None:
                now = utcnow()
                await check_quota(session, actor.user_id, size, self.daily_quota, now)
                row = Blob(sha256=sha256, size=size, uploaded_by_id=actor.user_id, created_at=now)
                session.add(row)
            elif row.size != size:
                if held:
                    raise UploadLengthMismatch(
                        f"This upload was started with Upload-Length {row.size}, not {size}."
                        " Resume with the same length, or send the file again without"
                        " Upload-Offset.",
                        size=row.size,
                    )
                row.size = size
            row.received = held
            await session.commit()
        return held

    async def _stream(
        self, sha256: str, size: int, partial: Staging, body: AsyncIterator[bytes]
    ) -> int:
        """Append the body as it arrives; what arrived is kept even if the connection drops."""
        held = await partial.held()
        refusal: RoundsError | None = None
        try:
            async for chunk in body:
                if held + len(chunk) > size:
                    refusal = (
                        self._too_large(held + len(chunk))
                        if held + len(chunk) > self.max_bytes
                        else InvalidRequest(
                            f"The body runs past Upload-Length ({size} bytes); nothing was kept."
                        )
                    )
                    break
                await partial.append(chunk)
                held += len(chunk)
        finally:
            if refusal is None:
                await partial.sync()
                await self._record_progress(sha256, held)
        if refusal is not None:
            await self._discard(sha256, partial)
            raise refusal
        return held

    async def _record_progress(self, sha256: str, held: int) -> None:
        try:
            async with self.sessions() as session:
                await session.execute(
                    update(Blob)
                    .where(col(Blob.sha256) == sha256, col(Blob.complete).is_(False))
                    .values(received=held)
                )
                await session.commit()
        except Exception:  # the file is the truth; the row is only a hint
            log.warning("could not record the progress of blob %s", sha256, exc_info=True)

    async def _discard(self, sha256: str, partial: Staging) -> None:
        """Nothing of a refused upload is kept: neither its bytes nor its row."""
        await partial.discard()
        async with self.sessions() as session:
            await session.execute(
                delete(Blob).where(col(Blob.sha256) == sha256, col(Blob.complete).is_(False))
            )
            await session.commit()

    async def _finish(self, sha256: str, size: int, partial: Staging) -> BlobOut:
        digest = await partial.sha256()
        if digest != sha256:
            await self._discard(sha256, partial)
            raise BlobHashMismatch(
                f"The bytes received hash to {digest}, not to the address {sha256};"
                " nothing was kept. Upload the file again from the start.",
                actual=digest,
            )
        content_type = sniff(await partial.head(SNIFF_BYTES))
        width: int | None = None
        height: int | None = None
        try:
            if content_type in UNCLEANABLE:
                raise UnsupportedMedia(
                    f"Photos in {content_type} cannot be cleaned of their location data here;"
                    " send them as JPEG, PNG or WebP."
                )
            if is_image(content_type):
                source = io.BytesIO(await partial.contents())
                rendition = await to_thread.run_sync(clean_image, source, content_type)
                await self._install(sha256, rendition)
                width, height = rendition.width, rendition.height
            else:
                await partial.promote()
        except UnsupportedMedia:
            await self._discard(sha256, partial)
            raise
        async with self.sessions() as session:
            row = await session.get(Blob, sha256)
            assert row is not None  # only this request, holding the lock, deletes it
            row.complete, row.received, row.completed_at = True, size, utcnow()
            row.content_type, row.width, row.height = content_type, width, height
            await session.commit()
            out = _out(row, size)
        await partial.discard()
        return out

    async def _install(self, sha256: str, rendition: Rendition) -> None:
        # The thumbnail first: a complete blob always has one.
        await self.files.put(sha256, rendition.thumbnail, thumbnail=True)
        await self.files.put(sha256, rendition.data)


async def blob_state(session: AsyncSession, files: BlobStore, sha256: str) -> BlobOut | None:
    """What HEAD answers: None when the server has never heard of the blob."""
    row = await session.get(Blob, sha256)
    if row is None:
        return None
    return _out(row, row.size if row.complete else min(await files.held(sha256), row.size))


async def servable(
    session: AsyncSession, files: BlobStore, actor: Actor, sha256: str, *, thumbnail: bool
) -> tuple[Stored, str]:
    """The file to send for a finished blob (or its thumbnail) and its content type.

    A blob the actor may not see is answered exactly like one the server does not have,
    so nobody learns that a photo exists from its hash.
    """
    row = await session.scalar(
        scope_blobs(actor, select(Blob).where(col(Blob.sha256) == sha256, col(Blob.complete)))
    )
    if row is None:
        raise NotFound("The server does not have this file (yet).")
    if thumbnail and not is_image(row.content_type):
        raise NotFound("Only photos have thumbnails.")
    stored = await files.open(sha256, thumbnail=thumbnail)
    if stored is None:
        which = "thumbnail" if thumbnail else "file"
        log.error(
            "blob %s is complete but its %s is missing from the %s store", sha256, which, files.name
        )
        raise NotFound("The server does not have this file (yet).")
    return stored, JPEG if thumbnail else row.content_type


async def references(session: AsyncSession, sha256: str) -> BlobReferences:
    """The ops that name this blob (oldest first) and whether the blob is complete."""
    row = await session.get(Blob, sha256)
    result = await session.execute(
        select(BlobRef, SyncOp)
        .join(SyncOp, col(SyncOp.op_id) == col(BlobRef.op_id))
        .where(col(BlobRef.sha256) == sha256)
        .order_by(col(SyncOp.received_at), col(SyncOp.op_id))
    )
    ops = [
        BlobReference(
            op_id=op.op_id,
            name=op.name,
            status=op.status,
            user_id=op.user_id,
            device_id=op.device_id,
            received_at=op.received_at,
            entity_type=ref.entity_type,
            entity_id=ref.entity_id,
        )
        for ref, op in result.all()
    ]
    complete = row is not None and row.complete
    return BlobReferences(
        sha256=sha256,
        known=row is not None,
        complete=complete,
        size=row.size if row is not None else None,
        received=row.received if row is not None else 0,
        ops=ops,
        resolved=complete and bool(ops),
    )


async def awaited_blobs(session: AsyncSession, limit: int = 100) -> list[str]:
    """Blobs that ops reference but that have not (completely) arrived, for the console."""
    stmt = (
        select(col(BlobRef.sha256))
        .outerjoin(Blob, col(Blob.sha256) == col(BlobRef.sha256))
        .where((col(Blob.sha256).is_(None)) | (col(Blob.complete).is_(False)))
        .group_by(col(BlobRef.sha256))
        .order_by(col(BlobRef.sha256))
        .limit(limit)
    )
    return list((await session.scalars(stmt)).all())
