"""Sending a stored blob (or its thumbnail) as a file, for the API and the console alike."""

from __future__ import annotations

from litestar.response import File
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.accounts.actor import Actor
from server.domain.blobs.images import is_image
from server.domain.blobs.service import servable
from server.domain.blobs.store import BlobFiles
from server.settings import Settings

# The address is the content: a served file never changes.
IMMUTABLE = "private, max-age=31536000, immutable"


async def blob_file(
    session: AsyncSession, actor: Actor, settings: Settings, sha256: str, *, thumbnail: bool
) -> File:
    path, media_type = await servable(
        session, BlobFiles(settings.blob_dir), actor, sha256, thumbnail=thumbnail
    )
    inline = is_image(media_type) or media_type == "application/pdf"
    return File(
        path,
        media_type=media_type,
        content_disposition_type="inline" if inline else "attachment",
        headers={"Cache-Control": IMMUTABLE, "X-Content-Type-Options": "nosniff"},
    )
