"""Main Stores: the store, its bins and the spare-parts catalogue with GTINs."""

from __future__ import annotations

import random
import string
import uuid
from collections import Counter
from dataclasses import dataclass, field

from server.db.demo.campus import Campus
from server.db.demo.names import EAST
from server.db.demo.parts import PART_FAMILIES, item_gtins
from server.db.demo.rows import DemoRows
from server.db.demo.sizes import SizeProfile
from server.db.models import Bin, Item, ItemGtin, LocationKind, Store, StoreKind


@dataclass(frozen=True)
class DemoItem:
    id: uuid.UUID
    unit_cost_cents: int
    reorder_point: int


@dataclass
class Stores:
    """What the stock ledger's opening balances are written against (demo/stock.py)."""

    main_id: uuid.UUID
    main_bins: list[uuid.UUID] = field(default_factory=list)
    items: list[DemoItem] = field(default_factory=list)


def build_stores(
    rows: DemoRows, profile: SizeProfile, rng: random.Random, campus: Campus
) -> Stores:
    east_stores = [
        place.id
        for place in campus.places
        if place.kind is LocationKind.STORE and place.site_code == EAST
    ]
    store_id = rows.entity(
        Store,
        code="MAIN",
        name="Main Stores",
        site_id=campus.site_ids[EAST],
        location_id=east_stores[0] if east_stores else None,
        kind=StoreKind.STORE,
        holder_id=None,
    )
    stores = Stores(store_id)
    for aisle in string.ascii_uppercase[: profile.bin_aisles]:
        for bay in range(1, profile.bin_bays + 1):
            for shelf in range(1, profile.bin_shelves + 1):
                bin_id = rows.entity(
                    Bin,
                    store_id=store_id,
                    site_id=campus.site_ids[EAST],
                    code=f"{aisle}-{bay:02d}-{shelf:02d}",
                )
                stores.main_bins.append(bin_id)
    stores.items = _build_catalogue(rows, profile, rng)
    return stores


# The first items of the catalogue are the ones the demo keeps by lot (demo/stock.py).
LOT_TRACKED_ITEMS = 4


def _build_catalogue(rows: DemoRows, profile: SizeProfile, rng: random.Random) -> list[DemoItem]:
    items: list[DemoItem] = []
    parts = [
        (family, variant, brand)
        for family in PART_FAMILIES
        for variant in family.variants
        for brand in family.brands
    ]
    rng.shuffle(parts)
    references_used: Counter[str] = Counter()
    for number in range(profile.items):
        family, variant, brand = parts[number % len(parts)]
        name = f"{family.name}, {variant}, {brand}"
        # Beyond the distinct parts (the large size), repeat them as further supplier lines.
        if number >= len(parts):
            name += f", ref. {rng.randrange(100_000, 1_000_000)}"
        unit_cost = rng.randint(family.min_cost_cents, family.max_cost_cents) // 5 * 5
        expensive = unit_cost >= 10_000
        abc_class = rng.choices("ABC", weights=(50, 30, 20) if expensive else (5, 20, 75))[0]
        safety_stock = rng.randint(1, 6) if expensive else rng.randint(5, 40)
        reorder_point = safety_stock + rng.randint(2, 20)
        item_id = rows.entity(
            Item,
            code=f"{family.code_prefix}-{number + 1:05d}",
            name=name,
            unit=family.unit,
            unit_cost_cents=unit_cost,
            abc_class=abc_class,
            safety_stock=safety_stock,
            reorder_point=reorder_point,
        )
        items.append(DemoItem(item_id, unit_cost, reorder_point))
        references_used[brand] += 1
        gtin_count = rng.choices((0, 1, 2), weights=(25, 50, 25))[0]
        if number < LOT_TRACKED_ITEMS:  # kept by lot: their packs carry a GS1 DataMatrix
            gtin_count = max(gtin_count, 1)
        for gtin in item_gtins(brand, references_used[brand], gtin_count):
            rows.link(ItemGtin, gtin=gtin, item_id=item_id)
    return items
