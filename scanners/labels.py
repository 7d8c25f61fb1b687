"""QR labels for assets: an inline SVG for screens, a 300 dpi PNG for the label printer.

Error correction is fixed at M (15 % of the symbol may be lost): labels on equipment get
scuffed, and a higher level would make the symbol denser for the same URL, which is
harder to read from a worn label with a cheap phone.

>>> svg = qr_svg("https://rounds.example.org/a/7K3M9Q2XWD")
>>> svg.startswith("<svg") and "<?xml" not in svg
True
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from typing import Final

import segno
from PIL import Image, ImageDraw, ImageFont

ERROR_CORRECTION: Final = "m"
MM_PER_INCH: Final = 25.4
# Pillow's bundled scalable font when FreeType is present, its bitmap font otherwise.
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class LabelLayout:
    """A label printer's roll: width and margins in millimetres, resolution in dpi."""

    dpi: int = 300
    width_mm: float = 50.0
    margin_mm: float = 2.5
    quiet_zone_modules: int = 4  # the blank border the QR standard asks for
    code_height_mm: float = 4.2
    title_height_mm: float = 3.0
    title_max_lines: int = 2
    title_chars_per_line: int = 26
    # A TrueType/OpenType file with the glyphs the titles need (CJK asset names need a CJK
    # font); None uses Pillow's bundled Latin font.
    font_path: str | None = None

    def px(self, mm: float) -> int:
        return round(mm * self.dpi / MM_PER_INCH)


LABEL_50MM: Final = LabelLayout()


def _font(layout: LabelLayout, height_mm: float) -> Font:
    size = layout.px(height_mm)
    if layout.font_path:
        return ImageFont.truetype(layout.font_path, size)
    return ImageFont.load_default(size=size)


def _qr(payload: str) -> segno.QRCode:
    # boost_error=False keeps level M exactly instead of letting segno raise it.
    return segno.make_qr(payload, error=ERROR_CORRECTION, boost_error=False)


def qr_svg(payload: str, *, scale: int = 4) -> str:
    """An inline `<svg>` element (no XML declaration) for embedding in HTML."""
    svg: str = _qr(payload).svg_inline(scale=scale, svgclass="qr", lineclass=None)
    return svg


def _qr_image(payload: str, layout: LabelLayout) -> Image.Image:
    """The symbol, scaled by a whole number of pixels per module so edges stay sharp."""
    qr = _qr(payload)
    width, _ = qr.symbol_size(scale=1, border=layout.quiet_zone_modules)
    usable = layout.px(layout.width_mm - 2 * layout.margin_mm)
    scale = max(1, usable // width)
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=scale, border=layout.quiet_zone_modules)
    buffer.seek(0)
    return Image.open(buffer).convert("L")


def _title_lines(title: str, layout: LabelLayout) -> list[str]:
    lines = textwrap.wrap(title, layout.title_chars_per_line) or [""]
    if len(lines) > layout.title_max_lines:
        lines = lines[: layout.title_max_lines]
        lines[-1] = lines[-1][: layout.title_chars_per_line - 1].rstrip() + "…"
    return lines


def _centred(draw: ImageDraw.ImageDraw, width: int, y: int, text: str, font: Font) -> int:
    """Draw `text` centred across `width` at height `y`; return the y below it."""
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    x = (width - (right - left)) / 2 - left
    draw.text((x, y - top), text, fill=0, font=font)
    return y + round(bottom - top)


def asset_label_png(
    tag_code: str, url: str, title: str, *, layout: LabelLayout = LABEL_50MM
) -> bytes:
    """A printable label: the QR of `url`, then the tag code large, then the title."""
    symbol = _qr_image(url, layout)
    code_font = _font(layout, layout.code_height_mm)
    title_font = _font(layout, layout.title_height_mm)
    lines = _title_lines(title, layout)
    gap = layout.px(1.0)
    text_height = layout.px(layout.code_height_mm) + len(lines) * (
        layout.px(layout.title_height_mm) + gap
    )
    width = layout.px(layout.width_mm)
    height = layout.px(layout.margin_mm) * 2 + symbol.height + gap + text_height
    label = Image.new("L", (width, height), color=255)
    label.paste(symbol, ((width - symbol.width) // 2, layout.px(layout.margin_mm)))
    draw = ImageDraw.Draw(label)
    top = layout.px(layout.margin_mm) + symbol.height
    y = _centred(draw, width, top, tag_code, code_font) + gap
    for line in lines:
        y = _centred(draw, width, y, line, title_font) + gap
    buffer = io.BytesIO()
    label.save(buffer, format="PNG", dpi=(layout.dpi, layout.dpi), optimize=True)
    return buffer.getvalue()
