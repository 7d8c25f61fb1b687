"""What goes on one label of a sheet, drawn into that label's own box and nowhere else.

Kinds: an asset's QR (its public card URL, the tag code and name beside it), an item's
Code 128 (its code), a GS1-128 or a GS1 DataMatrix (GTIN, optional expiry and lot,
with the element string written out), a store bin's Code 128 (`<store>/<bin>`) with the
store and bin large, a patrol checkpoint's QR (its payload) with its code and name.

Each label is drawn on an image the size of its box, with a margin inside, so nothing
can reach the next label; text that does not fit its line is shortened with "…". A
symbol is drawn at a whole number of pixels per module; one that would need modules
thinner than `MIN_MODULE_PX` is refused (`SymbolError`) rather than printed unreadable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Final

from PIL import Image, ImageDraw, ImageFont

from scanners import symbols
from scanners.symbols import Symbol, SymbolError

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
ELLIPSIS: Final = "…"
MIN_MODULE_PX: Final = {"linear": 2, "matrix": 3}  # 0.17 mm bars, 0.25 mm cells at 300 dpi
MAX_MODULE_PX: Final = {"linear": 4, "matrix": 8}
BIN_SEPARATOR: Final = "/"


@dataclass(frozen=True)
class AssetLabel:
    tag_code: str
    url: str
    title: str


@dataclass(frozen=True)
class ItemLabel:
    code: str
    name: str


@dataclass(frozen=True)
class Gs1Label:
    gtin: str
    lot: str = ""
    expiry: date | None = None
    name: str = ""
    matrix: bool = False  # GS1 DataMatrix instead of GS1-128

    @property
    def element_string(self) -> str:
        return symbols.gs1_element_string(self.gtin, lot=self.lot, expiry=self.expiry)


@dataclass(frozen=True)
class BinLabel:
    store: str
    bin_code: str
    name: str = ""

    @property
    def content(self) -> str:
        return f"{self.store}{BIN_SEPARATOR}{self.bin_code}"


@dataclass(frozen=True)
class CheckpointLabel:
    """A patrol checkpoint: its QR payload as the guard's phone scans it, code and name."""

    qr_payload: str
    code: str
    name: str


Label = AssetLabel | ItemLabel | Gs1Label | BinLabel | CheckpointLabel


@dataclass(frozen=True)
class Pen:
    """Fonts at the label's size; `font_path` None: Pillow's bundled Latin font."""

    font_path: str | None = None

    def font(self, px: int) -> Font:
        return _font(self.font_path, max(8, px))


@lru_cache(maxsize=64)
def _font(path: str | None, px: int) -> Font:
    return ImageFont.truetype(path, px) if path else ImageFont.load_default(size=px)


def shorten(draw: ImageDraw.ImageDraw, text: str, font: Font, width: int) -> str:
    """`text`, or its longest start that fits `width` pixels with "…" after it."""
    if draw.textlength(text, font=font) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        middle = (low + high + 1) // 2
        if draw.textlength(text[:middle].rstrip() + ELLIPSIS, font=font) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS if low else ""


def wrap(draw: ImageDraw.ImageDraw, text: str, font: Font, width: int, lines: int) -> list[str]:
    """Words across at most `lines` lines of `width` pixels; the last one shortened."""
    out: list[str] = []
    words = text.split()
    while words and len(out) < lines:
        line = words.pop(0)
        while words and draw.textlength(f"{line} {words[0]}", font=font) <= width:
            line = f"{line} {words.pop(0)}"
        out.append(line)
    if words and out:
        out[-1] = f"{out[-1]} {' '.join(words)}"
    return [shorten(draw, line, font, width) for line in out]


