"""What each stock op carries (the op catalogue's `args`). Quantities are whole units of
the item's unit; ids of new rows (movements, count lines) are chosen by the phone, so a
retried op names the same row. Lots travel by their printed code, with the expiry the
scan read; the server derives the lot's id (ids.lot_id) as the phone does."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated

import msgspec

Quantity = Annotated[int, msgspec.Meta(ge=1, le=1_000_000)]
LotCode = Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
ScanText = Annotated[str, msgspec.Meta(max_length=300)]
Reason = Annotated[str, msgspec.Meta(max_length=200)]


class AdjustReason(StrEnum):
    DAMAGED = "damaged"
    EXPIRED = "expired"
    FOUND = "found"
    LOST = "lost"
    RECALLED = "recalled"
    CORRECTION = "correction"


class Place(msgspec.Struct, forbid_unknown_fields=True):
    """Where stock sits: a store and, when the store has bins, one of them."""

    store_id: uuid.UUID
    bin_id: uuid.UUID | None = None


class Receive(msgspec.Struct, forbid_unknown_fields=True):
    movement_id: uuid.UUID
    store_id: uuid.UUID
    item_id: uuid.UUID
    quantity: Quantity
    bin_id: uuid.UUID | None = None
    lot: LotCode | None = None
    expiry: date | None = None
    # The delivery's price per unit; none keeps the moving average as it is.
    unit_cost_cents: Annotated[int, msgspec.Meta(ge=0)] | None = None
    reference: Annotated[str, msgspec.Meta(max_length=64)] = ""
    scan: ScanText = ""  # the scanned text, verbatim (GS as \x1d)
    symbology_id: Annotated[str, msgspec.Meta(max_length=3)] = ""


class Issue(msgspec.Struct, forbid_unknown_fields=True):
    """To exactly one of: a work order (its part line), a department, a cost centre."""

    movement_id: uuid.UUID
    store_id: uuid.UUID
    item_id: uuid.UUID
    quantity: Quantity
    bin_id: uuid.UUID | None = None
    lot: LotCode | None = None
    work_order_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None
    cost_centre: Annotated[str, msgspec.Meta(max_length=32)] = ""
    scan: ScanText = ""


class Return(msgspec.Struct, forbid_unknown_fields=True):
    """Unused stock back into a store, from a work order or a department."""

    movement_id: uuid.UUID
    store_id: uuid.UUID
    item_id: uuid.UUID
    quantity: Quantity
    bin_id: uuid.UUID | None = None
    lot: LotCode | None = None
    work_order_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None
    reason: Reason = ""


class Transfer(msgspec.Struct, forbid_unknown_fields=True):
    """Two ledger lines, out of one place and into another, sharing `movement_id` as
    their transfer id."""

    movement_id: uuid.UUID
    item_id: uuid.UUID
    quantity: Quantity
    from_store_id: uuid.UUID
    to_store_id: uuid.UUID
    from_bin_id: uuid.UUID | None = None
    to_bin_id: uuid.UUID | None = None
    lot: LotCode | None = None


class Adjust(msgspec.Struct, forbid_unknown_fields=True):
    movement_id: uuid.UUID
    store_id: uuid.UUID
    item_id: uuid.UUID
    delta: Annotated[int, msgspec.Meta(ge=-1_000_000, le=1_000_000)]
    reason: AdjustReason
    bin_id: uuid.UUID | None = None
    lot: LotCode | None = None
    note: Reason = ""


class Count(msgspec.Struct, forbid_unknown_fields=True):
    """One blind stocktake line: what was found in a bin, never what the ledger says."""

    line_id: uuid.UUID
    stocktake_id: uuid.UUID
    item_id: uuid.UUID
    counted: Annotated[int, msgspec.Meta(ge=0, le=1_000_000)]
    bin_id: uuid.UUID | None = None
    lot: LotCode | None = None
