"""Barcodes made here and photographed synthetically: turned, scaled, blurred, lit, noisy,
JPEG-compressed, inside a large camera frame. Used by the tests and the benchmarks."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter

from scanners import symbols
from scanners.linear import linear_barcode

GTIN = "4006381333931"
GS1_TEXT = "(01)04006381333931(17)261231(10)LOT42"
GS1_RAW = "0104006381333931172612311" + "0LOT42"


@dataclass(frozen=True)
class Shot:
    """How the photo is taken."""

    frame: tuple[int, int] = (4000, 3000)
    symbol_share: float = 0.3  # the symbol's width over the frame's width
    angle: float = 0.0
    blur: float = 0.0
    noise: int = 0
    glare: bool = False
    quality: int = 85
    exif_orientation: int = 1


def symbol_image(kind: str, text: str) -> Image.Image:
    """A printed symbol with its quiet zone, grey, black on white."""
    if kind == "EAN13":
        return linear_barcode(text, "ean13").convert("L")
    made = {
        "QRCode": symbols.qr,
        "Code128": symbols.code128,
        "DataMatrix": lambda t: symbols.gs1_datamatrix(t) if t.startswith("(") else _dm(t),
        "GS1-128": symbols.gs1_128,
    }[kind](text)
    module = 8
    bars = max(160, made.modules * module // 4)  # a printed linear symbol is about 1:4
    image = made.image(module, bars if made.linear else None).convert("L")
    quiet = made.quiet * module
    framed = Image.new("L", (image.width + 2 * quiet, image.height + 2 * quiet), 255)
    framed.paste(image, (quiet, quiet))
    return framed


def _dm(text: str) -> symbols.Symbol:
    import zxingcpp

    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.DataMatrix, forceSquare=True)
    return symbols._from_zxing(barcode, symbols.DATAMATRIX_QUIET, linear=False)


def photograph(symbol: Image.Image, shot: Shot, seed: int = 0) -> bytes:
    """The symbol on a grey desk in a camera frame, as a phone's JPEG."""
    rng = random.Random(seed)  # noqa: S311 (where the symbol lands, not a secret)
    width, height = shot.frame
    frame = Image.new("L", shot.frame, 150)
    scale = shot.symbol_share * width / symbol.width
    size = (max(1, round(symbol.width * scale)), max(1, round(symbol.height * scale)))
    placed = symbol.resize(size, Image.Resampling.BILINEAR)
    placed = placed.rotate(
        shot.angle, expand=True, fillcolor=255, resample=Image.Resampling.BILINEAR
    )
    left = rng.randint(0, max(0, width - placed.width))
    top = rng.randint(0, max(0, height - placed.height))
    frame.paste(placed, (left, top))
    if shot.glare:
        light = Image.new("L", shot.frame, 0)
        cx, cy = left + placed.width // 2, top + placed.height // 3
        radius = placed.width // 6
        ImageDraw.Draw(light).ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=90)
        light = light.filter(ImageFilter.GaussianBlur(radius / 2))
        frame = Image.composite(Image.new("L", shot.frame, 255), frame, light)
    if shot.blur:
        frame = frame.filter(ImageFilter.GaussianBlur(shot.blur))
    if shot.noise:
        noise = Image.effect_noise(shot.frame, shot.noise)
        frame = Image.blend(frame, noise, 0.15)
    if shot.exif_orientation != 1:
        undo = {
            6: Image.Transpose.ROTATE_90,
            8: Image.Transpose.ROTATE_270,
            3: Image.Transpose.ROTATE_180,
        }
        frame = frame.transpose(undo[shot.exif_orientation])  # the sensor's way up
    exif = Image.Exif()
    exif[0x0112] = shot.exif_orientation
    buffer = io.BytesIO()
    frame.convert("RGB").save(buffer, "JPEG", quality=shot.quality, exif=exif.tobytes())
    return buffer.getvalue()
