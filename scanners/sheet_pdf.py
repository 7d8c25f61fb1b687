"""Label sheets as PDF: every page exactly A4, drawn at 300 dpi in black and white.

Pages are bilevel images (Pillow stores them CCITT G4 compressed, lossless: bars keep
their edges, where JPEG would blur them), one image per page filling the page.

The calibration page draws the outline and a crosshair of every label of the grid and a
millimetre ruler along the top and left edges: printed at 100 % ("actual size") on plain
paper and laid on a sheet of labels against the light, it shows whether the printer
scales or shifts, before a sheet of labels is spent.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Final

from PIL import Image, ImageDraw

from scanners.label_art import DEFAULT_PEN, Label, Pen, draw_label
from scanners.sheets import A4_MM, PAGE_PX, PDF_DPI, PX_PER_MM, Grid, placements

LINE_PX: Final = 3  # 0.25 mm
RULER_MM: Final = 100


def _pad_px(grid: Grid) -> int:
    """Blank inside each label's edge: printers drift a millimetre, corners are round."""
    pad_mm = max(1.0, min(2.5, min(grid.width, grid.height) * 0.07))
    return round(pad_mm * PX_PER_MM[0])


def sheet_pages(
    grid: Grid, labels: Sequence[Label], *, start: int = 1, pen: Pen = DEFAULT_PEN
) -> list[Image.Image]:
    """The pages with `labels` in order, the first at position `start` of the first page."""
    spots = placements(grid, len(labels), start)
    count = spots[-1].page + 1 if spots else 1
    pages = [Image.new("1", PAGE_PX, 1) for _ in range(count)]
    pad = _pad_px(grid)
    for label, spot in zip(labels, spots, strict=True):
        left, top, right, bottom = grid.box_px(spot.slot)
        pages[spot.page].paste(
            draw_label(label, (right - left, bottom - top), pad, pen), (left, top)
        )
    return pages


def _mm(x: float, y: float) -> tuple[int, int]:
    return round(x * PX_PER_MM[0]), round(y * PX_PER_MM[1])


def _ruler(draw: ImageDraw.ImageDraw, pen: Pen) -> None:
    """Ticks every mm along the top and left edges, longer every 5 and 10, numbered."""
    font = pen.font(28)
    for mm in range(int(A4_MM[0]) + 1):
        length = 6 if mm % 10 == 0 else 4 if mm % 5 == 0 else 2
        draw.line([_mm(mm, 0), _mm(mm, length)], fill=0, width=2)
        if mm % 10 == 0 and 0 < mm < A4_MM[0]:
            draw.text(_mm(mm + 0.5, 6), str(mm), font=font, fill=0)
    for mm in range(int(A4_MM[1]) + 1):
        length = 6 if mm % 10 == 0 else 4 if mm % 5 == 0 else 2
        draw.line([_mm(0, mm), _mm(length, mm)], fill=0, width=2)
        if mm % 10 == 0 and 0 < mm < A4_MM[1]:
            draw.text(_mm(6.5, mm - 1.5), str(mm), font=font, fill=0)


def calibration_page(grid: Grid, pen: Pen = DEFAULT_PEN) -> Image.Image:
    page = Image.new("1", PAGE_PX, 1)
    draw = ImageDraw.Draw(page)
    for slot in range(grid.per_sheet):
        left, top, right, bottom = grid.box_px(slot)
        draw.rectangle((left, top, right - 1, bottom - 1), outline=0, width=LINE_PX)
        cx, cy = (left + right) // 2, (top + bottom) // 2
        arm = round(min(right - left, bottom - top) * 0.15)
        draw.line([(cx - arm, cy), (cx + arm, cy)], fill=0, width=LINE_PX)
        draw.line([(cx, cy - arm), (cx, cy + arm)], fill=0, width=LINE_PX)
        draw.text((left + 12, top + 8), str(slot + 1), font=pen.font(30), fill=0)
    _ruler(draw, pen)
    # A bar of known length, with what it should measure: below the ruler when the sheet's
    # top margin leaves room, else across the middle of the page.
    y = 10.0 if grid.top >= 14 else A4_MM[1] / 2
    x0, x1 = (A4_MM[0] - RULER_MM) / 2, (A4_MM[0] + RULER_MM) / 2
    draw.line([_mm(x0, y), _mm(x1, y)], fill=0, width=LINE_PX)
    for x in (x0, x1):
        draw.line([_mm(x, y - 2), _mm(x, y + 2)], fill=0, width=LINE_PX)
    text = (
        f"{grid.title or grid.name}: {grid.describe}. Print at 100 % (actual size): "
        f"the bar measures {RULER_MM} mm, the ruler's ticks are 1 mm."
    )
    draw.text(_mm(12, y + 3), text, font=pen.font(32), fill=0)
    return page


def pdf_bytes(pages: Iterable[Image.Image], title: str = "Labels") -> bytes:
    """The pages as one PDF, each page A4 exactly (595.28 x 841.89 pt)."""
    first, *rest = list(pages)
    buffer = io.BytesIO()
    first.save(
        buffer, "PDF", save_all=True, append_images=rest, dpi=PDF_DPI, title=title,
        producer="Rounds",
    )  # fmt: skip
    return buffer.getvalue()
