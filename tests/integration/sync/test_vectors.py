"""The golden vectors in sync/vectors/, which every client must reproduce."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from sync.chain import op_hash
from tests.phone import Phone

VECTORS = Path(__file__).resolve().parents[3] / "sync" / "vectors"
Client = TestClient[Litestar]


def _load(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((VECTORS / name).read_text())
    return loaded


def test_hash_chain_vectors() -> None:
    chain = _load("hash_chain.json")["chain"]
    previous = ""
    for entry in chain:
        assert entry["op"]["prev_hash"] == previous
        assert op_hash(entry["op"]) == entry["hash"]
        previous = entry["hash"]


def test_push_sequence_vectors_through_the_server(client: Client) -> None:
    phone = Phone(client, "T0001")
    asset_id = client.get("/api/v1/assets", headers=phone.headers, params={"limit": 1}).json()[
        "items"
    ][0]["id"]
    made: dict[str, dict[str, Any]] = {}

    def op_for(spec: dict[str, Any]) -> dict[str, Any]:
        if spec["op"] not in made:
            phone.seq = spec["seq"] - 1
            target = "00000000-0000-4000-8000-000000000000" if spec.get("poison") else asset_id
            made[spec["op"]] = phone.op("asset.add_note", {"asset_id": target, "text": spec["op"]})
        return made[spec["op"]]

    for step in _load("push_sequence.json")["steps"]:
        response = phone.push([op_for(spec) for spec in step["push"]])
        assert response.status_code == 200
        body = response.json()
        assert [r["status"] for r in body["results"]] == step["expect"], step
        assert body["last_seq"] == step["last_seq"]
        if "expected_seq" in step:
            assert {r["expected_seq"] for r in body["results"]} == {step["expected_seq"]}
        if "code" in step:
            assert body["results"][0]["code"] == step["code"]
