"""The satisfaction provider on a month worked out by hand: the ratings that count, one
per department, their mean, and each rating's op hash as evidence; no rating, no score."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.ratings.indicators import MEAN_SCORE, RATINGS_COUNT, satisfaction_measures
from server.domain.scorecards.measures import Measure, Provider, Unit
from server.settings import Settings
from tests.integration.patrol.builders import in_session
from tests.integration.ratings.helpers import (
    LIFTS,
    SECURITY,
    Client,
    contractor_ids,
    department_ids,
    rate,
)
from tests.phone import Phone

pytestmark = pytest.mark.db
MONTH = date(2021, 6, 1)


def _measures(settings: Settings, contractor_id: str) -> dict[str, Measure]:
    provider: Provider = satisfaction_measures

    async def work(session: AsyncSession) -> dict[str, Measure]:
        return await provider(session, uuid.UUID(contractor_id), MONTH)

    return in_session(settings, work)


def test_the_month_of_two_departments_by_hand(client: Client, demo_settings: Settings) -> None:
    contractors, departments = contractor_ids(client), department_ids(client)
    icu, rad = Phone(client, "R0001"), Phone(client, "R0002")
    # ICU says 2, then thinks better of it: 4. Radiology says 5. By hand: (4 + 5) / 2 = 4.5.
    rate(icu, contractors[SECURITY], departments["ICU"], MONTH, 2)
    counted_icu = rate(icu, contractors[SECURITY], departments["ICU"], MONTH, 4, "Better")
    counted_rad = rate(rad, contractors[SECURITY], departments["RAD"], MONTH, 5)

    found = _measures(demo_settings, contractors[SECURITY])

    mean, count = found[MEAN_SCORE], found[RATINGS_COUNT]
    assert (mean.value, mean.unit, mean.basis) == (4.5, Unit.SCORE, 2)
    assert (count.value, count.unit, count.basis) == (2, Unit.COUNT, 2)
    assert {e.op_hash for e in mean.evidence} == {counted_icu["op_hash"], counted_rad["op_hash"]}
    assert all(e.kind == "contractor_rating" for e in mean.evidence)
    assert any(e.label == "Intensive Care Unit rated 4/5: Better" for e in mean.evidence)


def test_a_month_no_department_rated_has_no_score(client: Client, demo_settings: Settings) -> None:
    found = _measures(demo_settings, contractor_ids(client)[LIFTS])

    assert (found[MEAN_SCORE].value, found[MEAN_SCORE].basis) == (None, 0)
    assert (found[RATINGS_COUNT].value, found[RATINGS_COUNT].evidence) == (0, ())
