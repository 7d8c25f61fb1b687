"""A storekeeper's scan read as the phone reads it (scanners.parse_scan), for lookups."""

from __future__ import annotations

import msgspec

from scanners import ScanError, ScanResult, parse_scan
from server.domain.stock.schemas import LookupOut
from server.errors import ScanNamesNoItem, UnreadableScan


def read_scan(text: str, symbology_id: str = "") -> ScanResult:
    """The scan's reading; one that breaks its standard or carries no GTIN is refused with
    the reason, so the phone says why instead of showing the wrong item."""
    try:
        read = parse_scan(text, symbology_id=symbology_id or None)
    except ScanError as exc:
        raise UnreadableScan(exc.message, reason=exc.code) from exc
    if not read.gtin:
        raise ScanNamesNoItem(
            "This scan names no item: it carries no GTIN.", field="scan", kind=read.kind
        )
    return read


def with_scan(found: LookupOut, read: ScanResult) -> LookupOut:
    """The lookup with what was scanned and the warnings of the scanned lot itself."""
    lot = next((known for known in found.lots if read.lot and known.lot == read.lot), None)
    return msgspec.structs.replace(
        found,
        scan=read.to_dict(),
        scanned_lot_warnings=list(lot.warnings) if lot else [],
    )
