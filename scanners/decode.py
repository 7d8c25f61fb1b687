"""Reading barcodes from a photo with zxing-cpp: what a phone that cannot decode sends.

The photo is turned upright from its EXIF orientation and read at most `max_side` pixels
on its longest side first (a JPEG is decoded straight at a reduced scale, which is most
of the saving); only when nothing is found there is it read again at full resolution.
A label fills a good part of a phone photo, so the small pass finds nearly everything
and the full pass is kept for small or distant symbols.

The text is the symbol's raw content (GS1 element strings keep their FNC1 separators as
GS, `\\x1d`) with the symbology identifier zxing-cpp reports (`]Q1`, `]d2`, `]C1`, `]E0`
...); interpreting GS1 or HIBC data is for the scan parser, not for this module.

Pillow's decompression-bomb guard stays on: an image that claims more than `MAX_PIXELS`
is refused before its pixels are decoded.

>>> from PIL import Image
>>> decode_photo(Image.new("L", (64, 64), 255))
[]
>>> decode_photo(b"not a photo")
Traceback (most recent call last):
...
scanners.decode.UnreadablePhoto: This is not a JPEG, PNG or WebP image.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import zxingcpp
from PIL import Image

# Twice a 20 MP phone photo, as for uploaded photos.
MAX_PIXELS: Final = 40_000_000
DEFAULT_MAX_SIDE: Final = 1024
DEFAULT_FORMATS: Final = (
    "QRCode",
    "MicroQRCode",
    "DataMatrix",
    "Aztec",
    "PDF417",
    "Code128",
    "Code39",
    "Code93",
    "Codabar",
    "ITF",
    "EAN13",
    "EAN8",
    "UPCA",
    "UPCE",
    "DataBar",
    "DataBarExp",
)
PHOTO_FORMATS: Final = {
    b"\xff\xd8\xff": "JPEG",
    b"\x89PNG\r\n\x1a\n": "PNG",
}
# EXIF orientation tag values and the transposition that makes the photo upright.
_UPRIGHT: Final = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_ORIENTATION_TAG: Final = 0x0112

Point = tuple[int, int]


class PhotoError(ValueError):
    """A photo that cannot be read; `code` is stable."""

    code = "photo_unreadable"


class UnreadablePhoto(PhotoError):
    code = "photo_unreadable"


class PhotoTooLarge(PhotoError):
    """More pixels than `MAX_PIXELS`: refused before decoding (a decompression bomb)."""

    code = "photo_too_many_pixels"


@dataclass(frozen=True)
class Decoded:
    """One symbol found in a photo; `corners` are in the upright photo's own pixels."""

    text: str
    format: str  # zxing-cpp's format name: "QRCode", "DataMatrix", "Code128", "EAN13" ...
    symbology_identifier: str  # ISO/IEC 15424: "]Q1", "]d2" (GS1 DataMatrix), "]C1" ...
    gs1: bool
    corners: tuple[Point, Point, Point, Point]  # top left, top right, bottom right, left
    orientation: int  # degrees the symbol is turned, as zxing-cpp reports it
    scale: float  # 1.0: found at full resolution; less: found in the downscaled pass


def _formats(names: Iterable[str]) -> zxingcpp.BarcodeFormats:
    try:
        return zxingcpp.BarcodeFormats([getattr(zxingcpp.BarcodeFormat, n) for n in names])
    except AttributeError as exc:
        raise ValueError(f"Unknown barcode format: {exc.name}") from exc


def _sniff(data: bytes) -> str:
    for magic, name in PHOTO_FORMATS.items():
        if data.startswith(magic):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    raise UnreadablePhoto("This is not a JPEG, PNG or WebP image.")


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """Open (not decode) the photo, refusing bombs before a pixel is read."""
    fmt = _sniff(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[fmt])
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise PhotoTooLarge(f"This image claims too many pixels ({exc}).") from exc
    except Exception as exc:  # Pillow raises many kinds on broken files
        raise UnreadablePhoto(f"This image could not be read: {exc}") from exc
    width, height = image.size
    if width * height > max_pixels:
        raise PhotoTooLarge(
            f"This image has {width}x{height} pixels; at most {max_pixels:,} are accepted."
        )
    return image


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(_ORIENTATION_TAG, 1))
    except Exception:  # unreadable EXIF: keep the photo as it is stored
        return 1


def upright_size(data: bytes) -> tuple[int, int]:
    """Width and height of the photo as it is seen (after its EXIF orientation)."""
    image = _open(data, MAX_PIXELS)
    width, height = image.size
    return (height, width) if _orientation(image) in {5, 6, 7, 8} else (width, height)


def _grey(image: Image.Image, longest: int | None, orientation: int) -> Image.Image:
    """Decoded to grey, at most `longest` a side (None: as it is), then upright."""
    width, height = image.size
    factor = 1.0 if longest is None else min(1.0, longest / max(width, height))
    target = (max(1, round(width * factor)), max(1, round(height * factor)))
    if factor < 1.0 and image.format == "JPEG":
        image.draft("L", target)  # DCT scaling: decode at 1/2, 1/4 or 1/8 directly
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            grey = image.convert("L")
    except Exception as exc:
        raise UnreadablePhoto(f"This image could not be decoded: {exc}") from exc
    if grey.size != target:
        grey = grey.resize(target, Image.Resampling.BOX)
    method = _UPRIGHT.get(orientation)
    return grey.transpose(method) if method is not None else grey


def _read(grey: Image.Image, formats: zxingcpp.BarcodeFormats, scale: float) -> list[Decoded]:
    found = zxingcpp.read_barcodes(grey, formats=formats, text_mode=zxingcpp.TextMode.Plain)
    return [_decoded(barcode, scale) for barcode in found if barcode.valid]


def _decoded(barcode: zxingcpp.Barcode, scale: float) -> Decoded:
    position = barcode.position

    def point(p: zxingcpp.Point) -> Point:
        return (round(p.x / scale), round(p.y / scale))

    return Decoded(
        text=barcode.text,
        format=barcode.format.name,
        symbology_identifier=barcode.symbology_identifier,
        gs1=barcode.content_type == zxingcpp.ContentType.GS1,
        corners=(
            point(position.top_left),
            point(position.top_right),
            point(position.bottom_right),
            point(position.bottom_left),
        ),
        orientation=barcode.orientation,
        scale=scale,
    )


def decode_photo(
    data: bytes | Image.Image,
    *,
    formats: Iterable[str] = DEFAULT_FORMATS,
    max_side: int | None = DEFAULT_MAX_SIDE,
    max_pixels: int = MAX_PIXELS,
) -> list[Decoded]:
    """Every symbol in the photo: from the downscaled pass, else from full resolution.

    `max_side=None` reads at full resolution only. Raises `UnreadablePhoto` for data
    that is not a readable JPEG, PNG or WebP, `PhotoTooLarge` above `max_pixels`.
    """
    wanted = _formats(formats)
    if isinstance(data, Image.Image):
        if data.width * data.height > max_pixels:
            raise PhotoTooLarge(f"This image has more than {max_pixels:,} pixels.")
        image, orientation = data, 1
    else:
        image = _open(data, max_pixels)
        orientation = _orientation(image)
    full_side = max(image.size)
    if max_side is not None and full_side > max_side:
        small = _grey(image, max_side, orientation)
        found = _read(small, wanted, max(small.size) / full_side)
        if found:
            return found
        if not isinstance(data, Image.Image):
            image = _open(data, max_pixels)  # the draft above changed how it decodes
    return _read(_grey(image, None, orientation), wanted, 1.0)
