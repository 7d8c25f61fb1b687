"""`parse_scan`: what one scan names, whatever the symbol, the scanner or the keyboard sent.

The symbology identifier decides first (scanners/symbology.py). Without one, every reading
the text allows is tried; one reading is the answer, several come back as kind "ambiguous"
with the candidates, none is kind "opaque" (a store's own code, a wristband, free text).
A text that claims a standard and breaks it (a GS1 string with a wrong check digit, an HIBC
symbol with a wrong check character) raises ScanError instead of passing as opaque.

>>> from datetime import date
>>> today = date(2026, 11, 23)
>>> parse_scan("]C1010950600013435210LOT42", today=today).to_dict()["lot"]
'LOT42'
>>> parse_scan("4006381333931", symbology_id="]E0").gtin
'04006381333931'
>>> parse_scan("4006381333931", symbology_id="]C0").kind
'opaque'
>>> [c.kind for c in parse_scan("4006381333931").candidates]  # or AI 400, a PO number
['gtin', 'gs1']
>>> parse_scan("0109506000134352<GS>10A", gs_substitutes=["<GS>"]).ais
{'01': '09506000134352', '10': 'A'}
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from urllib.parse import urlsplit

from scanners.errors import ScanError
from scanners.gs1 import GS, gs1_result, looks_like_hri, mod10_ok, read_elements, read_hri
from scanners.gs1_link import is_digital_link, read_digital_link
from scanners.hibc import link, read_hibc
from scanners.iso15434 import looks_like_envelope, read_envelope
from scanners.result import ScanResult
from scanners.symbology import reading, split_identifier
from scanners.tags import tag_from_scan

_GTIN = re.compile(r"[0-9]{8}|[0-9]{12,14}")
# Text a GS1 encoder would make and little else would: FNC1 first, or an SSCC or GTIN AI
# with its 18 or 14 digits.
_CLAIMS_GS1 = re.compile(r"\x1d|0[0-3][0-9]{14}")


def parse_scan(
    text: str,
    *,
    symbology_id: str | None = None,
    gs_substitutes: Sequence[str] = (),
    today: date | None = None,
    primary: ScanResult | None = None,
) -> ScanResult:
    """What `text` names; `primary` is the HIBC primary a two-symbol secondary links to."""
    if not text.strip():
        raise ScanError("empty", "nothing was scanned")
    day = today or date.today()
    identifier, body = (symbology_id, text) if symbology_id else split_identifier(text)
    for substitute in gs_substitutes:
        body = body.replace(substitute, GS)
    if primary is not None:
        return replace(link(primary, read_hibc(body, today=day)), text=text)
    how = reading(identifier)
    if how == "gs1":
        return gs1_result("gs1", read_elements(body), today=day, text=text)
    if how == "retail":
        return _retail(text, body, identifier or "")
    readings = _plain(body, day) if how == "plain" else _untold(body, day)
    if identifier and identifier[1] == "I" and len(body) == 14 and _is_gtin(body):
        readings.append(_gtin(body))  # ITF-14 carries a GTIN-14
    found = [replace(r, text=text) for r in readings]
    warnings = ("unknown_symbology_id",) if how == "unknown" else ()
    if not found:
        return ScanResult(kind="opaque", text=text, warnings=warnings)
    if len(found) == 1:
        return replace(found[0], warnings=found[0].warnings + warnings)
    return ScanResult(kind="ambiguous", text=text, candidates=tuple(found), warnings=warnings)


def _is_gtin(digits: str) -> bool:
    return _GTIN.fullmatch(digits) is not None and mod10_ok(digits)


def _gtin(digits: str) -> ScanResult:
    return ScanResult(kind="gtin", text=digits, gtin=digits.zfill(14))


def _upc_e_as_upc_a(upc_e: str) -> str:
    """UPC-E's eight digits as the UPC-A they stand for (the zeros it suppressed put back)."""
    system, d, check = upc_e[0], upc_e[1:7], upc_e[7]
    last = d[5]
    if last in "012":
        body = d[0:2] + last + "0000" + d[2:5]
    elif last == "3":
        body = d[0:3] + "00000" + d[3:5]
    elif last == "4":
        body = d[0:4] + "00000" + d[4]
    else:
        body = d[0:5] + "0000" + last
    return system + body + check


def _retail(text: str, body: str, identifier: str) -> ScanResult:
    digits = body.strip()
    if not digits.isascii() or not digits.isdigit():
        raise ScanError("invalid_character", f"{identifier} carries digits only")
    lengths = (8,) if identifier == "]E4" else (8, 12, 13)
    if len(digits) not in lengths:
        raise ScanError("invalid_value", f"{identifier} with {len(digits)} digits")
    if identifier == "]E0" and len(digits) == 8:
        if digits[0] not in "01":
            raise ScanError("invalid_value", "a UPC-E starts with 0 or 1")
        digits = _upc_e_as_upc_a(digits)
    if not mod10_ok(digits):
        raise ScanError("check_digit", f"GTIN {digits}: wrong check digit")
    return replace(_gtin(digits), text=text)


def _link_or_url(body: str, today: date) -> list[ScanResult]:
    tag = tag_from_scan(body)
    if tag is not None:
        return [ScanResult(kind="asset_tag", text=body, tag=tag)]
    if is_digital_link(body):
        return [read_digital_link(body, today=today)]
    parts = urlsplit(body.strip())
    if parts.scheme.lower() in {"http", "https"} and parts.netloc:
        return [ScanResult(kind="url", text=body, url=body.strip())]
    return []


def _claimed(body: str, today: date) -> list[ScanResult] | None:
    """The one reading of a text that claims a standard by its first characters."""
    if body.startswith("+"):
        return [read_hibc(body, today=today)]
    if looks_like_envelope(body):
        return [read_envelope(body, today=today)]
    return None


def _plain(body: str, today: date) -> list[ScanResult]:
    return _claimed(body, today) or _link_or_url(body, today)


def _untold(body: str, today: date) -> list[ScanResult]:
    claimed = _claimed(body, today)
    if claimed is not None:
        return claimed
    if looks_like_hri(body):
        return [gs1_result("gs1", read_hri(body), today=today)]
    found = _link_or_url(body, today)
    if found and found[0].kind != "asset_tag":
        return found
    if _is_gtin(body.strip()):
        found.append(_gtin(body.strip()))
    if _CLAIMS_GS1.match(body):
        found.append(gs1_result("gs1", read_elements(body), today=today))
        return found
    # Plain text that is no element string either is no error: it is opaque.
    with contextlib.suppress(ScanError):
        found.append(gs1_result("gs1", read_elements(body), today=today))
    return found
