"""Push: exactly once, in order, every op stored with its outcome."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from tests.phone import Phone

Client = TestClient[Litestar]


def _an_asset(phone: Phone) -> dict[str, Any]:
    response = phone.http.get("/api/v1/assets", headers=phone.headers, params={"limit": 1})
    asset: dict[str, Any] = response.json()["items"][0]
    return asset


def _other_location(phone: Phone, asset: dict[str, Any]) -> str:
    response = phone.http.get(
        "/api/v1/locations",
        headers=phone.headers,
        params={"site_id": asset["site_id"], "limit": 5},
    )
    return next(loc["id"] for loc in response.json()["items"] if loc["id"] != asset["location_id"])


def test_ops_apply_once_and_retries_answer_duplicate(client: Client) -> None:
    phone = Phone(client, "T0001")
    asset = _an_asset(phone)
    note = phone.op("asset.add_note", {"asset_id": asset["id"], "text": "Fan noisy, check bearing"})
    move = phone.op(
        "asset.set_location",
        {"asset_id": asset["id"], "location_id": _other_location(phone, asset)},
    )
    first = phone.results([note, move])
    assert [r["status"] for r in first] == ["applied", "applied"]
    assert first[1]["entity_versions"][f"asset:{asset['id']}"] >= 2

    again = phone.results([note, move])
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    assert again[0]["outcome"]["status"] == "applied"

    detail = client.get(f"/api/v1/assets/{asset['id']}", headers=phone.headers).json()
    assert detail["asset"]["location_id"] == move["args"]["location_id"]
    notes = client.get(f"/api/v1/assets/{asset['id']}", headers=phone.headers)
    assert notes.status_code == 200


def test_a_seq_gap_is_not_applied_and_names_the_expected_seq(client: Client) -> None:
    phone = Phone(client, "T0001")
    asset = _an_asset(phone)
    first = phone.op("asset.add_note", {"asset_id": asset["id"], "text": "one"})
    lost = phone.op("asset.add_note", {"asset_id": asset["id"], "text": "two"})
    third = phone.op("asset.add_note", {"asset_id": asset["id"], "text": "three"})
    results = phone.results([first, third])
    assert results[0]["status"] == "applied"
    assert results[1]["status"] == "seq_gap"
    assert results[1]["expected_seq"] == 2
    resent = phone.results([lost, third])
    assert [r["status"] for r in resent] == ["applied", "applied"]


def test_a_poison_op_is_stored_and_does_not_block_the_queue(client: Client) -> None:
    phone = Phone(client, "T0001")
    asset = _an_asset(phone)
    poison = phone.op(
        "asset.add_note", {"asset_id": "00000000-0000-4000-8000-000000000000", "text": "ghost"}
    )
    valid = phone.op("asset.add_note", {"asset_id": asset["id"], "text": "real"})
    unknown = phone.op("asset.teleport", {"asset_id": asset["id"]})
    bad_args = phone.op("asset.add_note", {"asset_id": asset["id"]})
    after = phone.op("asset.add_note", {"asset_id": asset["id"], "text": "still fine"})
    results = phone.results([poison, valid, unknown, bad_args, after])
    assert [(r["status"], r.get("code")) for r in results] == [
        ("rejected", "unknown_asset"),
        ("applied", None),
        ("rejected", "unknown_op"),
        ("rejected", "invalid_args"),
        ("applied", None),
    ]
    inbox = client.get("/api/v1/sync/inbox", headers=phone.headers).json()
    assert {entry["op_id"] for entry in inbox} == {
        poison["op_id"],
        unknown["op_id"],
        bad_args["op_id"],
    }
    assert all(entry["advice"] for entry in inbox)


def test_a_reused_seq_is_rejected_and_kept(client: Client) -> None:
    phone = Phone(client, "T0001")
    asset = _an_asset(phone)
    first = phone.op("asset.add_note", {"asset_id": asset["id"], "text": "a"})
    assert phone.results([first])[0]["status"] == "applied"
    phone.seq = 0  # a bug on the phone hands out seq 1 again
    clash = phone.op("asset.add_note", {"asset_id": asset["id"], "text": "b"})
    result = phone.results([clash])[0]
    assert (result["status"], result["code"]) == ("rejected", "seq_reused")
    assert clash["op_id"] in {
        e["op_id"] for e in client.get("/api/v1/sync/inbox", headers=phone.headers).json()
    }


def test_a_wiped_phone_starts_a_new_incarnation_at_seq_one(client: Client) -> None:
    phone = Phone(client, "T0001")
    asset = _an_asset(phone)
    assert (
        phone.results([phone.op("asset.add_note", {"asset_id": asset["id"], "text": "a"})])[0][
            "status"
        ]
        == "applied"
    )
    phone.wipe()
    result = phone.results([phone.op("asset.add_note", {"asset_id": asset["id"], "text": "b"})])
    assert result[0]["status"] == "applied"


def test_roles_that_may_not_send_an_op_are_refused_per_op(client: Client) -> None:
    guard = Phone(client, "G0001")
    op = guard.op(
        "asset.add_note", {"asset_id": "00000000-0000-4000-8000-000000000000", "text": "x"}
    )
    result = guard.results([op])[0]
    assert (result["status"], result["code"]) == ("rejected", "forbidden")


def test_pushing_for_another_device_is_refused(client: Client) -> None:
    phone = Phone(client, "T0001")
    other = Phone(client, "T0002")
    response = phone.push(
        [phone.op("asset.add_note", {"asset_id": "x", "text": "y"})], device_id=other.device_id
    )
    assert response.status_code == 403
    assert response.json()["code"] == "device_mismatch"


def test_an_oversized_batch_is_a_413_with_the_limit(client: Client) -> None:
    phone = Phone(client, "T0001")
    ops = [phone.op("asset.add_note", {"asset_id": "x", "text": "y"}) for _ in range(501)]
    response = phone.push(ops)
    assert response.status_code == 413
    assert response.json()["code"] == "batch_too_large"
    assert response.json()["limit"] == 500


def test_unreadable_ops_are_kept_verbatim_and_rejected(client: Client) -> None:
    phone = Phone(client, "T0001")
    broken = {"op_id": "7d1c8f4e-5b7a-4e59-9d57-0a4b1c2d3e4f", "seq": "one", "name": 5}
    result = phone.results([broken])[0]
    assert (result["op_id"], result["status"], result["code"]) == (
        broken["op_id"],
        "rejected",
        "invalid_op",
    )


def test_the_op_catalogue_lists_names_schemas_and_roles(client: Client) -> None:
    phone = Phone(client, "T0001")
    catalogue = client.get("/api/v1/sync/ops", headers=phone.headers).json()
    by_name = {(entry["name"], entry["v"]): entry for entry in catalogue}
    move = by_name[("asset.set_location", 1)]
    assert "technician" in move["roles"]
    assert "guard" not in move["roles"]
    assert set(move["args_schema"]["$defs"]["SetLocation"]["required"]) == {
        "asset_id",
        "location_id",
    }
