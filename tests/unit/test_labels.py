"""Asset labels: the inline SVG for screens and the 300 dpi PNG decode back to the card URL."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from scanners.labels import LabelLayout, asset_label_png, qr_svg

URL = "https://rounds.example.org/a/7K3M9Q2XWD"


def _decoded(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_svg_is_an_inline_element_without_xml_declaration() -> None:
    svg = qr_svg(URL)
    assert svg.startswith("<svg")
    assert "<?xml" not in svg
    assert svg.rstrip().endswith("</svg>")


def test_svg_scale_sets_its_size() -> None:
    small, large = qr_svg(URL, scale=2), qr_svg(URL, scale=8)
    assert 'width="' in small
    assert len(large) >= len(small)
    width = int(small.split('width="', 1)[1].split('"', 1)[0])
    assert int(large.split('width="', 1)[1].split('"', 1)[0]) == width * 4


def test_label_png_is_a_300_dpi_png_whose_qr_decodes_to_the_url() -> None:
    png = asset_label_png("7K3M9Q2XWD", URL, "Infusion pump, volumetric")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    assert image.info["dpi"] == pytest.approx((300, 300), abs=0.01)
    assert image.width == LabelLayout().px(50)
    assert image.height > image.width  # the code and title sit under the symbol
    assert _decoded(image) == [URL]


def test_label_uses_error_correction_m() -> None:
    image = Image.open(io.BytesIO(asset_label_png("7K3M9Q2XWD", URL, "Pump")))
    (result,) = zxingcpp.read_barcodes(image)
    assert result.format == zxingcpp.BarcodeFormat.QRCode
    assert result.ec_level == "M"


@pytest.mark.parametrize(
    "title",
    ["", "Defibrillator", "A very long title " * 8, "输液泵 容量型"],
)
def test_any_title_still_gives_a_readable_label(title: str) -> None:
    image = Image.open(io.BytesIO(asset_label_png("0187KB1FGW", URL, title)))
    assert _decoded(image) == [URL]


def test_a_narrow_roll_still_decodes() -> None:
    layout = LabelLayout(width_mm=25, code_height_mm=3, title_height_mm=2)
    image = Image.open(io.BytesIO(asset_label_png("0187KB1FGW", URL, "Pump", layout=layout)))
    assert image.width == layout.px(25)
    assert _decoded(image) == [URL]
