"""A4 label sheets: exact page size, presets as published, every label scans back."""

from __future__ import annotations

from datetime import date

import pytest
from PIL import Image, ImageDraw, ImageFont

from scanners.decode import decode_photo
from scanners.label_art import (
    AssetLabel,
    BinLabel,
    Gs1Label,
    ItemLabel,
    Label,
    draw_label,
    shorten,
)
from scanners.sheet_pdf import calibration_page, pdf_bytes, sheet_pages
from scanners.sheets import PAGE_PX, PRESETS, Grid, SheetError, placements, preset
from scanners.symbols import SymbolError
from tests.pdf_pages import media_boxes, page_images

A4_POINTS = (210 / 25.4 * 72, 297 / 25.4 * 72)  # 595.28 x 841.89
LONG = "Infusion pump, volumetric, ward 3 east, bay 12, beside the window " * 3
LABELS: list[tuple[Label, tuple[str, str, str]]] = [
    (
        AssetLabel("7K3M9Q2XWD", "https://rounds.example.org/a/7K3M9Q2XWD", LONG),
        ("https://rounds.example.org/a/7K3M9Q2XWD", "QRCode", "]Q1"),
    ),
    (ItemLabel("ELE-00042", "Fuse 10 A ceramic"), ("ELE-00042", "Code128", "]C0")),
    (
        Gs1Label("9506000134352", lot="ABC123", expiry=date(2026, 12, 31), name="Filter"),
        ("01095060001343521726123110ABC123", "Code128", "]C1"),
    ),
    (
        Gs1Label("9506000134352", lot="ABC123", expiry=date(2026, 12, 31), matrix=True),
        ("01095060001343521726123110ABC123", "DataMatrix", "]d2"),
    ),
    (BinLabel("MAIN", "A-01-03", "Main store"), ("MAIN/A-01-03", "Code128", "]C0")),
]

# The manufacturers' published templates, written out here independently of the presets:
# labels across and down, label width and height, top margin, left margin, pitch across
# and down, in mm.
PUBLISHED = {
    "L7160": (3, 7, 63.5, 38.1, 15.15, 7.21, 66.04, 38.1),
    "L7163": (2, 7, 99.1, 38.1, 15.15, 4.65, 101.6, 38.1),
    "L7651": (5, 13, 38.1, 21.2, 10.7, 4.75, 40.6, 21.2),
    "L7173": (2, 5, 99.1, 57.0, 6.0, 4.65, 101.6, 57.0),
    "3475": (3, 8, 70.0, 36.0, 4.5, 0.0, 70.0, 36.0),
}


def _decoded(page: Image.Image, grid: Grid, slot: int) -> list[tuple[str, str, str]]:
    left, top, right, bottom = grid.box_px(slot)
    found = decode_photo(page.crop((left, top, right, bottom)), max_side=None)
    return [(d.text, d.format, d.symbology_identifier) for d in found]


@pytest.mark.parametrize("name", ["L7160", "L7163", "L7173"])
def test_every_label_on_the_printed_pages_scans_back(name: str) -> None:
    grid = PRESETS[name]
    labels = [label for label, _ in LABELS] * 4
    pdf = pdf_bytes(sheet_pages(grid, labels, start=3))
    pages = page_images(pdf)
    boxes = media_boxes(pdf)
    assert len(pages) == len(boxes) == (2 + len(labels) - 1) // grid.per_sheet + 1
    for box in boxes:
        assert box[:2] == (0, 0)
        assert box[2:] == pytest.approx(A4_POINTS, abs=0.01)
    for index, spot in enumerate(placements(grid, len(labels), start=3)):
        expected = LABELS[index % len(LABELS)][1]
        assert _decoded(pages[spot.page], grid, spot.slot) == [expected], (index, spot)
    assert _decoded(pages[0], grid, 0) == []
    assert _decoded(pages[0], grid, 1) == []


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_presets_put_labels_where_the_manufacturer_says(name: str) -> None:
    across, down, width, height, top, left, pitch_x, pitch_y = PUBLISHED[name]
    grid = preset(name.lower())
    assert (grid.columns, grid.rows, grid.per_sheet) == (across, down, across * down)
    for slot in range(grid.per_sheet):
        row, column = divmod(slot, across)
        assert grid.box(slot) == pytest.approx(
            (left + column * pitch_x, top + row * pitch_y, width, height), abs=0.005
        )
    # The last label ends inside the page, at the published bottom and right margins.
    _, last_top, _, _ = grid.box(grid.per_sheet - 1)
    assert last_top + height <= 297.0 + 0.05


