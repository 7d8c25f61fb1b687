"""The stock catalogue and where it is kept. Movements come with the stock ledger."""

from __future__ import annotations

import uuid

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from server.db.models.base import Entity


class Item(Entity, table=True):
    """A stock item. Money is in minor units (cents) so both databases add it exactly."""

    code: str = Field(unique=True, max_length=32)
    name: str = Field(max_length=160)
    unit: str = Field(max_length=16)
    unit_cost_cents: int = 0
    abc_class: str = Field(default="C", max_length=1)
    safety_stock: int = 0
    reorder_point: int = 0


class ItemGtin(SQLModel, table=True):
    """A GTIN (zero-padded to 14 digits) that identifies an item when scanned."""

    __tablename__ = "item_gtin"

    gtin: str = Field(primary_key=True, max_length=14)
    item_id: uuid.UUID = Field(foreign_key="item.id", index=True, ondelete="CASCADE")


class Store(Entity, table=True):
    code: str = Field(unique=True, max_length=16)
    name: str = Field(max_length=120)
    site_id: uuid.UUID = Field(foreign_key="site.id", index=True)
    location_id: uuid.UUID | None = Field(default=None, foreign_key="location.id")


class Bin(Entity, table=True):
    __table_args__ = (UniqueConstraint("store_id", "code"),)

    store_id: uuid.UUID = Field(foreign_key="store.id", index=True)
    code: str = Field(max_length=24)
