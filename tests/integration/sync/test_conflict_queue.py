"""The desk's conflict queue: real conflicts from a phone, resolved through the API and console."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.db.engine import make_engine, make_session_factory
from server.db.models import Asset, AssetStatus, Device, SyncOp, User
from server.domain.sync import capture
from server.settings import DatabaseSettings, Settings
from tests.conftest import api_login
from tests.integration.console_client import CSRF_COOKIE, console_login, is_full_page, page_text
from tests.phone import Phone

Client = TestClient[Litestar]
GHOST = "00000000-0000-4000-8000-00000000dead"
OP = "asset.set_status"
BUTTONS = ("Keep the server's version", "Re-submit the technician's action", "Edit and re-submit")


async def _write_status(url: str, asset_id: str, status: AssetStatus) -> None:
    """A change made on the server meanwhile, through the ORM with change capture on."""
    capture.install()
    engine = make_engine(DatabaseSettings(url=url))
    try:
        async with make_session_factory(engine)() as session:
            asset = await session.get(Asset, uuid.UUID(asset_id))
            assert asset is not None
            asset.status = status
            await session.commit()
    finally:
        await engine.dispose()


async def _sender_of(url: str, op_id: str) -> tuple[str, str, str]:
    """Who sent an op, from which device, and its outcome: read from the op log itself."""
    engine = make_engine(DatabaseSettings(url=url))
    try:
        async with make_session_factory(engine)() as session:
            op = await session.get(SyncOp, uuid.UUID(op_id))
            assert op is not None
            user = await session.get(User, op.user_id)
            device = await session.get(Device, op.device_id)
            return (user.employee_no if user else "", device.name if device else "", op.status)
    finally:
        await engine.dispose()


class Bench:
    """A technician's phone, the desk's API headers, and assets put back in service after."""

    def __init__(self, client: Client, settings: Settings) -> None:
        self.client, self.url = client, settings.database.url
        self.phone = Phone(client, "T0001")
        self.desk = api_login(client, "D0001")
        self.touched: set[str] = set()

    def asset(self, offset: int) -> dict[str, Any]:
        response = self.client.get(
            "/api/v1/assets", headers=self.phone.headers, params={"limit": 1, "offset": offset}
        )
        asset: dict[str, Any] = response.json()["items"][0]
        self.touched.add(asset["id"])
        return asset

    def set_status(self, asset_id: str, status: AssetStatus) -> None:
        asyncio.run(_write_status(self.url, asset_id, status))

    def status_of(self, asset_id: str) -> str:
        detail = self.client.get(f"/api/v1/assets/{asset_id}", headers=self.desk).json()
        return str(detail["asset"]["status"])

    def conflict(self, asset_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """Out of service on the phone, offline, while the server retires the asset."""
        op = self.phone.op(
            OP,
            {"asset_id": asset_id, "status": "out_of_service", "reason": "Leaking at the inlet"},
        )
        self.set_status(asset_id, AssetStatus.RETIRED)
        result = self.phone.results([op])[0]
        assert result["status"] == "conflict", result
        return op, result

    def inbox(self) -> set[str]:
        entries = self.client.get("/api/v1/sync/inbox", headers=self.phone.headers).json()
        return {entry["op_id"] for entry in entries}

    def queue(self, **params: str) -> dict[str, dict[str, Any]]:
        response = self.client.get(
            "/api/v1/conflicts", headers=self.desk, params={"limit": 200, **params}
        )
        assert response.status_code == 200, response.text
        return {item["id"]: item for item in response.json()["items"]}

    def detail(self, item_id: str) -> dict[str, Any]:
        response = self.client.get(f"/api/v1/conflicts/{item_id}", headers=self.desk)
        assert response.status_code == 200, response.text
        detail: dict[str, Any] = response.json()
        return detail

    def resolve(self, item_id: str, resolution: str, **body: Any) -> Any:
        return self.client.post(
            f"/api/v1/conflicts/{item_id}/resolve",
            headers=self.desk,
            json={"resolution": resolution, **body},
        )


@pytest.fixture
def bench(client: Client, demo_settings: Settings) -> Iterator[Bench]:
    made = Bench(client, demo_settings)
    yield made
    for asset_id in made.touched:  # the demo hospital is shared by the whole session
        made.set_status(asset_id, AssetStatus.IN_SERVICE)


def test_a_conflict_reaches_the_desk_and_keep_server_closes_it(bench: Bench) -> None:
    asset = bench.asset(40)
    op, result = bench.conflict(asset["id"])
    assert op["op_id"] in bench.inbox()

    item = bench.queue(status="open")[result["conflict_id"]]
    assert [item["kind"], item["op_id"], item["op_name"]] == ["conflict", op["op_id"], OP]
    assert (item["sender"]["employee_no"], item["device_name"]) == ("T0001", "test phone")
    assert item["received_at"]
    assert item["message"]
    detail = bench.detail(result["conflict_id"])
    assert detail["server_side"]["status"] == "retired"
    assert detail["device_side"] == {"status": "out_of_service", "reason": "Leaking at the inlet"}
    assert {row["field"] for row in detail["fields"] if row["differs"]} == {"status", "reason"}
    assert detail["op"] == op  # verbatim
    assert (detail["item"]["entity_type"], detail["item"]["entity_id"]) == ("asset", asset["id"])
    assert detail["chain_ok"] is True

    closed = bench.resolve(result["conflict_id"], "keep_server", note="Retired last week")
    assert closed.status_code == 200, closed.text
    outcome = closed.json()
    assert outcome["resolved"] is True
    assert outcome["detail"]["item"]["resolution"] == "keep_server"
    assert outcome["detail"]["item"]["resolved_by"]["employee_no"] == "D0001"
    assert outcome["detail"]["item"]["resolved_at"]
    assert outcome["detail"]["resolution_note"] == "Retired last week"
    assert bench.status_of(asset["id"]) == "retired"  # nothing else changed
    assert op["op_id"] not in bench.inbox()
    assert result["conflict_id"] not in bench.queue(status="open")
    assert result["conflict_id"] in bench.queue(status="resolved", kind="conflict")

    again = bench.resolve(result["conflict_id"], "resubmit")
    assert again.status_code == 409
    assert again.json()["code"] == "already_resolved"
    assert "D0001" in again.json()["detail"]


def test_resubmit_applies_the_intent_as_a_new_op_from_the_desk(bench: Bench) -> None:
    asset = bench.asset(41)
    op, result = bench.conflict(asset["id"])

    still_retired = bench.resolve(result["conflict_id"], "resubmit").json()
    assert still_retired["resolved"] is False
    assert still_retired["attempt"]["status"] == "conflict"
    assert still_retired["detail"]["last_attempt"]["op_id"] == still_retired["attempt"]["op_id"]
    open_items = bench.queue(status="open")
    assert result["conflict_id"] in open_items
    assert still_retired["attempt"]["op_id"] not in {i["op_id"] for i in open_items.values()}
    assert op["op_id"] in bench.inbox()

    bench.set_status(asset["id"], AssetStatus.IN_SERVICE)  # the desk un-retires it
    applied = bench.resolve(result["conflict_id"], "resubmit", note="Was retired by mistake")
    assert applied.status_code == 200, applied.text
    outcome = applied.json()
    assert outcome["resolved"] is True
    assert outcome["attempt"]["status"] == "applied"
    assert outcome["detail"]["resubmitted_as"] == outcome["attempt"]["op_id"]
    assert outcome["detail"]["item"]["resolution"] == "resubmit"
    assert bench.status_of(asset["id"]) == "out_of_service"
    sender = asyncio.run(_sender_of(bench.url, outcome["attempt"]["op_id"]))
    assert sender == ("D0001", "console", "applied")
    assert op["op_id"] not in bench.inbox()


def test_merge_applies_the_edited_args_and_invalid_args_change_nothing(bench: Bench) -> None:
    asset = bench.asset(42)
    _, result = bench.conflict(asset["id"])
    bench.set_status(asset["id"], AssetStatus.OUT_OF_SERVICE)
    for bad in ({"asset_id": asset["id"], "status": "exploded"}, [1, 2], None):
        refused = bench.resolve(result["conflict_id"], "merge", args=bad)
        assert refused.status_code == 422, refused.text
        assert refused.json()["code"] == "invalid_input"
    unchanged = bench.detail(result["conflict_id"])
    assert (unchanged["item"]["status"], unchanged["resubmitted_as"]) == ("open", None)
    assert bench.status_of(asset["id"]) == "out_of_service"

    edited = {"asset_id": asset["id"], "status": "in_service", "reason": "Checked, works"}
    merged = bench.resolve(result["conflict_id"], "merge", args=edited, note="Works after all")
    assert merged.status_code == 200, merged.text
    assert merged.json()["resolved"] is True
    assert merged.json()["detail"]["item"]["resolution"] == "merge"
    assert bench.status_of(asset["id"]) == "in_service"


def test_a_rejected_op_is_queued_and_a_corrected_resubmission_lands(bench: Bench) -> None:
    asset = bench.asset(43)
    note = bench.phone.op("asset.add_note", {"asset_id": GHOST, "text": "Belt worn, replace soon"})
    assert bench.phone.results([note])[0]["code"] == "unknown_asset"
    item = bench.queue(status="open", kind="rejected")[note["op_id"]]
    assert item["kind"] == "rejected"
    assert (item["code"], item["sender"]["employee_no"]) == ("unknown_asset", "T0001")
    assert note["op_id"] not in bench.queue(status="open", kind="conflict")
    assert bench.detail(note["op_id"])["device_side"] == note["args"]

    again = bench.resolve(note["op_id"], "resubmit").json()
    assert (again["resolved"], again["attempt"]["code"]) == (False, "unknown_asset")
    rejected = bench.queue(status="open", kind="rejected")
    assert note["op_id"] in rejected
    assert again["attempt"]["op_id"] not in rejected

    fixed = {"asset_id": asset["id"], "text": note["args"]["text"]}
    merged = bench.resolve(note["op_id"], "merge", args=fixed, note="Wrong tag scanned")
    assert merged.status_code == 200, merged.text
    assert merged.json()["resolved"] is True
    notes = bench.client.get(f"/api/v1/assets/{asset['id']}", headers=bench.desk).json()
    assert "Belt worn, replace soon" in notes["asset"]["notes"]
    assert note["op_id"] not in bench.inbox()
    done = bench.queue(status="resolved", kind="rejected")
    assert [i["resolution"] for i in done.values() if i["op_id"] == note["op_id"]] == ["merge"]
    assert bench.resolve(note["op_id"], "keep_server").status_code == 409


@pytest.mark.parametrize("who", ["T0001", "G0001"])
def test_technicians_and_guards_may_not_open_the_queue(client: Client, who: str) -> None:
    headers = api_login(client, who)
    some_id = str(uuid.uuid4())
    for response in (
        client.get("/api/v1/conflicts", headers=headers),
        client.get(f"/api/v1/conflicts/{some_id}", headers=headers),
        client.post(
            f"/api/v1/conflicts/{some_id}/resolve",
            headers=headers,
            json={"resolution": "keep_server"},
        ),
    ):
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
    console_login(client, who)
    page = client.get("/desk/conflicts")
    assert page.status_code == 403
    assert is_full_page(page.text)
    assert 'href="/desk/conflicts"' not in client.get("/desk/").text


def test_the_desk_resolves_in_the_console(bench: Bench) -> None:
    client = bench.client
    asset = bench.asset(44)
    op, result = bench.conflict(asset["id"])
    conflict_id = result["conflict_id"]
    console_login(client, "D0001")
    home = client.get("/desk/")
    assert 'data-panel="conflicts"' in home.text
    assert 'href="/desk/conflicts"' in home.text

    listing = client.get("/desk/conflicts")
    assert f'href="/desk/conflicts/{conflict_id}"' in listing.text
    partial = client.get(
        "/desk/conflicts",
        params={"status": "resolved", "kind": "conflict"},
        headers={"HX-Request": "true"},
    )
    assert not is_full_page(partial.text)
    assert partial.headers["HX-Push-Url"] == "/desk/conflicts?status=resolved&kind=conflict"
    assert f'/desk/conflicts/{conflict_id}"' not in partial.text

    page = page_text(client.get(f"/desk/conflicts/{conflict_id}").text)
    assert '<tr class="differs" data-differs="status">' in page
    assert "<mark>retired</mark>" in page
    assert "<mark>out_of_service</mark>" in page
    assert f'"op_id": "{op["op_id"]}"' in page  # the op verbatim
    assert f'href="/desk/assets/{asset["id"]}"' in page
    assert all(label in page for label in BUTTONS)

    token = client.cookies.get(CSRF_COOKIE)
    url = f"/desk/conflicts/{conflict_id}/resolve"
    bad = client.post(
        url, data={"resolution": "merge", "args": "{not json", "note": "x", "_csrf_token": token}
    )
    assert bad.status_code == 422
    assert "The args are not valid JSON" in page_text(bad.text)
    assert "{not json" in page_text(bad.text)  # the form comes back as it was sent
    assert bench.detail(conflict_id)["item"]["status"] == "open"

    done = client.post(
        url,
        data={"resolution": "keep_server", "note": "Retired on purpose", "_csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/desk/conflicts/{conflict_id}"
    shown = page_text(client.get(done.headers["location"]).text)
    me = client.get("/api/v1/auth/me", headers=bench.desk).json()
    assert "Kept the server's version" in shown
    assert f"{me['name']} (D0001)" in shown
    assert "Retired on purpose" in shown
    assert 'name="resolution"' not in shown
    assert op["op_id"] not in bench.inbox()
    twice = client.post(url, data={"resolution": "keep_server", "_csrf_token": token})
    assert twice.status_code == 409
    assert "already resolved" in page_text(twice.text)
    zh = client.get(f"/desk/conflicts/{conflict_id}", headers={"Accept-Language": "zh-CN"})
    assert "保留服务器版本" in zh.text
