"""The daily upload quota: how many bytes of new blobs one person may start per UTC day.

A blob counts for the day its upload started, at its declared size, against whoever
started it. Only starting a new blob is refused: resuming an upload already begun, or
sending a file the server already has, never is, so no photo is left half-kept. A
refused blob stays queued on the phone and goes up after the reset.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Blob
from server.errors import UploadQuotaExceeded


def _day_of(now: datetime) -> tuple[datetime, datetime]:
    start = datetime.combine(now.astimezone(UTC).date(), time(), tzinfo=UTC)
    return start, start + timedelta(days=1)


async def check_quota(
    session: AsyncSession, user_id: uuid.UUID, size: int, quota: int, now: datetime
) -> None:
    """Refuse (429) a new blob of `size` bytes that would take the user past `quota` today;
    a quota of 0 is no limit."""
    if quota <= 0:
        return
    start, reset = _day_of(now)
    used = await session.scalar(
        select(func.coalesce(func.sum(col(Blob.size)), 0)).where(
            col(Blob.uploaded_by_id) == user_id, col(Blob.created_at) >= start
        )
    )
    used = int(used or 0)
    if used + size <= quota:
        return
    raise UploadQuotaExceeded(
        f"You may upload {quota} bytes of photos and signatures a day; {used} are used today"
        f" and this file has {size}. The limit resets at {reset.isoformat()}; the phone keeps"
        " the file and sends it then.",
        limit=quota,
        used=used,
        resets_at=reset.isoformat(),
        retry_after_seconds=max(1, int((reset - now).total_seconds())),
    )
