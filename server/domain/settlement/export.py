"""A statement as PDF (A4 pages drawn with Pillow, as the label sheets are) and as XLSX
(openpyxl, one sheet each for the summary, the lines and the records behind them).

Both list, under each line, the records it comes from: kind, record id, label and the op
hash of the field op that carried it; and, once frozen, the statement's SHA-256.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from anyio import to_thread
from PIL import Image, ImageDraw

from scanners.label_art import DEFAULT_PEN, shorten
from scanners.sheet_pdf import pdf_bytes
from scanners.sheets import PAGE_PX, PX_PER_MM
from server.db.models import Contractor
from server.domain.reports.export import Table, tables_xlsx
from server.domain.settlement.rules import money
from server.domain.settlement.service import StatementView

MARGIN_MM: Final = 15
LINE_PX: Final = 40  # at 300 dpi: 3.4 mm a text line
TEXT_PX: Final = 30


def _summary(view: StatementView, contractor: Contractor) -> list[tuple[str, str]]:
    s = view.statement
    return [
        ("Contractor", f"{contractor.code} {contractor.name}"),
        ("Contract", f"{view.contract.code} ({view.contract.service})"),
        ("Month", f"{s.month:%Y-%m}"),
        ("Status", s.status.value),
        ("Score", s.score if s.score is not None else "not measured"),
        ("Monthly fee", money(s.fee_cents)),
        ("Deductions", money(s.deductions_cents)),
        ("Payable", money(s.payable_cents)),
        ("SHA-256", s.frozen_hash or "not frozen"),
    ]


def _measured(unit: str, measured: str | None) -> str:
    return "not measured" if measured is None else f"{measured} {unit}".strip()


@dataclass
class _Pages:
    pages: list[Image.Image] = field(default_factory=list)
    y: int = 0

    def __post_init__(self) -> None:
        self.left = round(MARGIN_MM * PX_PER_MM[0])
        self.width = PAGE_PX[0] - 2 * self.left
        self.bottom = PAGE_PX[1] - round(MARGIN_MM * PX_PER_MM[1])
        self._new()

    def _new(self) -> None:
        self.pages.append(Image.new("1", PAGE_PX, 1))
        self.draw = ImageDraw.Draw(self.pages[-1])
        self.y = round(MARGIN_MM * PX_PER_MM[1])

    def text(self, words: str, *, size: int = TEXT_PX, indent: int = 0) -> None:
        if self.y + LINE_PX > self.bottom:
            self._new()
        font = DEFAULT_PEN.font(size)
        shown = shorten(self.draw, words, font, self.width - indent)
        self.draw.text((self.left + indent, self.y), shown, font=font, fill=0)
        self.y += max(LINE_PX, round(size * 1.35))

    def gap(self) -> None:
        self.y += LINE_PX // 2


def _draw(view: StatementView, contractor: Contractor) -> bytes:
    out = _Pages()
    out.text("Settlement statement", size=48)
    for name, value in _summary(view, contractor):
        out.text(f"{name}: {value}")
    out.gap()
    for line in view.lines:
        out.text(
            f"{line.position}. {line.indicator_code or 'all deductions'} - "
            f"{_measured(line.unit, line.measured)} (basis {line.basis}) - "
            f"{money(line.amount_cents)}",
            size=34,
        )
        out.text(line.rule_text, indent=40)
        if line.amount_cents != line.computed_cents:
            out.text(
                f"Computed {money(line.computed_cents)}; changed: {line.adjustment_reason}",
                indent=40,
            )
        for dispute in view.disputes_of(line.id):
            outcome = dispute.outcome.value if dispute.outcome else "open"
            out.text(f"Disputed: {dispute.comment}", indent=40)
            out.text(f"Resolution: {outcome} {dispute.reason}", indent=40)
        for item in line.evidence:
            out.text(f"{item.get('kind')} {item.get('record_id')} {item.get('label')}", indent=80)
            if item.get("op_hash"):
                out.text(f"op {item.get('op_hash')}", indent=120, size=26)
        out.gap()
    title = f"Rounds statement {view.contract.code} {view.statement.month:%Y-%m}"
    return pdf_bytes(out.pages, title=title)


async def statement_pdf(view: StatementView, contractor: Contractor) -> bytes:
    """Drawn in a worker thread: a month of evidence is a few pages of pixels."""
    return await to_thread.run_sync(lambda: _draw(view, contractor))


def statement_xlsx(view: StatementView, contractor: Contractor) -> bytes:
    lines = Table(
        "Lines",
        ["position", "indicator", "unit", "measured", "basis", "rule", "computed", "amount",
         "adjustment_reason", "records"],
        [
            [line.position, line.indicator_code or "", line.unit, line.measured or "",
             line.basis, line.rule_text, line.computed_cents / 100, line.amount_cents / 100,
             line.adjustment_reason, len(line.evidence)]
            for line in view.lines
        ],
    )  # fmt: skip
    evidence = Table(
        "Evidence",
        ["line", "indicator", "kind", "record_id", "label", "op_hash"],
        [
            [line.position, line.indicator_code or "", item.get("kind", ""),
             item.get("record_id", ""), item.get("label", ""), item.get("op_hash") or ""]
            for line in view.lines
            for item in line.evidence
        ],
    )  # fmt: skip
    positions = {line.id: line.position for line in view.lines}
    disputes = Table(
        "Disputes",
        ["line", "comment", "raised_at", "outcome", "new_amount", "reason", "resolved_at"],
        [
            [positions.get(d.line_id, 0), d.comment, d.raised_at.isoformat(),
             d.outcome.value if d.outcome else "open",
             "" if d.new_amount_cents is None else d.new_amount_cents / 100, d.reason,
             d.resolved_at.isoformat() if d.resolved_at else ""]
            for d in view.disputes
        ],
    )  # fmt: skip
    summary = Table(
        "Statement", ["field", "value"], [list(pair) for pair in _summary(view, contractor)]
    )
    return tables_xlsx([summary, lines, evidence, disputes])
