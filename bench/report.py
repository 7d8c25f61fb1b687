"""The summary table printed at the end of a run and kept in `bench/last-run.txt`."""

from __future__ import annotations

from pathlib import Path

from bench.common import Line

LAST_RUN = Path(__file__).resolve().parent / "last-run.txt"
ORDER = ("push", "pull", "pouchdb", "field-app", "labels", "decode", "patrol", "import")
HEADINGS = ("benchmark", "database", "Rounds", "baseline", "ratio", "aim", "result")


def _cells(line: Line) -> tuple[str, ...]:
    ratio = "-" if line.ratio is None else f"{line.ratio:.2f}"
    return (
        line.name,
        line.backend,
        line.rounds,
        line.baseline,
        ratio,
        f">= {line.aim:g}",
        line.verdict,
    )


def table(lines: list[Line]) -> str:
    ordered = sorted(lines, key=lambda line: (ORDER.index(line.name), line.backend))
    rows = [HEADINGS, *(_cells(line) for line in ordered)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(HEADINGS))]
    rendered = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    rendered.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in rendered)


def summary(title: str, lines: list[Line]) -> str:
    ordered = sorted(lines, key=lambda line: (ORDER.index(line.name), line.backend))
    details = "\n".join(line.text for line in ordered)
    return f"{title}\n\n{table(lines)}\n\n{details}\n"


def write(text: str, path: Path = LAST_RUN) -> None:
    path.write_text(text)
