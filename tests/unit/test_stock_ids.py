"""sync/vectors/stock-ids.json: the ids of lots and balances, as the server derives them.
The field app derives the same from the same file (tests/pwa/stock-ids.test.js)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from server.domain.stock.ids import balance_id, lot_id

VECTOR = Path(__file__).resolve().parents[2] / "sync" / "vectors" / "stock-ids.json"


def _vector() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(VECTOR.read_text())
    return loaded


def _maybe(value: str | None) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


def test_lot_ids_match_the_vector() -> None:
    lots = _vector()["lots"]
    assert len(lots) >= 6
    for case in lots:
        assert str(lot_id(uuid.UUID(case["item_id"]), case["lot"])) == case["id"], case


def test_balance_ids_match_the_vector() -> None:
    balances = _vector()["balances"]
    assert any(case["bin_id"] is None for case in balances)
    assert any(case["lot_id"] is None for case in balances)
    for case in balances:
        derived = balance_id(
            uuid.UUID(case["store_id"]),
            _maybe(case["bin_id"]),
            uuid.UUID(case["item_id"]),
            _maybe(case["lot_id"]),
        )
        assert str(derived) == case["id"], case
    assert len({case["id"] for case in balances}) == len(balances)
