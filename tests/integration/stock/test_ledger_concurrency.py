"""Several phones pushing stock ops at once through a server with several workers: every
balance ends equal to the sum of its movements, and every batch is applied the first time.

Batches name the same items in different orders. The push locks a batch's items up front in
one order (`OpSpec.locks`), so they queue behind each other: no deadlock, so no 503
`database_busy` that would make a phone send its batch again."""

from __future__ import annotations

import asyncio
import random
import threading
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from sqlmodel import col

from server.db.models import StockBalance, StockMovement
from tests.databases import load_small_demo, scratch_database
from tests.integration.stock.steps import rows
from tests.phone import Phone
from tests.servers import server_env, serving

WRITERS = ("T0001", "T0002", "K0001", "S0001")
ROUNDS = 10


def _op(phone: Phone, rng: random.Random, places: dict[str, str], item_ids: list[str]) -> Any:
    item = rng.choice(item_ids)
    movement = str(uuid.uuid4())
    if phone.employee_no.startswith("T"):  # technicians issue from the main store
        args = {"store_id": places["MAIN"], "quantity": rng.randint(1, 3), "cost_centre": "CC"}
        return phone.op("stock.issue", {"movement_id": movement, "item_id": item, **args})
    if rng.random() < 0.5:
        return phone.op(
            "stock.receive",
            {
                "movement_id": movement,
                "store_id": places["MAIN"],
                "item_id": item,
                "quantity": rng.randint(1, 4),
                "unit_cost_cents": rng.randint(100, 900),
            },
        )
    return phone.op(
        "stock.transfer",
        {
            "movement_id": movement,
            "item_id": item,
            "quantity": 1,
            "from_store_id": places["MAIN"],
            "to_store_id": places["VAN-T0001"],
        },
    )


def _writer(base: str, employee_no: str, seed: int, errors: list[str]) -> None:
    rng = random.Random(seed)  # noqa: S311 - a reproducible workload, not a secret
    with httpx.Client(base_url=base, timeout=60) as http:
        phone = Phone(http, employee_no)
        places = {
            s["code"]: s["id"] for s in http.get("/api/v1/stores", headers=phone.headers).json()
        }
        found = http.get("/api/v1/items", headers=phone.headers, params={"limit": 3}).json()
        item_ids = [item["id"] for item in found["items"]]
        for _ in range(ROUNDS):
            batch = [_op(phone, rng, places, item_ids) for _ in range(rng.randint(1, 4))]
            response = phone.push(batch)
            if response.status_code != 200 or any(
                r["status"] != "applied" for r in response.json()["results"]
            ):
                errors.append(f"{employee_no}: {response.status_code} {response.text[:300]}")


def test_concurrent_stock_ops_leave_every_balance_equal_to_its_movements(
    backend: str, tmp_path: Path
) -> None:
    with scratch_database(backend, tmp_path) as url:
        asyncio.run(load_small_demo(url))
        with serving(server_env(url, tmp_path / "state"), workers=3) as server:
            errors: list[str] = []
            threads = [
                threading.Thread(target=_writer, args=(server.base, who, n, errors))
                for n, who in enumerate(WRITERS)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert errors == []
        moved: Counter[tuple[Any, ...]] = Counter()
        for store, bin_id, item, lot, quantity in rows(
            url,
            select(
                StockMovement.store_id,
                StockMovement.bin_id,
                StockMovement.item_id,
                StockMovement.lot_id,
                StockMovement.quantity,
            ),
        ):
            moved[(store, bin_id, item, lot)] += quantity
        balances = {
            (b.store_id, b.bin_id, b.item_id, b.lot_id): b.on_hand
            for (b,) in rows(url, select(StockBalance))
        }
        assert len(moved) > 90  # the demo's opening stock and the writers' places
        assert balances == dict(moved)
        pushed = rows(url, select(StockMovement.id).where(col(StockMovement.op_id).is_not(None)))
        assert len(pushed) >= len(WRITERS) * ROUNDS
