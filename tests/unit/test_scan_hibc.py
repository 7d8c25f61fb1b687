"""HIBC as a storekeeper meets it: any label with a right check character reads, one wrong
character is caught, a space is data, and two-symbol labels join only when linked."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanners import ScanError, parse_scan
from scanners.hibc import MOD43, check_character, link

TODAY = date(2026, 11, 23)
ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
lics = st.tuples(st.sampled_from(ALNUM[10:]), st.text(ALNUM, min_size=3, max_size=3)).map("".join)
products = st.text(ALNUM, min_size=1, max_size=18)
lots = st.text(ALNUM + " -.", min_size=1, max_size=18)


@given(lic=lics, product=products, unit=st.integers(0, 9), lot=lots)
def test_any_well_made_label_reads_back(lic: str, product: str, unit: int, lot: str) -> None:
    data = f"+{lic}{product}{unit}/$$7{lot}"
    read = parse_scan(data + check_character(data), today=TODAY)
    assert (read.kind, read.lic, read.product, read.unit_of_measure) == ("hibc", lic, product, unit)
    assert read.lot == lot, "spaces and dots in a lot are data"


@given(lic=lics, product=products, at=st.integers(1, 30), other=st.sampled_from(MOD43))
def test_one_changed_character_is_caught(lic: str, product: str, at: int, other: str) -> None:
    data = f"+{lic}{product}5"
    label = data + check_character(data)
    at = at % (len(label) - 1) + 1
    changed = label[:at] + other + label[at + 1 :]
    if changed != label:
        with pytest.raises(ScanError) as raised:
            parse_scan(changed, today=TODAY)
        assert raised.value.code in {"hibc_check_character", "invalid_hibc"}


def test_a_trailing_space_is_a_check_character_not_padding() -> None:
    label = next(
        f"+A999{a}{b}5 " for a in ALNUM for b in ALNUM if check_character(f"+A999{a}{b}5") == " "
    )
    assert parse_scan(label).check_character == " "
    with pytest.raises(ScanError) as raised:
        parse_scan(label.rstrip())
    assert raised.value.code == "hibc_check_character"


def test_a_secondary_joins_only_the_primary_it_names() -> None:
    primary = parse_scan("+A999123457")
    secondary = parse_scan("+$$3271231LOT377", today=TODAY)
    joined = link(primary, secondary)
    assert (joined.lic, joined.product, joined.lot, joined.expiry) == (
        "A999",
        "1234",
        "LOT3",
        date(2027, 12, 31),
    )
    assert parse_scan("+$$3271231LOT377", today=TODAY, primary=primary) == joined
    other = parse_scan(f"+B11112{check_character('+B11112')}")
    with pytest.raises(ScanError) as raised:
        link(other, secondary)
    assert raised.value.code == "hibc_link_character"
