"""Sending a stored blob (or its thumbnail), for the API and the console alike."""

from __future__ import annotations

from typing import Literal

from litestar.response import File, Stream
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.accounts.actor import Actor
from server.domain.blobs.images import is_image
from server.domain.blobs.service import servable
from server.domain.blobs.storage import BlobStore

# The address is the content: a served file never changes.
IMMUTABLE = "private, max-age=31536000, immutable"


async def blob_file(
    session: AsyncSession, actor: Actor, store: BlobStore, sha256: str, *, thumbnail: bool
) -> File | Stream:
    stored, media_type = await servable(session, store, actor, sha256, thumbnail=thumbnail)
    inline = is_image(media_type) or media_type == "application/pdf"
    disposition: Literal["inline", "attachment"] = "inline" if inline else "attachment"
    headers = {"Cache-Control": IMMUTABLE, "X-Content-Type-Options": "nosniff"}
    if stored.path is not None:
        return File(
            stored.path,
            media_type=media_type,
            content_disposition_type=disposition,
            headers=headers,
        )
    assert stored.chunks is not None
    name = f"{sha256}.jpg" if thumbnail else sha256
    return Stream(
        stored.chunks,
        media_type=media_type,
        headers={
            **headers,
            "Content-Length": str(stored.size),
            "Content-Disposition": f'{disposition}; filename="{name}"',
        },
    )
