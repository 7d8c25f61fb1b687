"""The demo hospital holds a month of cleaning for its cleaning contractor, and the
indicators measured on it quote the hashes of ops the server holds, from chains that verify."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db import models as db
from server.domain.cleaning.indicators import cleaning_measures
from server.domain.scorecards.measures import Measure
from server.settings import Settings
from tests.integration.patrol.builders import in_session

pytestmark = pytest.mark.db


def test_last_months_demo_cleaning_is_measured_from_stored_ops(demo_settings: Settings) -> None:
    month = (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)

    async def measure(s: AsyncSession) -> tuple[dict[str, Measure], set[str]]:
        brightway = await s.scalar(
            select(col(db.Contractor.id)).where(col(db.Contractor.code) == "BRIGHTWAY")
        )
        assert brightway is not None
        measures = await cleaning_measures(s, brightway, month)
        hashes = {e.op_hash for m in measures.values() for e in m.evidence if e.op_hash is not None}
        stored = set(
            await s.scalars(
                select(col(db.SyncOp.op_hash)).where(col(db.SyncOp.op_hash).in_(hashes))
            )
        )
        return dict(measures), stored

    measures, stored = in_session(demo_settings, measure)
    on_time = measures["cleaning.on_time_rate"]
    assert on_time.basis > 30
    assert on_time.value is not None
    assert 0.7 < on_time.value < 1.0
    quoted = {e.op_hash for e in on_time.evidence if e.op_hash}
    assert quoted
    assert quoted <= stored
    assert measures["cleaning.audit_score"].basis >= 1
