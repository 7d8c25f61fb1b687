"""GS1 element strings: GS1-128, GS1 DataMatrix, GS1 QR, DataBar, and their printed HRI.

biip reads the element strings; this module is the strict gate in front of it, so that a
broken label is refused with a reason instead of being read some other way: a check digit
(`check_digit`), an impossible date or a day 00 where the AI names a day (`invalid_date`),
an AI GS1 never assigned (`unknown_ai`), a variable field longer than its maximum
(`field_too_long`), a fixed one cut short (`truncated`), a character outside the AI's set
(`invalid_character`), an AI twice with two values (`duplicate_ai`).

>>> from datetime import date
>>> elements = read_elements("010950600013435210LOT42\\x1d17261231")
>>> elements
[('01', '09506000134352'), ('10', 'LOT42'), ('17', '261231')]
>>> read_hri("(01)09506000134352(17)261231(10)LOT42")
[('01', '09506000134352'), ('17', '261231'), ('10', 'LOT42')]
>>> result = gs1_result("kind", elements, today=date(2026, 11, 23))
>>> result.gtin, result.lot, result.expiry
('09506000134352', 'LOT42', datetime.date(2026, 12, 31))
>>> read_elements("0109506000134353")
Traceback (most recent call last):
...
scanners.errors.ScanError: AI (01) 09506000134353: check digit 3, expected 2
>>> read_elements("0109506000134352" "10" + "X" * 21)
Traceback (most recent call last):
...
scanners.errors.ScanError: AI (10): 21 characters, at most 20
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Final

from biip import ParseConfig, ParseError
from biip.gs1_messages import GS1Message

from scanners.dates import yymmdd
from scanners.errors import ScanError
from scanners.gs1_pairs import pairing_warnings
from scanners.gs1_table import AI_RULES, CHARSETS, AiRule
from scanners.result import Kind, ScanResult

GS: Final = "\x1d"
_HRI = re.compile(r"(?:\(\d{2,4}\)[^()]*)+")
_HRI_ELEMENT = re.compile(r"\((\d{2,4})\)([^()]*)")
# The dates are checked here, against the caller's today; biip's own check uses the clock.
_BIIP: Final = ParseConfig(separator_chars=(GS,), gs1_element_strings_verify_date=False)


def mod10_ok(digits: str) -> bool:
    """The GS1 check digit (the last digit) of a GTIN, GLN, SSCC ...

    >>> mod10_ok("4006381333931"), mod10_ok("4006381333932")
    (True, False)
    """
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def _rule_for(text: str) -> AiRule:
    for length in (2, 3, 4):
        rule = AI_RULES.get(text[:length])
        if rule is not None:
            return rule
    raise ScanError("unknown_ai", f"no GS1 Application Identifier at {text[:4]!r}", at=text[:4])


def check_element(rule: AiRule, data: str) -> None:
    """Refuse data that breaks its AI's rules: characters, length, pattern, check digit."""
    ai = rule.ai
    allowed = CHARSETS[rule.charset]
    bad = next((char for char in data if char not in allowed), None)
    if bad is not None:
        raise ScanError("invalid_character", f"AI ({ai}): {bad!r} not allowed", ai=ai)
    if len(data) > rule.max_length:
        message = f"AI ({ai}): {len(data)} characters, at most {rule.max_length}"
        raise ScanError("field_too_long", message, ai=ai)
    if len(data) < rule.min_length:
        message = f"AI ({ai}): {len(data)} characters, at least {rule.min_length}"
        raise ScanError("truncated", message, ai=ai)
    if rule.date:
        yymmdd(data[:6], date(2000, 1, 1), day_zero=rule.day_zero)
        if ai == "7007" and len(data) == 12:
            yymmdd(data[6:], date(2000, 1, 1))
    if not re.fullmatch(rule.pattern, data):
        raise ScanError("invalid_value", f"AI ({ai}): {data!r} is not its format", ai=ai)
    if rule.check_digit:
        start, length = rule.check_digit
        digits = data[start : start + length]
        if not mod10_ok(digits):
            expected = next(d for d in "0123456789" if mod10_ok(digits[:-1] + d))
            message = f"AI ({ai}) {data}: check digit {digits[-1]}, expected {expected}"
            raise ScanError("check_digit", message, ai=ai)


