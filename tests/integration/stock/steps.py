"""Shared steps of the stock tests, driven through pushed ops as the phones send them."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.engine import make_engine
from server.settings import DatabaseSettings
from tests.phone import Phone


def get(phone: Phone, path: str, **params: Any) -> Any:
    response = phone.http.get(path, headers=phone.headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def stores(phone: Phone) -> dict[str, dict[str, Any]]:
    return {store["code"]: store for store in get(phone, "/api/v1/stores")}


def items(phone: Phone, limit: int = 50) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = get(phone, "/api/v1/items", limit=limit)["items"]
    return found


def send(phone: Phone, verb: str, **args: Any) -> dict[str, Any]:
    """Push one stock op (a new movement id unless given) and return its result."""
    args.setdefault("movement_id", str(uuid.uuid4()))
    result: dict[str, Any] = phone.results([phone.op(f"stock.{verb}", args)])[0]
    return result


def applied(phone: Phone, verb: str, **args: Any) -> dict[str, Any]:
    result = send(phone, verb, **args)
    assert result["status"] == "applied", result
    return result


def on_hand(
    phone: Phone, store_id: str, item_id: str, lot: str | None = None, bin_id: str | None = None
) -> int:
    """The balance of one place, as the API reports it (0 when it has none)."""
    return sum(
        row["on_hand"]
        for row in get(phone, "/api/v1/stock/balances", store=store_id)
        if row["item_id"] == item_id and row["lot"] == lot and row["bin_id"] == bin_id
    )


def new_lot() -> str:
    return f"T{uuid.uuid4().hex[:10].upper()}"


def rows(url: str, stmt: Executable) -> Sequence[Any]:
    """Read the database directly (what no API shows yet: exceptions, movements)."""

    async def run() -> Sequence[Any]:
        engine = make_engine(DatabaseSettings(url=url))
        try:
            async with AsyncSession(engine) as session:
                return (await session.execute(stmt)).all()
        finally:
            await engine.dispose()

    return asyncio.run(run())
