"""Helpers of the administration tests: a unique employee number, the history of a row."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from server.db import models as db
from server.db.engine import make_engine, make_session_factory
from server.settings import Settings

SECRET = re.compile(r"<code class=\"secret\" data-secret>([^<]+)</code>")


def unique_no(prefix: str = "X") -> str:
    """A code of the test's own. Reference codes start with Z so the rows sort after the
    demo's: other tests in the session take the first campus or building as a sample."""
    return f"{prefix}{uuid.uuid4().hex[:8].upper()}"


def created_id(response: Any) -> uuid.UUID:
    """The id in the address a successful create redirects to."""
    assert response.status_code == 303, response.text
    return uuid.UUID(response.headers["location"].rstrip("/").rsplit("/", 1)[1])


async def _history(settings: Settings, entity_id: uuid.UUID) -> list[db.FieldHistory]:
    engine = make_engine(settings.database)
    try:
        async with make_session_factory(engine)() as s:
            rows = await s.scalars(
                select(db.FieldHistory)
                .where(col(db.FieldHistory.entity_id) == entity_id)
                .order_by(col(db.FieldHistory.at))
            )
            return list(rows.all())
    finally:
        await engine.dispose()


def history(settings: Settings, entity_id: uuid.UUID) -> list[db.FieldHistory]:
    """Every audited change of one row, oldest first."""
    return asyncio.run(_history(settings, entity_id))


def latest(rows: list[db.FieldHistory]) -> dict[str, tuple[str | None, str | None]]:
    """Field -> (before, after) of the latest change of each field."""
    return {row.field_name: (row.old_value, row.new_value) for row in rows}


def pull_until(phone: Any, arrived: Callable[[], bool], seconds: float = 60.0) -> None:
    """Pull until `arrived()`: on PostgreSQL a transaction open anywhere on the server
    (another database's too) holds the pull's snapshot horizon back for a while, so the
    change comes with a later pull rather than the very next one."""
    deadline = time.monotonic() + seconds
    while True:
        phone.pull_all()
        if arrived():
            return
        if time.monotonic() > deadline:
            raise AssertionError("the change never reached the phone")
        time.sleep(0.2)
