"""ISO/IEC 15434 envelopes: "[)>" RS, one or more formats each closed by RS, then EOT.

Format 06 carries ASC MH10.8.2 data identifiers (a letter, after up to three digits): 1P the
supplier's part number, S the serial, 1T the lot, Q the quantity, 14D the expiry and 16D the
production date (YYYYMMDD), D a date (YYMMDD). Format 05 carries GS1 element strings, read by
the GS1 gate. Data elements are separated by GS.

>>> from datetime import date
>>> today = date(2026, 11, 23)
>>> text = "[)>\\x1e06\\x1d1PABC-123\\x1d1TLOT9\\x1d14D20271231\\x1dQ12\\x1e\\x04"
>>> result = read_envelope(text, today=today)
>>> result.product, result.lot, result.expiry, result.quantity
('ABC-123', 'LOT9', datetime.date(2027, 12, 31), 12)
>>> read_envelope("[)>\\x1e05\\x1d0109506000134352\\x1d10ABC\\x1e\\x04", today=today).gtin
'09506000134352'
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Final

from scanners.dates import yymmdd, yyyymmdd
from scanners.errors import ScanError
from scanners.gs1 import GS, gs1_result, read_elements
from scanners.result import ScanResult

HEADER: Final = "[)>\x1e"
RS: Final = "\x1e"
EOT: Final = "\x04"
_DATA_IDENTIFIER = re.compile(r"([0-9]{0,3}[A-Z])(.+)", re.DOTALL)


def looks_like_envelope(text: str) -> bool:
    return text.startswith("[)>")


def _segments(text: str) -> list[str]:
    if not text.startswith(HEADER):
        raise ScanError("invalid_envelope", 'an envelope opens with "[)>" and RS')
    if not text.endswith(RS + EOT):
        raise ScanError("truncated", "the envelope does not close with RS and EOT")
    return text[len(HEADER) : -2].split(RS)


def _format_06(elements: list[str], today: date) -> ScanResult:
    identifiers: dict[str, str] = {}
    for element in elements:
        match = _DATA_IDENTIFIER.fullmatch(element)
        if match is None:
            raise ScanError("invalid_data_identifier", f"{element[:4]!r} is no data identifier")
        identifier, data = match.groups()
        identifiers.setdefault(identifier, data)
    if "D" in identifiers:
        yymmdd(identifiers["D"], today)
    quantity = identifiers.get("Q")
    if quantity is not None and not re.fullmatch(r"[0-9]+", quantity):
        raise ScanError("invalid_character", f"quantity {quantity!r} is not digits")
    expiry = yyyymmdd(identifiers["14D"]) if "14D" in identifiers else None
    return ScanResult(
        kind="iso15434",
        text="",
        product=identifiers.get("1P"),
        serial=identifiers.get("S"),
        lot=identifiers.get("1T"),
        expiry=expiry,
        production_date=yyyymmdd(identifiers["16D"]) if "16D" in identifiers else None,
        quantity=int(quantity) if quantity is not None else None,
        data_identifiers=identifiers,
        warnings=("expired",) if expiry is not None and expiry < today else (),
    )


def read_envelope(text: str, *, today: date) -> ScanResult:
    """The fields of every format in the envelope; where two formats give one, the first wins."""
    found: ScanResult | None = None
    for segment in _segments(text):
        number, body = segment[:2], segment[2:]
        if not body.startswith(GS) or len(body) < 2:
            raise ScanError("invalid_envelope", f"format {number!r} without data after GS")
        elements = [element for element in body[1:].split(GS) if element]
        if number == "06":
            read = _format_06(elements, today)
        elif number == "05":
            read = gs1_result("iso15434", read_elements(GS.join(elements)), today=today)
        else:
            raise ScanError("unsupported_format", f"format {number!r} is not read", format=number)
        found = read if found is None else _merge(found, read)
    if found is None:
        raise ScanError("invalid_envelope", "an envelope without a format")
    return replace(found, text=text)


def _merge(first: ScanResult, then: ScanResult) -> ScanResult:
    names = (
        "gtin",
        "lot",
        "serial",
        "expiry",
        "best_before",
        "production_date",
        "quantity",
        "product",
    )
    filled = {name: getattr(then, name) for name in names if getattr(first, name) is None}
    warnings = first.warnings + tuple(w for w in then.warnings if w not in first.warnings)
    return replace(
        first,
        ais={**then.ais, **first.ais},
        data_identifiers={**then.data_identifiers, **first.data_identifiers},
        warnings=warnings,
        **{name: value for name, value in filled.items() if value is not None},
    )
