"""Wire types for the stock catalogue."""

from __future__ import annotations

import uuid

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
