"""HIBC supplier labelling (ANSI/HIBC 2.6): "+" LIC, product, unit of measure, check character.

The primary data names the product: a Labeler Identification Code (4 characters, the first a
letter), the labeler's product number (1 to 18), a unit-of-measure digit. The secondary data
carries quantity, expiry, lot or serial, either after a "/" in the same symbol or in a second
symbol whose link character is the primary's check character. Every symbol ends with a
mod-43 check character over all before it, "+" included. Space is one of the 43 characters
and is data like any other: nothing is trimmed.

>>> from datetime import date
>>> today = date(2026, 11, 23)
>>> both = read_hibc("+A99912345/$$52001510X33", today=today)  # the HIBC 2.6 example
>>> both.lic, both.product, both.unit_of_measure, both.lot, both.expiry
('A999', '1234', 5, '10X3', datetime.date(2020, 1, 15))
>>> check_character("+A99912345")
'7'
>>> second = read_hibc("+$$3261231LOT77A", today=today)
>>> second.lot, second.expiry, second.link_character
('LOT7', datetime.date(2026, 12, 31), '7')
>>> link(read_hibc("+A999123457", today=today), second).lic
'A999'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Final

from scanners.dates import calendar_date, full_year, julian, yymmdd, yyyymmdd
from scanners.errors import ScanError
from scanners.result import ScanResult

MOD43: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%"
_PRIMARY = re.compile(r"([A-Z][A-Z0-9]{3})([A-Z0-9]{1,18})([0-9])")
_MAX_LOT: Final = 18


def check_character(data: str) -> str:
    """The mod-43 character that closes `data` (the sum of the characters' values, mod 43)."""
    return MOD43[sum(MOD43.index(char) for char in data) % 43]


@dataclass(frozen=True)
class _Secondary:
    lot: str | None = None
    serial: str | None = None
    expiry: date | None = None
    production_date: date | None = None
    quantity: int | None = None


def _hour(raw: str) -> None:
    if not raw.isdigit() or int(raw) > 23:
        raise ScanError("invalid_date", f"no hour {raw!r}", value=raw)


def _dated(flag: str, rest: str, today: date) -> tuple[date | None, str]:
    """The expiry a "$$" field starts with, by its format flag, and what follows it."""
    if flag in "01":
        month_year = rest[:4]
        if not re.fullmatch(r"\d{4}", month_year):
            raise ScanError("invalid_date", f"{month_year!r} is not MMYY", value=month_year)
        year = full_year(int(month_year[2:]), today)
        return calendar_date(year, int(month_year[:2]), 0, month_year, day_zero=True), rest[4:]
    body = rest[1:]
    if flag == "2":
        raw = body[:6]
        return yymmdd(raw[4:6] + raw[:4], today) if len(raw) == 6 else yymmdd(raw, today), body[6:]
    if flag in "34":
        hours = 2 if flag == "4" else 0
        if flag == "4":
            _hour(body[6:8])
        return yymmdd(body[:6], today), body[6 + hours :]
    if flag in "56":
        if flag == "6":
            _hour(body[5:7])
        return julian(body[:5], today), body[5 + (2 if flag == "6" else 0) :]
    if flag == "7":
        return None, body
    raise ScanError("invalid_hibc", f"no date format {flag!r} after $$", flag=flag)


def _quantity(rest: str) -> tuple[int | None, str]:
    width = {"8": 2, "9": 5}.get(rest[:1])
    if width is None:
        return None, rest
    digits = rest[1 : 1 + width]
    if not re.fullmatch(rf"\d{{{width}}}", digits):
        raise ScanError("invalid_hibc", f"quantity {digits!r} is not {width} digits")
    return int(digits), rest[1 + width :]


def _supplemental(fields: list[str], found: _Secondary) -> _Secondary:
    for field in fields:
        if field.startswith("14D"):
            found = replace(found, expiry=yyyymmdd(field[3:]))
        elif field.startswith("16D"):
            found = replace(found, production_date=yyyymmdd(field[3:]))
        elif field.startswith("S"):
            found = replace(found, serial=_bounded(field[1:], "serial"))
        else:
            raise ScanError("invalid_hibc", f"no supplemental field {field!r}")
    return found


def _bounded(value: str, name: str) -> str | None:
    if len(value) > _MAX_LOT:
        raise ScanError("field_too_long", f"{name} of {len(value)} characters, at most 18")
    return value or None


def _secondary(data: str, today: date) -> _Secondary:
    main, *supplemental = data.split("/")
    expiry: date | None = None
    quantity: int | None = None
    serial = False
    if main.startswith("$$"):
        rest = main[2:]
        if rest.startswith("+"):
            serial, rest = True, rest[1:]
        quantity, rest = _quantity(rest)
        if not rest:
            raise ScanError("truncated", "a $$ field without its date format")
        expiry, rest = _dated(rest[0], rest, today)
    elif main.startswith("$"):
        rest = main[1:]
        if rest.startswith("+"):
            serial, rest = True, rest[1:]
    elif re.match(r"\d{5}", main):
        expiry, rest = julian(main[:5], today), main[5:]
    else:
        raise ScanError("invalid_hibc", f"no secondary data format at {main[:3]!r}")
    value = _bounded(rest, "serial" if serial else "lot")
    found = _Secondary(
        lot=None if serial else value,
        serial=value if serial else None,
        expiry=expiry,
        quantity=quantity,
    )
    return _supplemental(supplemental, found)


def read_hibc(text: str, *, today: date) -> ScanResult:
    """A primary, a primary with its secondary after "/", or a secondary alone."""
    if not text.startswith("+") or len(text) < 3:
        raise ScanError("invalid_hibc", "an HIBC symbol starts with '+' and has data")
    bad = next((char for char in text if char not in MOD43), None)
    if bad is not None:
        raise ScanError("invalid_character", f"{bad!r} is not an HIBC character", character=bad)
    body, check = text[:-1], text[-1]
    expected = check_character(body)
    if check != expected:
        message = f"check character {check!r}, expected {expected!r}"
        raise ScanError("hibc_check_character", message, expected=expected)
    content = body[1:]
    if content[0].isalpha():
        primary, slash, secondary = content.partition("/")
        match = _PRIMARY.fullmatch(primary)
        if match is None:
            raise ScanError("invalid_hibc", f"{primary!r} is not LIC, product, unit of measure")
        found = _secondary(secondary, today) if slash else _Secondary()
        lic, product, unit = match.groups()
        return _result(text, found, today, lic=lic, product=product, unit_of_measure=int(unit))
    found = _secondary(content[:-1], today)
    return _result(text, found, today, link_character=content[-1])


def _result(text: str, found: _Secondary, today: date, **primary: str | int) -> ScanResult:
    expired = found.expiry is not None and found.expiry < today
    return ScanResult(
        kind="hibc",
        text=text,
        lot=found.lot,
        serial=found.serial,
        expiry=found.expiry,
        production_date=found.production_date,
        quantity=found.quantity,
        check_character=text[-1],
        warnings=("expired",) if expired else (),
        **primary,  # type: ignore[arg-type]
    )


def link(primary: ScanResult, secondary: ScanResult) -> ScanResult:
    """One reading of a two-symbol label; the secondary must name the primary's check character."""
    if primary.lic is None or secondary.link_character is None:
        raise ScanError("hibc_link_character", "needs an HIBC primary and a secondary alone")
    if secondary.link_character != primary.check_character:
        message = (
            f"link character {secondary.link_character!r}, primary ends {primary.check_character!r}"
        )
        raise ScanError("hibc_link_character", message, expected=primary.check_character or "")
    return replace(
        secondary,
        lic=primary.lic,
        product=primary.product,
        unit_of_measure=primary.unit_of_measure,
        check_character=primary.check_character,
    )
