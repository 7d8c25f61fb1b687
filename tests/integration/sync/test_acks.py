"""Acks never run ahead of data: a phone drops an op's optimistic effect only once the pull
has delivered every change of every op up to it, refused ops included."""

from __future__ import annotations

import asyncio
import random
import threading
from pathlib import Path
from typing import Any

import httpx
from litestar import Litestar
from litestar.testing import TestClient

from tests.databases import load_small_demo, scratch_database
from tests.phone import Phone
from tests.servers import server_env, serving

Client = TestClient[Litestar]
GHOST = "00000000-0000-4000-8000-000000000000"


def _assets(phone: Phone, limit: int = 5) -> list[dict[str, Any]]:
    response = phone.http.get("/api/v1/assets", headers=phone.headers, params={"limit": limit})
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_a_refused_op_is_not_acked_ahead_of_an_earlier_op_still_on_its_way(
    client: Client,
) -> None:
    phone = Phone(client, "T0001")
    phone.pull_all()
    other = Phone(client, "D0001")
    assets = _assets(phone)
    # Three changes by someone else sit between the phone's cursor and its own op.
    assert {
        r["status"]
        for r in other.results(
            [other.op("asset.add_note", {"asset_id": a["id"], "text": "desk"}) for a in assets[:3]]
        )
    } == {"applied"}
    applied = phone.op("asset.add_note", {"asset_id": assets[4]["id"], "text": "mine"})
    refused = phone.op("asset.add_note", {"asset_id": GHOST, "text": "nowhere"})
    assert [r["status"] for r in phone.results([applied, refused])] == ["applied", "rejected"]

    page = phone.pull_page(limit=1)

    assert page["more"]
    assert page["acks"]["last_seq"] < applied["seq"]  # its note has not arrived yet
    phone.pull_all(limit=1)
    assert phone.acked == refused["seq"]
    assert "mine" in phone.replica[("asset", assets[4]["id"])]["notes"]


def test_nothing_is_acked_while_a_first_sync_walks_the_scope(client: Client) -> None:
    phone = Phone(client, "T0001")
    asset = _assets(phone)[0]
    done = phone.results([phone.op("asset.add_note", {"asset_id": asset["id"], "text": "x"})])
    assert done[0]["status"] == "applied"

    pages: list[tuple[int, set[str]]] = []
    while True:
        page = phone.pull_page(limit=50)
        pages.append((page["acks"]["last_seq"], {change["type"] for change in page["changes"]}))
        if not page["more"]:
            break
    # Work orders are walked last: every page before their first one is mid-walk, and
    # none of those acked the note, though it was written before the walk began.
    first_order_page = next(i for i, (_, types) in enumerate(pages) if "work_order" in types)
    assert first_order_page >= 3
    assert [ack for ack, _ in pages[:first_order_page]] == [0] * first_order_page
    assert pages[-1][0] == 1


def _own_writer(
    phone: Phone, assets: list[dict[str, Any]], seen: list[dict[str, Any]], errors: list[str]
) -> None:
    """The phone's own ops, valid and refused, pushed while it pulls."""
    rng = random.Random(7)  # noqa: S311 - a reproducible workload
    for round_no in range(15):
        batch = []
        for index in range(rng.randint(1, 4)):
            target = GHOST if rng.random() < 0.25 else rng.choice(assets)["id"]
            text = f"own r{round_no} #{index}"
            batch.append(phone.op("asset.add_note", {"asset_id": target, "text": text}))
        response = phone.push(batch)
        if response.status_code != 200:
            errors.append(response.text[:300])
            return
        for op, result in zip(batch, response.json()["results"], strict=True):
            seen.append({"seq": op["seq"], **result})


def _others(base: str, employee_no: str, assets: list[dict[str, Any]], errors: list[str]) -> None:
    with httpx.Client(base_url=base, timeout=60) as http:
        phone = Phone(http, employee_no)
        for round_no in range(15):
            batch = [
                phone.op(
                    "asset.add_note", {"asset_id": a["id"], "text": f"{employee_no} {round_no}"}
                )
                for a in assets
            ]
            response = phone.push(batch)
            if response.status_code != 200:
                errors.append(response.text[:300])


def _behind(phone: Phone, seen: list[dict[str, Any]]) -> list[str]:
    """Acked ops whose produced versions the replica does not hold yet."""
    missing = []
    for result in list(seen):
        if result["seq"] > phone.acked or result["status"] != "applied":
            continue
        for key, version in result["entity_versions"].items():
            entity_type, entity_id = key.split(":", 1)
            if phone.versions.get((entity_type, entity_id), 0) < version:
                missing.append(f"seq {result['seq']} acked before {key} v{version}")
    return missing


def test_acks_follow_data_under_interleaved_writers(backend: str, tmp_path: Path) -> None:
    with scratch_database(backend, tmp_path) as url:
        asyncio.run(load_small_demo(url))
        with (
            serving(server_env(url, tmp_path / "state"), workers=3) as server,
            httpx.Client(base_url=server.base, timeout=60) as http,
        ):
            phone = Phone(http, "T0001")
            phone.pull_all(limit=500)
            assets = _assets(phone, limit=6)
            seen: list[dict[str, Any]] = []
            errors: list[str] = []
            threads = [
                threading.Thread(target=_own_writer, args=(phone, assets, seen, errors)),
                *(
                    threading.Thread(target=_others, args=(server.base, who, assets, errors))
                    for who in ("T0002", "L0001", "D0001")
                ),
            ]
            for thread in threads:
                thread.start()
            behind: list[str] = []
            acks = []
            while any(thread.is_alive() for thread in threads):
                phone.pull_page(limit=7)
                acks.append(phone.acked)
                behind += _behind(phone, seen)
            for thread in threads:
                thread.join()
            phone.pull_all(limit=7)
            behind += _behind(phone, seen)

            assert errors == []
            assert behind == []
            assert acks == sorted(acks)  # an ack never goes back
            assert phone.acked == max(result["seq"] for result in seen)
