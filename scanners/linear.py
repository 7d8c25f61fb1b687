"""Linear barcodes for item and shelf labels: EAN-13 for retail-packed spares, Code 128 for
the store's own item codes, drawn by python-barcode and handed over as Pillow images.

The bars are drawn at a whole number of pixels per module: a bar that straddles pixels
prints grey at the edges, which cheap phone cameras and laser scanners read badly.

>>> image = linear_barcode("4006381333931", "ean13")
>>> image.mode, image.width > image.height
('RGB', True)
"""

from __future__ import annotations

from typing import Final, Literal

from barcode import get_barcode_class
from barcode.writer import ImageWriter
from biip.gtin import Gtin
from PIL import Image

Symbology = Literal["ean13", "code128"]
DPI: Final = 300


def linear_barcode(
    data: str, symbology: Symbology, *, module_px: int = 3, height_px: int = 120
) -> Image.Image:
    """The barcode alone (no human-readable line), with the standard quiet zones.

    An EAN-13 must carry its own valid check digit: python-barcode would quietly print a
    different GTIN, and a label that scans as another item is worse than no label.
    """
    if symbology == "ean13":
        Gtin.parse(data)  # raises biip's ParseError on a wrong check digit
    writer = ImageWriter()
    code = get_barcode_class(symbology)(data, writer=writer)
    mm_per_px = 25.4 / DPI
    image = code.render(
        {
            "module_width": module_px * mm_per_px,
            "module_height": height_px * mm_per_px,
            "quiet_zone": 10 * module_px * mm_per_px,
            "write_text": False,
            "dpi": DPI,
        }
    )
    assert isinstance(image, Image.Image)
    return image.convert("RGB")
