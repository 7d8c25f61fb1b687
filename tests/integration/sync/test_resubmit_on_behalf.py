"""The desk's re-submission applies the op as its original sender, from their device, at
the time their op recorded, and records the desk user as the one who resolved it."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select, update
from sqlmodel import col

from server.db.engine import make_engine, make_session_factory
from server.db.models import FieldHistory, User
from server.settings import DatabaseSettings, Settings
from tests.integration.console_client import console_login, page_text
from tests.integration.work.loop import Cast, applied, cast, fake_sha, new_person, send, whoami
from tests.phone import Phone

Client = TestClient[Litestar]
DAY_MS = 86_400_000


def resolve(c: Cast, item_id: str, resolution: str = "resubmit") -> Any:
    return c.desk.http.post(
        f"/api/v1/conflicts/{item_id}/resolve",
        headers=c.desk.headers,
        json={"resolution": resolution},
    )


async def _in_db(url: str, statement: Any, *, rows: bool = True) -> list[Any]:
    """Read (or, with rows=False, write) straight in the database, as an operator would."""
    engine = make_engine(DatabaseSettings(url=url))
    try:
        async with make_session_factory(engine)() as session:
            result = await session.execute(statement)
            found = list(result.all()) if rows else []
            await session.commit()
            return found
    finally:
        await engine.dispose()


def test_a_resubmitted_line_applies_as_the_technician_and_is_charged_once(client: Client) -> None:
    c = cast(client)
    order_id = c.report()
    technician, lead = whoami(c.technician), whoami(c.lead)
    applied(c.desk, "dispatch", work_order_id=order_id, team_id=c.team_id("ELEC"))
    applied(c.lead, "assign", work_order_id=order_id, technician_id=technician["id"])
    # On site with no signal: started forty minutes ago, 35 minutes of labour twenty later.
    now = datetime.now(UTC)
    ref = {"work_order_id": order_id}
    offline = [
        c.technician.op("work_order.accept", ref),
        c.technician.op("work_order.start", ref),
        c.technician.op("work_order.log_labour", {**ref, "minutes": 35}),
    ]
    for op, ago in zip(offline, (40, 40, 20), strict=True):
        op["client_time"] = (now - timedelta(minutes=ago)).isoformat(timespec="milliseconds")
    worked_at = now - timedelta(minutes=20)
    started = c.technician.results(offline[:2])
    assert [r["status"] for r in started] == ["applied", "applied"]
    labour = offline[2]
    # Meanwhile the lead takes the job over: the labour arrives from someone who may not bill.
    applied(c.lead, "assign", work_order_id=order_id, technician_id=lead["id"])
    kept = c.technician.results([labour])[0]
    assert kept["status"] == "conflict", kept
    # The lead hands it back; the technician takes it up again from another phone.
    applied(c.lead, "assign", work_order_id=order_id, technician_id=technician["id"])
    other_phone = Phone(client, "T0001")
    applied(other_phone, "accept", work_order_id=order_id)
    applied(other_phone, "start", work_order_id=order_id)

    outcome = resolve(c, kept["conflict_id"])
    assert outcome.status_code == 200, outcome.text
    body = outcome.json()
    assert (body["resolved"], body["attempt"]["status"]) == (True, "applied")
    assert body["attempt"]["sent_by"]["employee_no"] == "D0001"
    item = body["detail"]["item"]
    assert (item["resolved_by"]["employee_no"], item["resolution"]) == ("D0001", "resubmit")
    assert item["resolved_at"]

    detail = c.detail(order_id)
    lines = sorted(detail["labour"], key=lambda line: line["billing"])
    assert [(line["billing"], line["technician_id"]) for line in lines] == [
        ("accepted", technician["id"]),
        ("declined", technician["id"]),
    ]
    assert detail["labour_cents"] == lines[0]["cost_cents"], "the same work is charged once"
    logged = [e for e in detail["timeline"] if e["action"] == "log_labour" and not e["late"]]
    assert [(e["actor"], e["device_id"]) for e in logged] == [
        (technician["name"], str(c.technician.device_id))
    ]
    recorded = datetime.fromisoformat(logged[0]["claimed_at"])
    assert abs(recorded - worked_at) < timedelta(milliseconds=1)

    console_login(client, "D0001")
    page = client.get(f"/desk/conflicts/{kept['conflict_id']}").text
    assert 'data-resubmitted-by="D0001"' in page
    assert 'data-acted-as="T0001"' in page
    text = page_text(page)
    assert f"{technician['name']} (T0001)" in text
    assert f"{whoami(c.desk)['name']} (D0001)" in text
    assert worked_at.strftime("%Y-%m-%d %H:%M:%S UTC") in text


def test_a_requesters_rating_resubmitted_by_the_desk_applies_as_the_requester(
    client: Client,
) -> None:
    c = cast(client)
    order_id = c.report()
    c.to_technician(order_id)
    applied(c.technician, "complete", work_order_id=order_id, resolution="New fuse")
    early = send(c.requester, "rate", work_order_id=order_id, score=4, fixed=True)
    assert (early["status"], early["code"]) == ("rejected", "invalid_transition")
    applied(
        c.technician,
        "confirm",
        work_order_id=order_id,
        employee_no="R0001",
        signature_sha256=fake_sha(f"signed {order_id}"),
    )

    outcome = resolve(c, early["op_id"])
    assert outcome.status_code == 200, outcome.text
    assert outcome.json()["attempt"]["status"] == "applied", outcome.json()["attempt"]
    detail = c.detail(order_id)
    assert (detail["order"]["status"], detail["extra"]["rating"]) == ("closed", 4)
    [rated] = [e for e in detail["timeline"] if e["action"] == "rate"]
    assert (rated["actor"], rated["device_id"]) == (
        whoami(c.requester)["name"],
        str(c.requester.device_id),
    )


def test_a_field_edit_stamped_days_ahead_lands_when_the_desk_resubmits_it(
    client: Client, demo_settings: Settings
) -> None:
    c = cast(client)
    asset = c.icu_asset()
    ahead = int(datetime.now(UTC).timestamp() * 1000) + 3 * DAY_MS
    edit = c.technician.op(
        "asset.set_status",
        {"asset_id": asset["id"], "status": "out_of_service", "reason": "Sparks at the plug"},
        hlc=f"{ahead:013d}:0000:{c.technician.device_id}",
    )
    refused = c.technician.results([edit])[0]
    assert refused["code"] == "clock_ahead", refused
    try:
        outcome = resolve(c, edit["op_id"])
        assert outcome.status_code == 200, outcome.text
        assert outcome.json()["attempt"]["status"] == "applied", outcome.json()["attempt"]
        shown = c.get(f"/api/v1/assets/{asset['id']}")["asset"]
        assert shown["status"] == "out_of_service"
        history = asyncio.run(
            _in_db(
                demo_settings.database.url,
                select(col(FieldHistory.user_id), col(FieldHistory.hlc)).where(
                    col(FieldHistory.entity_id) == uuid.UUID(asset["id"]),
                    col(FieldHistory.new_value) == "out_of_service",
                ),
            )
        )
        assert [str(user_id) for user_id, _ in history] == [whoami(c.technician)["id"]]
        assert int(history[0][1][:13]) < ahead, "the desk's own clock, not the phone's"
    finally:  # the demo hospital is shared: the asset goes back in service
        back = c.technician.op(
            "asset.set_status", {"asset_id": asset["id"], "status": "in_service"}
        )
        assert c.technician.results([back])[0]["status"] == "applied"


def test_a_resubmission_for_a_sender_no_longer_active_is_refused_clearly(
    client: Client, demo_settings: Settings
) -> None:
    c = cast(client)
    leaver = new_person(client, "technician", team_code="ELEC", site_codes=["EAST"])
    refused = send(leaver, "complete", work_order_id=str(uuid.uuid4()), resolution="Done")
    assert refused["code"] == "unknown_work_order"
    leaver_id = uuid.UUID(whoami(leaver)["id"])
    asyncio.run(
        _in_db(
            demo_settings.database.url,
            update(User).where(col(User.id) == leaver_id).values(active=False),
            rows=False,
        )
    )
    outcome = resolve(c, refused["op_id"])
    assert outcome.status_code == 409, outcome.text
    assert outcome.json()["code"] == "sender_inactive"
    assert "no longer active" in outcome.json()["detail"]
    assert c.get(f"/api/v1/conflicts/{refused['op_id']}")["item"]["status"] == "open"
