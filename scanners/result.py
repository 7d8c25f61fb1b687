"""What a scan says: one frozen `ScanResult` for every standard, and its dict form.

`to_dict()` is the form the shared vectors (scanners/vectors/scans.json), the server's API
and the field app's `parseScan` use: `kind` and `text` always, then only the fields found,
dates as ISO strings.

>>> ScanResult(kind="gtin", text="4006381333931", gtin="04006381333931").to_dict()
{'kind': 'gtin', 'text': '4006381333931', 'gtin': '04006381333931'}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, Literal

Kind = Literal["asset_tag", "gtin", "gs1", "hibc", "iso15434", "url", "opaque", "ambiguous"]
KINDS: tuple[Kind, ...] = (
    "asset_tag",
    "gtin",
    "gs1",
    "hibc",
    "iso15434",
    "url",
    "opaque",
    "ambiguous",
)


@dataclass(frozen=True)
class ScanResult:
    kind: Kind
    text: str
    tag: str | None = None
    gtin: str | None = None
    """Always 14 digits: a GTIN-8, -12 or -13 is padded with leading zeros."""
    lot: str | None = None
    serial: str | None = None
    expiry: date | None = None
    best_before: date | None = None
    production_date: date | None = None
    quantity: int | None = None
    ais: Mapping[str, str] = field(default_factory=dict)
    """Every GS1 Application Identifier read, with its data as encoded."""
    data_identifiers: Mapping[str, str] = field(default_factory=dict)
    """ISO/IEC 15434 format 06: every ASC MH10.8.2 data identifier read, with its data."""
    lic: str | None = None
    """HIBC Labeler Identification Code."""
    product: str | None = None
    unit_of_measure: int | None = None
    link_character: str | None = None
    check_character: str | None = None
    url: str | None = None
    warnings: tuple[str, ...] = ()
    candidates: tuple[ScanResult, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for spec in fields(self):
            value = getattr(self, spec.name)
            if value is None or (value == () and spec.name != "text") or value == {}:
                continue
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, Mapping):
                value = dict(value)
            elif spec.name == "warnings":
                value = list(value)
            elif spec.name == "candidates":
                value = [candidate.to_dict() for candidate in value]
            out[spec.name] = value
        return out