def test_a_long_title_is_shortened_and_never_reaches_the_next_label() -> None:
    grid = PRESETS["L7651"]  # small labels: 38.1 x 21.2 mm with 2.5 mm gaps
    label = AssetLabel("7K3M9Q2XWD", "https://rounds.example.org/a/7K3M9Q2XWD", LONG)
    (page,) = sheet_pages(grid, [label] * grid.per_sheet)
    assert page.convert("L").getextrema()[0] == 0  # something is printed
    outside = page.copy()
    for slot in range(grid.per_sheet):
        left, top, right, bottom = grid.box_px(slot)
        ImageDraw.Draw(outside).rectangle((left, top, right - 1, bottom - 1), fill=1)
    assert outside.convert("L").getextrema() == (255, 255)  # nothing between labels
    canvas = Image.new("1", (400, 60), 1)
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default(size=30)
    short = shorten(draw, LONG, font, 300)
    assert short.endswith("…")
    assert len(short) < len(LONG)
    assert draw.textlength(short, font=font) <= 300


def test_the_start_position_skips_used_labels_and_later_sheets_start_at_one() -> None:
    grid = PRESETS["L7160"]
    spots = placements(grid, 25, start=20)
    assert (spots[0].page, spots[0].slot) == (0, 19)
    assert (spots[2].page, spots[2].slot) == (1, 0)
    assert (spots[-1].page, spots[-1].slot) == (2, 1)
    with pytest.raises(SheetError, match="between 1 and 21"):
        placements(grid, 1, start=22)


@pytest.mark.parametrize(
    ("grid", "reason"),
    [
        ((3, 7, 70, 38.1, 7, 15, 72, 38.1), "does not fit on A4"),
        ((2, 2, 50, 30, 5, 5, 40, 30), "overlap"),
        ((0, 2, 50, 30, 5, 5, 50, 30), "at least one column"),
        ((2, 2, 5, 5, 5, 5, 5, 5), "at least"),
    ],
)  # fmt: skip
def test_a_grid_that_cannot_be_printed_says_why(grid: tuple[float, ...], reason: str) -> None:
    columns, rows, *mm = grid
    with pytest.raises(SheetError, match=reason):
        Grid(int(columns), int(rows), *mm)


def test_an_unknown_preset_lists_the_known_ones() -> None:
    with pytest.raises(SheetError, match="L7160"):
        preset("L9999")


def test_content_too_long_for_the_label_is_refused_not_printed_unreadable() -> None:
    label = Gs1Label("9506000134352", lot="ABCDEFGHIJ0123456789", expiry=date(2026, 1, 1))
    left, top, right, bottom = PRESETS["L7651"].box_px(0)
    with pytest.raises(SymbolError, match="larger label"):
        draw_label(label, (right - left, bottom - top), 12)
    with pytest.raises(SymbolError, match="GTIN"):
        draw_label(Gs1Label("9506000134353"), (800, 400), 12)


def test_the_calibration_page_outlines_every_label_on_an_a4_page() -> None:
    grid = PRESETS["L7163"]
    pdf = pdf_bytes([calibration_page(grid)])
    (page,) = page_images(pdf)
    assert media_boxes(pdf)[0][2:] == pytest.approx(A4_POINTS, abs=0.01)
    for slot in range(grid.per_sheet):
        left, top, right, bottom = grid.box_px(slot)
        assert page.getpixel((left + 1, (top + bottom) // 2)) == 0  # the outline
        assert page.getpixel(((left + right) // 2, (top + bottom) // 2)) == 0  # crosshair
        assert page.getpixel((right - 40, bottom - 40)) == 255
    # The ruler: a tick at every millimetre along the top edge.
    ticks = [page.getpixel((round(mm * PAGE_PX[0] / 210), 5)) for mm in range(1, 210)]
    assert ticks.count(0) >= 200
