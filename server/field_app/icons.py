"""The field app's icons, drawn with Pillow so they can be remade (`make pwa-icons`).

The mark: a white "R" inside a looping arrow (a round), on dark teal. Shapes are drawn
at four times the size and scaled down, which smooths the edges without any font.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

TEAL = "#0b4f5c"  # the manifest's theme_color
WHITE = 255
SUPERSAMPLE = 4


@dataclass(frozen=True)
class Icon:
    name: str
    size: int
    mark: float  # share of the side the mark's unit square spans
    full_bleed: bool  # a square edge to edge (maskable, Apple) or a rounded tile (any)


ICONS = (
    Icon("icon-192.png", 192, 0.86, full_bleed=False),
    Icon("icon-512.png", 512, 0.86, full_bleed=False),
    # Maskable: launchers crop to any shape inside the centre circle of 80 % of the side.
    Icon("icon-maskable-512.png", 512, 0.74, full_bleed=True),
    # iOS rounds the corners itself and shows transparency as black.
    Icon("apple-touch-icon.png", 180, 0.80, full_bleed=True),
)

RING_RADIUS = 0.37  # of the stroke's centre line, in the mark's unit square
RING_WIDTH = 0.07
GAP = (245.0, 298.0)  # degrees clockwise from three o'clock: an opening at the top


def _mark(side: int) -> Image.Image:
    """The white mark as an alpha mask on a `side` square (unit square scaled to it)."""
    mask = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(mask)

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
        return (round(x0 * side), round(y0 * side), round(x1 * side), round(y1 * side))

    outer = RING_RADIUS + RING_WIDTH / 2
    draw.arc(
        box(0.5 - outer, 0.5 - outer, 0.5 + outer, 0.5 + outer),
        GAP[1],
        GAP[0] + 360,
        fill=WHITE,
        width=round(RING_WIDTH * side),
    )
    draw.polygon([(x * side, y * side) for x, y in _arrowhead()], fill=WHITE)

    # The letter R: stem, bowl (a D with a hole), leg.
    left, top, bottom, stroke = 0.37, 0.30, 0.70, 0.072
    bowl_bottom, bowl_x = 0.545, 0.50
    r_out = (bowl_bottom - top) / 2
    r_in = r_out - stroke
    draw.rectangle(box(left, top, left + stroke, bottom), fill=WHITE)
    draw.rectangle(box(left, top, bowl_x, bowl_bottom), fill=WHITE)
    draw.ellipse(box(bowl_x - r_out, top, bowl_x + r_out, bowl_bottom), fill=WHITE)
    draw.rectangle(box(left + stroke, top + stroke, bowl_x, bowl_bottom - stroke), fill=0)
    draw.ellipse(box(bowl_x - r_in, top + stroke, bowl_x + r_in, bowl_bottom - stroke), fill=0)
    leg_top = bowl_bottom - stroke
    draw.polygon(
        [
            (x * side, y * side)
            for x, y in [
                (0.465, leg_top),
                (0.465 + stroke * 1.15, leg_top),
                (0.645, bottom),
                (0.645 - stroke * 1.15, bottom),
            ]
        ],
        fill=WHITE,
    )
    return mask


def _arrowhead() -> list[tuple[float, float]]:
    """A triangle at the ring's end before the gap, pointing on round the loop."""

    def at(degrees: float, radius: float) -> tuple[float, float]:
        angle = math.radians(degrees)
        return (0.5 + radius * math.cos(angle), 0.5 + radius * math.sin(angle))

    half = RING_WIDTH * 1.25
    return [
        at(GAP[0], RING_RADIUS + half),
        at(GAP[0], RING_RADIUS - half),
        at(GAP[0] + 26, RING_RADIUS),
    ]


def draw_icon(icon: Icon) -> Image.Image:
    big = icon.size * SUPERSAMPLE
    tile = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(tile)
    if icon.full_bleed:
        draw.rectangle((0, 0, big, big), fill=TEAL)
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=round(big * 0.2), fill=TEAL)
    side = round(big * icon.mark)
    offset = (big - side) // 2
    white = Image.new("RGBA", (side, side), (255, 255, 255, 255))
    tile.paste(white, (offset, offset), _mark(side))
    image = tile.resize((icon.size, icon.size), Image.Resampling.LANCZOS)
    return image.convert("RGB") if icon.full_bleed else image


def write_icons(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for icon in ICONS:
        path = directory / icon.name
        draw_icon(icon).save(path, optimize=True)
        written.append(path)
    return written
