"""Opening stock: Main Stores, West Stores and a van for each demo technician, written as
the receive movements the ledger would have posted, with the balances they add up to.

A few items are lot-tracked, so the expiry and recall warnings have something to show:
one lot expired, one expiring within 30 days, one recalled.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from server.db.demo.campus import Campus
from server.db.demo.names import EAST, WEST
from server.db.demo.people import Workforce
from server.db.demo.rows import DemoRows
from server.db.demo.stores import LOT_TRACKED_ITEMS, DemoItem, Stores
from server.db.models import (
    Bin,
    MovementKind,
    StockBalance,
    StockLot,
    StockMovement,
    Store,
    StoreKind,
)
from server.domain.stock.ids import balance_id, lot_id

# (technician, their campus) for the vans.
VANS = (("T0001", EAST), ("T0002", EAST), ("T0003", WEST))
WEST_BINS = ("W-01", "W-02", "W-03", "W-04")


@dataclass(frozen=True)
class _Place:
    store_id: uuid.UUID
    site_id: uuid.UUID
    bin_id: uuid.UUID | None = None


@dataclass(frozen=True)
class _Lot:
    code: str
    expiry: date | None
    recalled: bool = False


class _Ledger:
    def __init__(self, rows: DemoRows, keeper: uuid.UUID) -> None:
        self.rows, self.keeper = rows, keeper
        self.when = rows.now - timedelta(days=30)

    def lot(self, item: DemoItem, lot: _Lot) -> uuid.UUID:
        row_id = lot_id(item.id, lot.code)
        recalled = self.rows.now - timedelta(days=2) if lot.recalled else None
        self.rows.link(
            StockLot,
            id=row_id,
            created_at=self.rows.now,
            updated_at=self.rows.now,
            item_id=item.id,
            lot=lot.code,
            expiry=lot.expiry,
            recalled_at=recalled,
            recall_reason="Manufacturer recall: faulty seal" if lot.recalled else "",
        )
        return row_id

    def receive(
        self, place: _Place, item: DemoItem, quantity: int, lot: uuid.UUID | None = None
    ) -> None:
        """One receipt at the item's cost, and the balance it makes."""
        self.rows.entity(
            StockMovement,
            kind=MovementKind.RECEIVE,
            item_id=item.id,
            store_id=place.store_id,
            bin_id=place.bin_id,
            lot_id=lot,
            quantity=quantity,
            unit_cost_cents=item.unit_cost_cents,
            value_cents=quantity * item.unit_cost_cents,
            work_order_id=None,
            department_id=None,
            cost_centre="",
            reason="",
            reference="Opening stock",
            transfer_id=None,
            stocktake_id=None,
            actor_id=self.keeper,
            device_id=None,
            op_id=None,
            occurred_at=self.when,
            recorded_at=self.when,
            clock_flag=None,
            scan_text="",
        )
        self.rows.link(
            StockBalance,
            id=balance_id(place.store_id, place.bin_id, item.id, lot),
            created_at=self.rows.now,
            updated_at=self.rows.now,
            store_id=place.store_id,
            site_id=place.site_id,
            bin_id=place.bin_id,
            item_id=item.id,
            lot_id=lot,
            on_hand=quantity,
        )


def build_stock(
    rows: DemoRows, rng: random.Random, campus: Campus, workforce: Workforce, stores: Stores
) -> None:
    ledger = _Ledger(rows, workforce.user_ids["K0001"])
    east, west = campus.site_ids[EAST], campus.site_ids[WEST]
    items = stores.items
    lot_tracked = _lot_tracked(rows.now.date())
    assert len(lot_tracked) == LOT_TRACKED_ITEMS  # the catalogue gave exactly these GTINs
    for number, item in enumerate(items):
        place = _Place(stores.main_id, east, stores.main_bins[number % len(stores.main_bins)])
        lots = lot_tracked.get(number)
        if lots is None:
            ledger.receive(place, item, item.reorder_point + rng.randint(3, 30))
            continue
        for lot in lots:
            ledger.receive(place, item, rng.randint(3, 12), ledger.lot(item, lot))
    west_store = rows.entity(
        Store,
        code="WEST",
        name="West Stores",
        site_id=west,
        location_id=None,
        kind=StoreKind.STORE,
        holder_id=None,
    )
    west_bins = [
        rows.entity(Bin, store_id=west_store, site_id=west, code=code) for code in WEST_BINS
    ]
    for number, item in enumerate(items[len(lot_tracked) :][:12]):
        place = _Place(west_store, west, west_bins[number % len(west_bins)])
        ledger.receive(place, item, item.reorder_point + rng.randint(1, 10))
    for employee_no, site_code in VANS:
        holder = workforce.user_ids[employee_no]
        van = rows.entity(
            Store,
            code=f"VAN-{employee_no}",
            name=f"Van {employee_no}",
            site_id=campus.site_ids[site_code],
            location_id=None,
            kind=StoreKind.VAN,
            holder_id=holder,
        )
        for item in rng.sample(items[len(lot_tracked) :], 8):
            ledger.receive(_Place(van, campus.site_ids[site_code]), item, rng.randint(2, 6))


def _lot_tracked(today: date) -> dict[int, tuple[_Lot, ...]]:
    """Items (by their place in the catalogue) kept by lot, and their lots."""
    return {
        0: (_Lot("B2401", today - timedelta(days=12)), _Lot("B2507", today + timedelta(days=400))),
        1: (_Lot("C1188", today + timedelta(days=21)), _Lot("C1290", today + timedelta(days=220))),
        2: (_Lot("R0713", today + timedelta(days=300), recalled=True), _Lot("R0840", None)),
        3: (_Lot("S5521", today + timedelta(days=90)), _Lot("S5530", today + timedelta(days=150))),
    }
