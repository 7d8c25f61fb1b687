"""The stock catalogue, where it is kept, and the ledger of what moved."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from server.db.models.base import Entity
from server.db.types import UTCDateTime, string_enum


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


class StoreKind(StrEnum):
    STORE = "store"
    VAN = "van"  # a technician's van or trolley stock, held by one person


class Store(Entity, table=True):
    code: str = Field(unique=True, max_length=16)
    name: str = Field(max_length=120)
    site_id: uuid.UUID = Field(foreign_key="site.id", index=True)
    location_id: uuid.UUID | None = Field(default=None, foreign_key="location.id")
    kind: StoreKind = Field(
        default=StoreKind.STORE,
        sa_type=string_enum(StoreKind, 16),
        sa_column_kwargs={"server_default": StoreKind.STORE.value},
    )
    # A van's holder: the technician whose parts it carries.
    holder_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id", index=True)


class Bin(Entity, table=True):
    __table_args__ = (UniqueConstraint("store_id", "code"),)

    store_id: uuid.UUID = Field(foreign_key="store.id", index=True)
    code: str = Field(max_length=24)
    # The store's site, on the row so the change feed can scope it (see sync/capture).
    site_id: uuid.UUID = Field(foreign_key="site.id", index=True)


class StockLot(Entity, table=True):
    """A batch of an item as its packaging names it. The id is `stock.ids.lot_id(item, lot)`,
    so a phone that receives a new lot offline names the same row the server will."""

    __tablename__ = "stock_lot"
    __table_args__ = (UniqueConstraint("item_id", "lot"),)

    item_id: uuid.UUID = Field(foreign_key="item.id", index=True)
    lot: str = Field(max_length=20)
    expiry: date | None = Field(default=None, index=True)
    recalled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    recall_reason: str = Field(default="", max_length=200)


class MovementKind(StrEnum):
    RECEIVE = "receive"
    ISSUE = "issue"
    RETURN = "return"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    ADJUST = "adjust"
    COUNT = "count"  # the adjustment an approved stocktake writes


class StockMovement(Entity, table=True):
    """One line of the append-only ledger: `quantity` is signed (what entered the store and
    bin is positive). Never updated or deleted; a mistake is undone by another movement.
    A transfer is two lines sharing `transfer_id`."""

    __tablename__ = "stock_movement"
    __table_args__ = (
        Index("ix_stock_movement_place", "store_id", "item_id", "occurred_at"),
        Index("ix_stock_movement_lot", "lot_id", "occurred_at"),
    )

    kind: MovementKind = Field(sa_type=string_enum(MovementKind, 16))
    item_id: uuid.UUID = Field(foreign_key="item.id")
    store_id: uuid.UUID = Field(foreign_key="store.id")
    bin_id: uuid.UUID | None = Field(default=None, foreign_key="bin.id")
    lot_id: uuid.UUID | None = Field(default=None, foreign_key="stock_lot.id")
    quantity: int
    # The moving average cost when the movement was applied (receipts: their own price).
    unit_cost_cents: int = 0
    value_cents: int = 0
    work_order_id: uuid.UUID | None = Field(default=None, foreign_key="work_order.id", index=True)
    department_id: uuid.UUID | None = Field(default=None, foreign_key="department.id", index=True)
    cost_centre: str = Field(default="", max_length=32)
    reason: str = Field(default="", max_length=200)
    reference: str = Field(default="", max_length=64)  # delivery note, supplier order
    transfer_id: uuid.UUID | None = Field(default=None, index=True)
    stocktake_id: uuid.UUID | None = Field(default=None, foreign_key="stocktake.id")
    actor_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    device_id: uuid.UUID | None = None
    op_id: uuid.UUID | None = Field(default=None, index=True)
    # When it happened on the phone (bounded by push, sync/clocks.py), and when it arrived.
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    clock_flag: str | None = Field(default=None, max_length=24)
    scan_text: str = Field(default="", max_length=300)  # what was scanned, verbatim


class StockBalance(Entity, table=True):
    """On hand per store, bin and lot, kept in the transaction that writes the movement.
    The id is `stock.ids.balance_id(...)`, so a phone updates the same row offline."""

    __tablename__ = "stock_balance"
    __table_args__ = (Index("ix_stock_balance_item", "item_id", "store_id"),)

    store_id: uuid.UUID = Field(foreign_key="store.id", index=True)
    site_id: uuid.UUID = Field(foreign_key="site.id", index=True)  # the store's
    bin_id: uuid.UUID | None = Field(default=None, foreign_key="bin.id")
    item_id: uuid.UUID = Field(foreign_key="item.id")
    lot_id: uuid.UUID | None = Field(default=None, foreign_key="stock_lot.id")
    on_hand: int = 0


class ExceptionStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class StockException(Entity, table=True):
    """Something the storekeeper must look at, raised instead of refusing a field record:
    a balance that went below zero (two phones issued the last unit offline), a recalled
    or expired lot issued."""

    __tablename__ = "stock_exception"

    kind: str = Field(max_length=32)
    status: ExceptionStatus = Field(
        default=ExceptionStatus.OPEN, sa_type=string_enum(ExceptionStatus, 16), index=True
    )
    store_id: uuid.UUID = Field(foreign_key="store.id", index=True)
    item_id: uuid.UUID = Field(foreign_key="item.id")
    bin_id: uuid.UUID | None = Field(default=None, foreign_key="bin.id")
    lot_id: uuid.UUID | None = Field(default=None, foreign_key="stock_lot.id")
    movement_id: uuid.UUID | None = Field(default=None, foreign_key="stock_movement.id")
    on_hand: int = 0
    detail: str = Field(default="", max_length=400)
    resolved_by_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolution: str = Field(default="", max_length=400)


class StocktakeStatus(StrEnum):
    COUNTING = "counting"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    CANCELLED = "cancelled"


class Stocktake(Entity, table=True):
    """A blind count of some bins of a store (all bins when `bin_ids` is empty)."""

    store_id: uuid.UUID = Field(foreign_key="store.id", index=True)
    site_id: uuid.UUID = Field(foreign_key="site.id", index=True)  # the store's
    status: StocktakeStatus = Field(
        default=StocktakeStatus.COUNTING, sa_type=string_enum(StocktakeStatus, 16), index=True
    )
    bin_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    note: str = Field(default="", max_length=400)
    opened_by_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    approved_by_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    submitted_by_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class StocktakeLine(Entity, table=True):
    """One counted line, as the phone sent it (id chosen by the phone). The expected
    quantity is the ledger's balance at `counted_at`, worked out at approval."""

    __tablename__ = "stocktake_line"

    stocktake_id: uuid.UUID = Field(foreign_key="stocktake.id", index=True)
    bin_id: uuid.UUID | None = Field(default=None, foreign_key="bin.id")
    item_id: uuid.UUID = Field(foreign_key="item.id")
    lot_id: uuid.UUID | None = Field(default=None, foreign_key="stock_lot.id")
    counted: int
    counted_by_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    counted_at: datetime = Field(sa_type=UTCDateTime)
    op_id: uuid.UUID | None = None
    expected: int | None = None  # filled at approval
    adjustment_id: uuid.UUID | None = Field(default=None, foreign_key="stock_movement.id")
    # Counted after the stocktake was approved or cancelled: kept and shown, never applied.
    late: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
