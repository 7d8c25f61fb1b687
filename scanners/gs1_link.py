"""GS1 Digital Link URIs: https://<any host>/<prefix>/01/<gtin>/10/<lot>?17=<expiry>.

The path holds a primary key (GTIN, SSCC, GLN ...) and its qualifiers in their set order;
numeric query keys that are AIs add attributes, other keys are ignored. biip reads the URI
once the elements pass the same gate as a barcode's element string.

>>> from datetime import date
>>> uri = "https://id.gs1.org/01/09506000134352/10/ABC?17=261231"
>>> result = read_digital_link(uri, today=date(2026, 11, 23))
>>> result.gtin, result.lot, result.expiry.isoformat(), result.url
('09506000134352', 'ABC', '2026-12-31', 'https://id.gs1.org/01/09506000134352/10/ABC?17=261231')
>>> is_digital_link("https://example.org/about"), is_digital_link("https://example.org/01/1")
(False, True)
"""

from __future__ import annotations

from datetime import date
from typing import Final
from urllib.parse import parse_qs, unquote, urlsplit

from biip import ParseConfig, ParseError
from biip.gs1_digital_link_uris import GS1DigitalLinkURI

from scanners.errors import ScanError
from scanners.gs1 import check_element, gs1_result
from scanners.gs1_table import AI_RULES
from scanners.result import ScanResult

# Primary keys and their qualifiers, in the order the path must give them (GS1 Digital
# Link Standard: URI Syntax 1.2, as biip reads it).
PRIMARY_KEYS: Final = {
    "01": ("22", "10", "21", "235"),
    "8006": ("22", "10", "21"),
    "8013": (),
    "8010": ("8011",),
    "414": ("254", "7040"),
    "415": ("8020",),
    "417": ("7040",),
    "8017": ("8019",),
    "8018": ("8019",),
    "255": (),
    "00": (),
    "253": (),
    "401": (),
    "402": (),
    "8003": (),
    "8004": ("7040",),
}


def _segments(text: str) -> list[str] | None:
    parts = urlsplit(text)
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    path = parts.path.split("/")
    start = next((i for i, segment in enumerate(path) if segment in PRIMARY_KEYS), None)
    return None if start is None else path[start:]


def is_digital_link(text: str) -> bool:
    """An http(s) URL with a primary key AI as a path segment: it claims to be one."""
    return _segments(text.strip()) is not None


def _element(ai: str, data: str) -> tuple[str, str]:
    check_element(AI_RULES[ai], data)
    return ai, data


def link_elements(text: str) -> list[tuple[str, str]]:
    segments = _segments(text)
    if segments is None:
        raise ScanError("invalid_digital_link", "no primary key in the path")
    if len(segments) % 2:
        raise ScanError("invalid_digital_link", "a path segment without its value")
    values = [unquote(segment) for segment in segments]
    key, value = values[0], values[1]
    elements = [_element(key, value.zfill(14) if key == "01" else value)]
    expected = list(PRIMARY_KEYS[key])
    for ai, data in zip(values[2::2], values[3::2], strict=True):
        if ai not in expected:
            raise ScanError("invalid_digital_link", f"({ai}) is no qualifier here", ai=ai)
        del expected[: expected.index(ai) + 1]
        elements.append(_element(ai, data))
    for ai, given in parse_qs(urlsplit(text).query).items():
        if ai in AI_RULES:
            elements.append(_element(ai, given[-1]))  # a repeated key: the last value counts
    return elements


def read_digital_link(text: str, *, today: date) -> ScanResult:
    url = text.strip()
    elements = link_elements(url)
    try:
        link = GS1DigitalLinkURI.parse(
            url, config=ParseConfig(gs1_element_strings_verify_date=False)
        )
    except ParseError as error:  # the gate is stricter than biip: this is not reached
        raise ScanError("invalid_digital_link", str(error)) from error
    read = [(es.ai.ai, es.value) for es in link.element_strings]
    if read != elements:
        raise ScanError("invalid_digital_link", f"read as {read}, checked as {elements}")
    return gs1_result("gs1", elements, today=today, text=text, url=url)
