"""Wire types for the stock catalogue."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import msgspec


class ItemOut(msgspec.Struct):
    id: uuid.UUID
    code: str
    name: str
    unit: str
    unit_cost_cents: int
    abc_class: str
    safety_stock: int
    reorder_point: int
    gtins: list[str]


class ItemPage(msgspec.Struct):
    items: list[ItemOut]
    total: int
    limit: int
    offset: int


class StoreOut(msgspec.Struct):
    id: uuid.UUID
    code: str
    name: str
    site_id: uuid.UUID
    kind: str = "store"
    holder_id: uuid.UUID | None = None


class BalanceOut(msgspec.Struct):
    store_id: uuid.UUID
    bin_id: uuid.UUID | None
    bin_code: str | None
    item_id: uuid.UUID
    lot_id: uuid.UUID | None
    lot: str | None
    expiry: date | None
    on_hand: int


class LotOut(msgspec.Struct):
    """A lot of the item, its stock in each place the reader sees, and what to warn of."""

    id: uuid.UUID | None  # None: stock kept without a lot
    lot: str | None
    expiry: date | None
    recalled: bool
    on_hand: int
    places: list[BalanceOut]
    warnings: list[str]


class LookupOut(msgspec.Struct):
    item: ItemOut
    lots: list[LotOut]  # first expired, first out; none last
    suggested_lot: str | None
    warnings: list[str]  # of every lot on hand, once each
    # When looked up by a scan: what parse_scan read, and the warnings of the lot scanned
    # (expired, recalled ...), which the phone shows before anything is recorded.
    scan: dict[str, Any] | None = None
    scanned_lot_warnings: list[str] = msgspec.field(default_factory=list)
