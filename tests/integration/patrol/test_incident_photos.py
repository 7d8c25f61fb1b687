"""An incident's photos are downloaded by whoever may read the incident: its reporter, the
managers of its contractor, and the overseers of its site; anyone else gets the 404 of a
missing file. The incident opens no work order, so only the incident admits the photo."""

from __future__ import annotations

import uuid

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.settings import Settings
from tests.integration.patrol.builders import build_beat
from tests.integration.sync.test_blob_access import _answers, _upload
from tests.phone import Phone

Client = TestClient[Litestar]
pytestmark = pytest.mark.db

SEES = {"G0001", "M0001", "S0001", "D0001", "A0001"}  # reporter, manager, overseers
OTHERS = {"G0002", "C0001", "M0002", "M0003", "T0001", "R0001"}


@pytest.fixture
def incident_photo(client: Client, demo_settings: Settings) -> str:
    beat = build_beat(demo_settings)
    guard = Phone(client, "G0001")
    sha256 = _upload(client, guard.headers)
    report = guard.op(
        "patrol.report_incident",
        {
            "incident_id": str(uuid.uuid4()),
            "category": "security",
            "text": "Window forced at the back of the plant room",
            "photos": [sha256],
            "location_id": str(beat.location_id),
        },
        blobs=[sha256],
    )
    assert guard.results([report])[0]["status"] == "applied"
    return sha256


def test_who_may_read_the_incident_downloads_its_photo(client: Client, incident_photo: str) -> None:
    seen = {who: _answers(client, who, incident_photo) for who in sorted(SEES | OTHERS)}

    assert {who for who, answer in seen.items() if answer == (200, 200)} == SEES
    assert {who for who, answer in seen.items() if answer == (404, 404)} == OTHERS
