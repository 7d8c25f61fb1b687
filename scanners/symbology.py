"""AIM symbology identifiers ("]" + code + modifier): what the scanner says it read.

The identifier decides before the text does: a GS1 identifier makes the text an element
string, a retail (EAN/UPC) one makes it a GTIN, any other rules GS1 element strings out.
The GS1 set is the field app's (pwa/src/scan/symbology.js).

>>> split_identifier("]C1010950600013435210ABC")
(']C1', '010950600013435210ABC')
>>> reading(']d2'), reading(']E0'), reading(']C0'), reading(']X9'), reading(None)
('gs1', 'retail', 'plain', 'unknown', 'untold')
"""

from __future__ import annotations

import re
from typing import Final, Literal

# FNC1 in first position (C1, d2, Q3, e0 ...); d5/d8 and Q4, z1/z4 are the same with an
# ECI or a DMRE size; e0 (DataBar) is always GS1.
GS1_IDENTIFIERS: Final = frozenset((
    "]C1", "]d2", "]d5", "]d8", "]Q3", "]Q4", "]e0", "]z1", "]z4",
))  # fmt: skip
RETAIL_IDENTIFIERS: Final = frozenset(("]E0", "]E4"))
_AIM = re.compile(r"\][A-Za-z][0-9A-Za-z]")
# The symbologies AIM names: a known letter with a modifier not listed above is plain.
_KNOWN_CODES: Final = frozenset("ACEFGHIJKLMQRSdez")

Reading = Literal["gs1", "retail", "plain", "unknown", "untold"]


def split_identifier(text: str) -> tuple[str | None, str]:
    """A leading AIM identifier (scanners may prefix it to the text) and the rest."""
    if _AIM.match(text):
        return text[:3], text[3:]
    return None, text


def reading(identifier: str | None) -> Reading:
    if identifier is None:
        return "untold"
    if identifier in GS1_IDENTIFIERS:
        return "gs1"
    if identifier in RETAIL_IDENTIFIERS:
        return "retail"
    if _AIM.fullmatch(identifier) and identifier[1] in _KNOWN_CODES:
        return "plain"
    return "unknown"