def _module_px(symbol: Symbol, space: int, kind: str) -> int:
    span = symbol.modules + 2 * symbol.quiet
    module = min(space // span, MAX_MODULE_PX[kind])
    if module < MIN_MODULE_PX[kind]:
        raise SymbolError(
            f"This content needs {span} modules across; on this label they would be thinner "
            "than a scanner reads reliably. Choose a larger label."
        )
    return module


def _text_block(
    draw: ImageDraw.ImageDraw,
    box: tuple[int, int, int, int],
    lead: str,
    rest: str,
    pen: Pen,
) -> None:
    """`lead` large on the first line, `rest` wrapped below, inside `box` (l, t, r, b)."""
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    if width <= 0 or height <= 0:
        return
    lead_px = min(height // 3, 60)
    body_px = max(8, min(round(lead_px * 0.7), 44))
    lead_font, body_font = pen.font(lead_px), pen.font(body_px)
    y = top
    if lead:
        draw.text((left, y), shorten(draw, lead, lead_font, width), font=lead_font, fill=0)
        y += round(lead_px * 1.2)
    room = (bottom - y) // round(body_px * 1.2)
    for line in wrap(draw, rest, body_font, width, room) if room > 0 else []:
        draw.text((left, y), line, font=body_font, fill=0)
        y += round(body_px * 1.2)


def _matrix_label(
    canvas: Image.Image, symbol: Symbol, lead: str, rest: str, pad: int, pen: Pen
) -> None:
    width, height = canvas.size
    side = min(height - 2 * pad, round((width - 2 * pad) * 0.5))
    module = _module_px(symbol, side, "matrix")
    image = symbol.image(module)
    quiet = symbol.quiet * module
    x = y = pad + quiet
    y = (height - image.height) // 2
    canvas.paste(image, (x, y))
    text_left = x + image.width + quiet + pad
    _text_block(
        ImageDraw.Draw(canvas), (text_left, pad, width - pad, height - pad), lead, rest, pen
    )


def _linear_label(
    canvas: Image.Image, symbol: Symbol, lead: str, rest: str, pad: int, pen: Pen
) -> None:
    width, height = canvas.size
    module = _module_px(symbol, width - 2 * pad, "linear")
    bars_height = round((height - 2 * pad) * 0.55)
    image = symbol.image(module, bars_height)
    canvas.paste(image, ((width - image.width) // 2, pad))
    text_top = pad + bars_height + pad // 2
    _text_block(ImageDraw.Draw(canvas), (pad, text_top, width - pad, height - pad), lead, rest, pen)


def _asset(canvas: Image.Image, label: AssetLabel, pad: int, pen: Pen) -> None:
    _matrix_label(canvas, symbols.qr(label.url), label.tag_code, label.title, pad, pen)


def _item(canvas: Image.Image, label: ItemLabel, pad: int, pen: Pen) -> None:
    _linear_label(canvas, symbols.code128(label.code), label.code, label.name, pad, pen)


def _gs1(canvas: Image.Image, label: Gs1Label, pad: int, pen: Pen) -> None:
    element_string = label.element_string
    hri = element_string.replace("(", " (").strip()
    if label.matrix:
        symbol = symbols.gs1_datamatrix(element_string)
        _matrix_label(canvas, symbol, label.name, hri, pad, pen)
    else:
        symbol = symbols.gs1_128(element_string)
        _linear_label(canvas, symbol, label.name, hri, pad, pen)


def _bin(canvas: Image.Image, label: BinLabel, pad: int, pen: Pen) -> None:
    lead = f"{label.store} {label.bin_code}"
    _linear_label(canvas, symbols.code128(label.content), lead, label.name, pad, pen)


def _checkpoint(canvas: Image.Image, label: CheckpointLabel, pad: int, pen: Pen) -> None:
    _matrix_label(canvas, symbols.qr(label.qr_payload), label.code, label.name, pad, pen)


_DRAW: Final[dict[type, Callable[..., None]]] = {
    AssetLabel: _asset,
    ItemLabel: _item,
    Gs1Label: _gs1,
    BinLabel: _bin,
    CheckpointLabel: _checkpoint,
}


DEFAULT_PEN: Final = Pen()


def draw_label(
    label: Label, size: tuple[int, int], pad: int, pen: Pen = DEFAULT_PEN
) -> Image.Image:
    """The label on a white bilevel image of `size` pixels, `pad` pixels kept blank inside."""
    canvas = Image.new("1", size, 1)
    _DRAW[type(label)](canvas, label, pad, pen)
    return canvas
