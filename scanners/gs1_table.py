"""The GS1 Application Identifiers as Rounds reads them, built from biip's table.

biip carries the GS1 AI list (format and pattern per AI); this module adds what a strict
reader needs beside it: the data length range, the character set, which AIs are dates and
which of those may use day 00, and which carry a mod-10 check digit. The field app's copy
(pwa/src/scan/gs1-ais.js) is generated from `js_table()`, never written by hand.

>>> rule = AI_RULES["17"]
>>> rule.fixed, rule.min_length, rule.max_length, rule.charset, rule.date, rule.day_zero
(True, 6, 6, 'N', True, True)
>>> AI_RULES["10"].fixed, AI_RULES["10"].max_length, AI_RULES["10"].charset
(False, 20, 'X')
>>> AI_RULES["11"].day_zero
False
>>> AI_RULES["01"].check_digit, AI_RULES["414"].check_digit, AI_RULES["8006"].check_digit
((0, 14), (0, 13), (0, 14))
"""

from __future__ import annotations

import re
import re._parser  # type: ignore[import-not-found]  # the stdlib's own regex parser
from dataclasses import dataclass
from typing import Any, Final

from biip.gs1_application_identifiers import _GS1_APPLICATION_IDENTIFIERS

# The character sets of the GS1 General Specifications (7.11): numeric, the 82 characters
# of "X" data, the 39 of "Y" data (component/part identifiers) and the 64 of "Z" data.
CHARSETS: Final = {
    "N": "0123456789",
    "X": "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz",
    "Y": "#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "Z": "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz",
}
# The dates biip reads (YYMMDD first, 7007 may add a second YYMMDD).
DATE_AIS: Final = frozenset((
    "11", "12", "13", "15", "16", "17", "4324", "4325", "4326", "7003", "7006", "7007",
    "7011", "8008",
))  # fmt: skip
# Best before, sell by and expiry may say only the month with day 00 (the month's last
# day); production, due and packaging dates name a day.
DAY_ZERO_AIS: Final = frozenset(("15", "16", "17"))
# Where the mod-10 check digit runs: (start, length) within the data.
_CHECK_DIGITS: Final = {
    **{"00": (0, 18), "01": (0, 14), "02": (0, 14), "03": (0, 14)},
    **{f"41{n}": (0, 13) for n in range(8)},
    **{"8006": (0, 14), "8026": (0, 14), "8017": (0, 18), "8018": (0, 18)},
}


@dataclass(frozen=True)
class AiRule:
    ai: str
    title: str
    fixed: bool
    """Predefined length: no separator needed after it (GS1 General Specifications 7.8.5)."""
    min_length: int
    max_length: int
    charset: str
    pattern: str
    """biip's pattern for the data alone, without the AI."""
    date: bool
    day_zero: bool
    check_digit: tuple[int, int] | None


def _charset(format_: str) -> str:
    letters = set(re.findall(r"[NXYZ]", format_.split("+", 1)[1]))
    for name in ("X", "Z", "Y"):
        if name in letters:
            return name
    return "N"


def _rule(ai: str, title: str, format_: str, pattern: str, separator_required: bool) -> AiRule:
    data_pattern = pattern.removeprefix(f"^{ai}").removesuffix("$")
    low, high = re._parser.parse(data_pattern).getwidth()
    return AiRule(
        ai=ai,
        title=title,
        fixed=not separator_required,
        min_length=low,
        max_length=high,
        charset=_charset(format_),
        pattern=data_pattern,
        date=ai in DATE_AIS,
        day_zero=ai in DAY_ZERO_AIS,
        check_digit=_CHECK_DIGITS.get(ai),
    )


AI_RULES: Final = {
    ai: _rule(ai, entry.data_title, entry.format, entry.pattern, entry.separator_required)
    for ai, entry in _GS1_APPLICATION_IDENTIFIERS.items()
}


def js_table() -> dict[str, Any]:
    """What the field app needs of each AI, compact: the table is precached on every phone."""
    return {
        "charsets": CHARSETS,
        "ais": {
            rule.ai: [
                int(rule.fixed),
                rule.min_length,
                rule.max_length,
                rule.charset,
                rule.pattern,
                int(rule.date) + int(rule.day_zero),
                list(rule.check_digit) if rule.check_digit else 0,
            ]
            for rule in AI_RULES.values()
        },
    }
