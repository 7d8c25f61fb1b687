"""The symbols printed on labels, as bilevel images at a whole number of pixels per module.

A `Symbol` is the bare module pattern (one pixel per module, no quiet zone) and the quiet
zone its standard asks for, in modules; `Symbol.image(k)` scales it to `k` pixels a
module, so bars and cells keep sharp edges at the printer's resolution.

QR codes come from segno at error correction M (as the asset labels always had), Data
Matrix and Code 128 from zxing-cpp; GS1 symbols (GS1-128, GS1 DataMatrix) are made in
GS1 mode, so they start with FNC1 and scan as `]C1` and `]d2`.

>>> qr("https://rounds.example.org/a/7K3M9Q2XWD").modules
29
>>> gs1_element_string("9506000134352", lot="ABC123", expiry=date(2026, 12, 31))
'(01)09506000134352(17)261231(10)ABC123'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, cast

import segno
import zxingcpp
from biip import ParseError
from biip.gtin import Gtin
from PIL import Image

QR_ERROR_CORRECTION: Final = "m"
QR_QUIET: Final = 4
DATAMATRIX_QUIET: Final = 1
CODE128_QUIET: Final = 10
LINEAR_HEIGHT: Final = 1  # a linear symbol's pattern is one row, stretched when drawn
# GS1 AI (10) batch or lot: up to 20 characters of GS1's AI encodable set 82.
_LOT: Final = re.compile(r"[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}")


class SymbolError(ValueError):
    """Content that cannot be put in the asked symbol."""


@dataclass(frozen=True)
class Symbol:
    pattern: Image.Image  # mode "1", one pixel per module, white (1) is light
    quiet: int  # modules of blank margin the standard asks for on each side
    linear: bool

    @property
    def modules(self) -> int:
        return self.pattern.width

    def image(self, module_px: int, height_px: int | None = None) -> Image.Image:
        """Scaled to `module_px` a module; a linear symbol's bars are `height_px` tall."""
        height = height_px if self.linear and height_px else self.pattern.height * module_px
        return self.pattern.resize(
            (self.pattern.width * module_px, height), Image.Resampling.NEAREST
        )


def _from_zxing(barcode: zxingcpp.Barcode, quiet: int, linear: bool) -> Symbol:
    bitmap = zxingcpp.write_barcode_to_image(barcode, scale=1, add_quiet_zones=False)
    height, width = bitmap.shape[:2]
    grey = Image.frombuffer(
        "L", (width, height), bytes(memoryview(cast(Any, bitmap))), "raw", "L", 0, 1
    )
    if linear:
        grey = grey.crop((0, 0, width, LINEAR_HEIGHT))
    return Symbol(grey.point(lambda v: 255 if v > 127 else 0, mode="1"), quiet, linear)


def qr(payload: str) -> Symbol:
    code = segno.make_qr(payload, error=QR_ERROR_CORRECTION, boost_error=False)
    rows = code.matrix
    size = len(rows)
    data = bytes(0 if cell else 255 for row in rows for cell in row)
    pattern = Image.frombytes("L", (size, size), data).convert("1")
    return Symbol(pattern, QR_QUIET, linear=False)


def code128(text: str) -> Symbol:
    if not text or not text.isascii() or not text.isprintable():
        raise SymbolError(f"Code 128 takes printable ASCII; {text!r} is not.")
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.Code128)
    return _from_zxing(barcode, CODE128_QUIET, linear=True)


def normalise_gtin(gtin: str) -> str:
    """The 14-digit form of a GTIN-8, -12, -13 or -14 with a right check digit."""
    try:
        return Gtin.parse(gtin.strip()).as_gtin_14()
    except ParseError as exc:
        raise SymbolError(f"{gtin!r} is not a valid GTIN: {exc}") from exc


def gs1_element_string(gtin: str, *, lot: str = "", expiry: date | None = None) -> str:
    """GTIN first and the lot last: fixed-length elements need no FNC1 after them."""
    text = f"(01){normalise_gtin(gtin)}"
    if expiry is not None:
        text += f"(17){expiry:%y%m%d}"
    if lot:
        if not _LOT.fullmatch(lot):
            raise SymbolError(f"A GS1 lot is 1-20 letters, digits or GS1 marks; {lot!r} is not.")
        text += f"(10){lot}"
    return text


def gs1_128(element_string: str) -> Symbol:
    barcode = zxingcpp.create_barcode(element_string, zxingcpp.BarcodeFormat.Code128, gs1=True)
    return _from_zxing(barcode, CODE128_QUIET, linear=True)


def gs1_datamatrix(element_string: str) -> Symbol:
    barcode = zxingcpp.create_barcode(
        element_string, zxingcpp.BarcodeFormat.DataMatrix, gs1=True, forceSquare=True
    )
    return _from_zxing(barcode, DATAMATRIX_QUIET, linear=False)
