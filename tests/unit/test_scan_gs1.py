"""GS1 labels as a storekeeper meets them: what biip reads, parse_scan reads the same, and
what the GS1 rules forbid but biip lets through is refused with a code."""

from __future__ import annotations

import dataclasses
from datetime import date

import biip
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanners import ScanError, parse_scan
from scanners.gs1 import mod10_ok

TODAY = date(2026, 11, 23)
CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
bodies = st.text("0123456789", min_size=13, max_size=13)
lots = st.text(CSET82, min_size=1, max_size=20)
days = st.dates(date(2000, 1, 1), date(2060, 12, 31))


def with_check_digit(body: str) -> str:
    return next(body + d for d in "0123456789" if mod10_ok(body + d))


@given(body=bodies, lot=lots, expiry=days)
def test_what_biip_reads_parse_scan_reads_alike(body: str, lot: str, expiry: date) -> None:
    gtin = with_check_digit(body)
    text = f"01{gtin}17{expiry:%y%m%d}10{lot}"
    ours = parse_scan(text, symbology_id="]C1", today=TODAY)
    theirs = biip.parse(text).gs1_message
    assert theirs is not None
    assert ours.ais == {es.ai.ai: es.value for es in theirs.element_strings}
    assert (ours.gtin, ours.lot, ours.expiry) == (gtin, lot, expiry)
    assert ("expired" in ours.warnings) == (expiry < TODAY)


def test_day_00_is_refused_where_biip_lets_it_through() -> None:
    text = "010950600013435211261100"
    assert biip.parse(text).gs1_message is not None
    with pytest.raises(ScanError) as raised:
        parse_scan(text, symbology_id="]C1")
    assert (raised.value.code, raised.value.details) == ("invalid_date", {"value": "261100"})


def test_today_decides_the_century_not_the_clock() -> None:
    text = "010950600013435217760101"
    assert parse_scan(text, symbology_id="]C1", today=date(2026, 1, 1)).expiry == date(2076, 1, 1)
    assert parse_scan(text, symbology_id="]C1", today=date(2025, 1, 1)).expiry == date(1976, 1, 1)


def test_a_reading_is_frozen_and_its_dict_has_iso_dates() -> None:
    read = parse_scan("(01)09506000134352(17)261231", today=TODAY)
    with pytest.raises(dataclasses.FrozenInstanceError):
        read.lot = "changed"  # type: ignore[misc]
    assert read.to_dict()["expiry"] == "2026-12-31"
    assert "lot" not in read.to_dict()


def test_a_wedge_that_types_its_own_separator() -> None:
    text = "010950600013435210LOT~21SN~17261231"
    read = parse_scan(text, gs_substitutes=["~"], today=TODAY)
    assert (read.lot, read.serial, read.expiry) == ("LOT", "SN", date(2026, 12, 31))
    with pytest.raises(ScanError) as raised:
        parse_scan(text, symbology_id="]C1", today=TODAY)
    assert raised.value.code == "invalid_character", "without the stand-in, ~ is no GS1 character"
