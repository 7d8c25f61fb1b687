"""Item labels scan back to what was printed, with the symbology a scanner reports."""

import pytest
import zxingcpp
from biip import ParseError

from scanners.linear import linear_barcode


@pytest.mark.parametrize(
    ("data", "symbology", "format_name"),
    [("4006381333931", "ean13", "EAN13"), ("ITM-00042/B", "code128", "Code128")],
)
def test_a_printed_item_barcode_decodes_to_its_data(
    data: str, symbology: str, format_name: str
) -> None:
    image = linear_barcode(data, symbology)  # type: ignore[arg-type]
    found = zxingcpp.read_barcodes(image)
    assert [(r.text, r.format.name) for r in found] == [(data, format_name)]


def test_an_invalid_ean_check_digit_is_refused() -> None:
    with pytest.raises(ParseError, match="check digit"):
        linear_barcode("4006381333932", "ean13")