def _add(elements: list[tuple[str, str]], ai: str, data: str) -> None:
    earlier = next((value for key, value in elements if key == ai), None)
    if earlier is None:
        elements.append((ai, data))
    elif earlier != data:
        raise ScanError("duplicate_ai", f"AI ({ai}) twice: {earlier!r} and {data!r}", ai=ai)


def read_elements(raw: str) -> list[tuple[str, str]]:
    """The (AI, data) pairs of an element string; GS ends a variable field (and may follow any)."""
    elements: list[tuple[str, str]] = []
    rest = raw.lstrip(GS)
    while rest:
        rule = _rule_for(rest)
        rest = rest[len(rule.ai) :]
        if rule.fixed:
            data, rest = rest[: rule.max_length], rest[rule.max_length :]
            if GS in data or len(data) < rule.max_length:
                data = data.split(GS, 1)[0]
                message = f"AI ({rule.ai}): {len(data)} digits, needs {rule.max_length}"
                raise ScanError("truncated", message, ai=rule.ai)
        else:
            data, _, rest = rest.partition(GS)
        check_element(rule, data)
        _add(elements, rule.ai, data)
        rest = rest.lstrip(GS)
    if not elements:
        raise ScanError("empty", "no element string")
    return elements


def looks_like_hri(text: str) -> bool:
    return _HRI.fullmatch("".join(text.split())) is not None


def read_hri(text: str) -> list[tuple[str, str]]:
    """The (AI, data) pairs of "(01)…(17)…"; white space is layout, as biip reads it."""
    hri = "".join(text.split())
    elements: list[tuple[str, str]] = []
    for ai, data in _HRI_ELEMENT.findall(hri):
        rule = AI_RULES.get(ai)
        if rule is None:
            raise ScanError("unknown_ai", f"no GS1 Application Identifier ({ai})", at=ai)
        if rule.fixed and len(data) < rule.max_length:
            message = f"AI ({ai}): {len(data)} digits, needs {rule.max_length}"
            raise ScanError("truncated", message, ai=ai)
        check_element(rule, data)
        _add(elements, ai, data)
    return elements


def as_message(elements: Sequence[tuple[str, str]]) -> GS1Message:
    """biip's reading of elements that passed the gate above."""
    raw = GS.join(ai + data for ai, data in elements)
    try:
        return GS1Message.parse(raw, config=_BIIP)
    except ParseError as error:  # the gate is stricter than biip: this is not reached
        raise ScanError("invalid_value", str(error)) from error


def gs1_result(
    kind: Kind,
    elements: Sequence[tuple[str, str]],
    *,
    today: date,
    text: str = "",
    url: str | None = None,
) -> ScanResult:
    """The fields a user acts on, from elements that passed the gate."""
    message = as_message(elements)
    ais = {es.ai.ai: es.value for es in message.element_strings}

    def day(ai: str) -> date | None:
        return yymmdd(ais[ai][:6], today, day_zero=AI_RULES[ai].day_zero) if ai in ais else None

    count = ais.get("30") or ais.get("37")
    expiry = day("17")
    warnings = pairing_warnings(ais)
    if expiry is not None and expiry < today:
        warnings += ("expired",)
    return ScanResult(
        kind=kind,
        text=text,
        gtin=ais.get("01") or ais.get("02"),
        lot=ais.get("10"),
        serial=ais.get("21"),
        expiry=expiry,
        best_before=day("15"),
        production_date=day("11"),
        quantity=int(count) if count else None,
        ais=ais,
        url=url,
        warnings=warnings,
    )
