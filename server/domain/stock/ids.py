"""Ids a phone and the server work out alike, so a lot received offline and the balance an
offline issue lowers are the same rows on both sides before they ever meet.

An id is a UUID version 8 (RFC 9562, "custom") made of the first 128 bits of the SHA-256
of a readable key; pwa/src/shared/stock-ids.js computes the same.

>>> item = uuid.UUID("00000000-0000-4000-8000-000000000001")
>>> str(lot_id(item, "A1B2"))
'c8dd9a74-a67d-8678-baca-df4fb20559f0'
"""

from __future__ import annotations

import hashlib
import uuid


def derived_id(key: str) -> uuid.UUID:
    digest = bytearray(hashlib.sha256(key.encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x80  # version 8
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 9562 variant
    return uuid.UUID(bytes=bytes(digest))


def lot_id(item_id: uuid.UUID, lot: str) -> uuid.UUID:
    """A lot as its packaging names it: the item and the batch code, verbatim."""
    return derived_id(f"stock_lot:{item_id}:{lot}")


def balance_id(
    store_id: uuid.UUID, bin_id: uuid.UUID | None, item_id: uuid.UUID, lot: uuid.UUID | None
) -> uuid.UUID:
    """On hand of one item (and lot) in one bin of a store (or the store's floor)."""
    return derived_id(f"stock_balance:{store_id}:{bin_id or ''}:{item_id}:{lot or ''}")
