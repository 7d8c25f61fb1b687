"""GS1 pairing rules (General Specifications 4.13): AIs that must not meet, or need a partner.

A label that breaks them still reads; the breach comes back as a warning code.

>>> pairing_warnings(["01", "02", "37"])
('gtin_with_content', 'count_with_gtin')
>>> pairing_warnings(["10", "17"])
('attribute_without_gtin',)
>>> pairing_warnings(["00", "02", "37", "10"])
()
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

# (warning, AIs that must not appear together)
INVALID_PAIRS: Final = (
    ("gtin_with_content", ("01", "02")),
    ("count_with_gtin", ("01", "37")),
    ("serial_with_content", ("02", "21")),
)
# (warning, AIs by prefix that need a partner, any one of these partners)
REQUIRED_PARTNERS: Final = (
    ("content_without_count", ("02",), ("37",)),
    ("count_without_content", ("37",), ("02", "8026")),
    (
        "attribute_without_gtin",
        ("10", "11", "13", "15", "16", "17", "21", "22", "30", "31", "32", "33", "34", "35", "36"),
        ("01", "02", "03", "8006", "8026"),
    ),
)


def pairing_warnings(ais: Iterable[str]) -> tuple[str, ...]:
    present = set(ais)
    found = [code for code, pair in INVALID_PAIRS if present.issuperset(pair)]
    for code, needs, partners in REQUIRED_PARTNERS:
        needing = any(ai.startswith(needs) for ai in present)
        if needing and not present.intersection(partners):
            found.append(code)
    return tuple(found)
