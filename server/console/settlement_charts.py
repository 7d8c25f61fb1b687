"""The scorecard's month-on-month chart: inline SVG drawn on the server (no script), one
column per month on a 0..100 scale; a month with nothing measured has no column."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from html import escape

WIDTH, HEIGHT, PAD, COLUMN = 420, 180, 28, 40


def score_chart(title: str, points: Sequence[tuple[date, Decimal | None]], empty: str) -> str:
    step = (WIDTH - 2 * PAD) / max(1, len(points))
    plot = HEIGHT - 2 * PAD
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="scores" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" style="max-width:{WIDTH}px">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        'stroke="#888"></line>',
    ]
    for index, (month, score) in enumerate(points):
        x = PAD + index * step + (step - COLUMN) / 2
        label = f"{month:%Y-%m}"
        parts.append(f'<g data-month="{label}" data-score="{score if score is not None else ""}">')
        if score is None:
            parts.append(
                f'<text x="{x + COLUMN / 2:.1f}" y="{HEIGHT - PAD - 6}" text-anchor="middle" '
                f'font-size="11">{escape(empty)}</text>'
            )
        else:
            height = float(score) / 100 * plot
            top = HEIGHT - PAD - height
            parts.append(
                f'<rect x="{x:.1f}" y="{top:.1f}" width="{COLUMN}" height="{height:.1f}" '
                f'fill="#2f6f9f" rx="2"></rect>'
                f'<text x="{x + COLUMN / 2:.1f}" y="{top - 4:.1f}" text-anchor="middle" '
                f'font-size="12">{score}</text>'
            )
        parts.append(
            f'<text x="{x + COLUMN / 2:.1f}" y="{HEIGHT - PAD + 16}" text-anchor="middle" '
            f'font-size="11">{label}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
