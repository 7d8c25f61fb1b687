"""A4 label sheets: the stock's grid in millimetres, and where each label falls on a page.

Presets carry the manufacturers' published dimensions (Avery and Avery Zweckform
templates for A4): label width and height, the top and left margins to the first
label, and the pitch (label plus gap) across and down. A custom `Grid` takes the same
numbers; one that does not fit on A4 is refused with the reason.

The page is drawn at 300 dpi: 2480 x 3508 pixels. The PDF gives each axis its own
resolution (2480 px over 210 mm, 3508 px over 297 mm), so the page is exactly A4 and
a millimetre on the page is the same millimetre on paper when printed at 100 %.

>>> grid = PRESETS["L7160"]
>>> grid.per_sheet, grid.box(0), grid.box(20)
(21, (7.21, 15.15, 63.5, 38.1), (139.29, 243.75, 63.5, 38.1))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

A4_MM: Final = (210.0, 297.0)
DPI: Final = 300
PAGE_PX: Final = (round(A4_MM[0] * DPI / 25.4), round(A4_MM[1] * DPI / 25.4))
PX_PER_MM: Final = (PAGE_PX[0] / A4_MM[0], PAGE_PX[1] / A4_MM[1])
PDF_DPI: Final = (PX_PER_MM[0] * 25.4, PX_PER_MM[1] * 25.4)
SLACK_MM: Final = 0.05  # published dimensions are rounded to 0.05 mm
MIN_LABEL_MM: Final = (15.0, 10.0)
MAX_LABELS_PER_SHEET: Final = 200

Box = tuple[float, float, float, float]  # left, top, width, height in mm


class SheetError(ValueError):
    """A grid, preset or start position that cannot be used; the message says why."""


@dataclass(frozen=True)
class Grid:
    """Labels in `rows` x `columns`, `width` x `height` mm, the first one `left` mm from
    the page's left edge and `top` mm from its top, the next ones `pitch_x` and `pitch_y`
    apart (label plus gap)."""

    columns: int
    rows: int
    width: float
    height: float
    left: float
    top: float
    pitch_x: float
    pitch_y: float
    name: str = "custom"
    title: str = ""

    def __post_init__(self) -> None:
        problem = self.problem()
        if problem:
            raise SheetError(problem)

    def problem(self) -> str | None:
        """Why this grid cannot be printed on A4, or None."""
        right = self.left + (self.columns - 1) * self.pitch_x + self.width
        bottom = self.top + (self.rows - 1) * self.pitch_y + self.height
        checks = (
            (self.columns < 1 or self.rows < 1, "A sheet needs at least one column and one row."),
            (
                self.columns * self.rows > MAX_LABELS_PER_SHEET,
                f"At most {MAX_LABELS_PER_SHEET} labels a sheet are supported.",
            ),
            (
                self.width < MIN_LABEL_MM[0] or self.height < MIN_LABEL_MM[1],
                f"A label must be at least {MIN_LABEL_MM[0]:g} x {MIN_LABEL_MM[1]:g} mm.",
            ),
            (self.left < 0 or self.top < 0, "Margins cannot be negative."),
            (
                self.columns > 1 and self.pitch_x < self.width - SLACK_MM,
                "The pitch across is smaller than the label: labels would overlap.",
            ),
            (
                self.rows > 1 and self.pitch_y < self.height - SLACK_MM,
                "The pitch down is smaller than the label: labels would overlap.",
            ),
            (
                right > A4_MM[0] + SLACK_MM or bottom > A4_MM[1] + SLACK_MM,
                f"This grid reaches {right:.1f} x {bottom:.1f} mm from the page's corner; "
                f"it does not fit on A4 ({A4_MM[0]:g} x {A4_MM[1]:g} mm).",
            ),
        )
        return next((message for failed, message in checks if failed), None)

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    def box(self, slot: int) -> Box:
        """Label `slot` (from 0, across then down) in mm from the page's top left."""
        row, column = divmod(slot, self.columns)
        left = round(self.left + column * self.pitch_x, 3)
        top = round(self.top + row * self.pitch_y, 3)
        return (left, top, self.width, self.height)

    def box_px(self, slot: int) -> tuple[int, int, int, int]:
        """The same label in page pixels: left, top, right, bottom (right, bottom out)."""
        left, top, width, height = self.box(slot)
        sx, sy = PX_PER_MM
        return (
            round(left * sx),
            round(top * sy),
            round((left + width) * sx),
            round((top + height) * sy),
        )

    @property
    def describe(self) -> str:
        return (
            f"{self.per_sheet} labels of {self.width:g} x {self.height:g} mm "
            f"({self.columns} x {self.rows})"
        )


def _preset(
    name: str,
    title: str,
    layout: tuple[int, int],
    label: tuple[float, float],
    margins: tuple[float, float],
    pitch: tuple[float, float],
) -> Grid:
    return Grid(layout[0], layout[1], *label, *margins, *pitch, name=name, title=title)


# name: (columns, rows), (width, height), (left, top), (pitch across, pitch down), in mm,
# as the manufacturers publish them for their A4 templates.
# fmt: off
PRESETS: Final = {
    grid.name: grid
    for grid in (
        _preset("L7160", "Avery L7160 / Zweckform L7160, 21 per sheet",
                (3, 7), (63.5, 38.1), (7.21, 15.15), (66.04, 38.1)),
        _preset("L7159", "Avery L7159, 24 per sheet",
                (3, 8), (63.5, 33.9), (7.21, 12.9), (66.04, 33.9)),
        _preset("L7162", "Avery L7162, 16 per sheet",
                (2, 8), (99.1, 33.9), (4.65, 12.9), (101.6, 33.9)),
        _preset("L7163", "Avery L7163 / Zweckform L7163, 14 per sheet",
                (2, 7), (99.1, 38.1), (4.65, 15.15), (101.6, 38.1)),
        _preset("L7165", "Avery L7165, 8 per sheet",
                (2, 4), (99.1, 67.7), (4.65, 13.1), (101.6, 67.7)),
        _preset("L7173", "Avery L7173, 10 per sheet",
                (2, 5), (99.1, 57.0), (4.65, 6.0), (101.6, 57.0)),
        _preset("L7651", "Avery L7651 / Zweckform L7651, 65 per sheet",
                (5, 13), (38.1, 21.2), (4.75, 10.7), (40.6, 21.2)),
        _preset("3474", "Avery Zweckform 3474, 24 per sheet",
                (3, 8), (70.0, 37.0), (0.0, 0.5), (70.0, 37.0)),
        _preset("3475", "Avery Zweckform 3475, 24 per sheet",
                (3, 8), (70.0, 36.0), (0.0, 4.5), (70.0, 36.0)),
    )
}
# fmt: on
DEFAULT_PRESET: Final = "L7160"


def preset(name: str) -> Grid:
    try:
        return PRESETS[name.strip().upper()]
    except KeyError:
        known = ", ".join(PRESETS)
        raise SheetError(f"Unknown label sheet {name!r}; known sheets: {known}.") from None


@dataclass(frozen=True)
class Placement:
    page: int  # from 0
    slot: int  # from 0 on that page, across then down


def placements(grid: Grid, count: int, start: int = 1) -> list[Placement]:
    """Where `count` labels go when the first sheet's labels before `start` (from 1)
    are used already; later sheets start at their first label."""
    if not 1 <= start <= grid.per_sheet:
        raise SheetError(
            f"The start position must be between 1 and {grid.per_sheet} for this sheet."
        )
    first = start - 1
    return [Placement(*divmod(first + index, grid.per_sheet)) for index in range(count)]
