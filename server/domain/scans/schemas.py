"""Wire types for decoded photos."""

from __future__ import annotations

from typing import Any

import msgspec


class ScanProblem(msgspec.Struct):
    """Why the symbol's text breaks the standard it claims (scanners.SCAN_ERROR_CODES)."""

    code: str
    message: str


class DecodedSymbol(msgspec.Struct):
    """One symbol: its raw text (GS1 separators as `\\u001d`), zxing-cpp's format name,
    the symbology identifier (`]Q1`, `]d2`, `]C1`, `]E0` ...), whether it is GS1 data,
    its corners (x, y) in the upright photo's pixels and how far it is turned (degrees)."""

    text: str
    format: str
    symbology_identifier: str
    gs1: bool
    corners: list[tuple[int, int]]
    orientation: int
    # What the text means, read by scanners.parse_scan as the phone reads it (its
    # to_dict() form: kind, gtin, lot, expiry ...), or the rule it breaks.
    scan: dict[str, Any] | None = None
    problem: ScanProblem | None = None


class DecodeResult(msgspec.Struct):
    """Every symbol found; empty when there is none. `full_resolution` says whether the
    downscaled pass found nothing and the photo was read again at full size."""

    symbols: list[DecodedSymbol]
    width: int
    height: int
    full_resolution: bool
