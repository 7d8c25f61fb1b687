"""Applying a contract's deduction rules to a month's measures: the statement's lines.

Money is integer cents; every step is an exact `Decimal`, and each line is rounded ONCE,
to whole cents, half-up (0.5 cent goes up). The total is the sum of the rounded lines,
so the printed lines always add up to the printed total.

* per_unit: (value - threshold, at least 0; threshold 0 when not set) x amount_cents.
* percent_per_point: points = (threshold - value), in percentage points for a RATIO
  (0.95 - 0.90 = 5 points), in the indicator's own scale otherwise; the line is
  fee x percent / 100 x points when the points are above 0.
* monthly_cap: after the other lines, when their sum exceeds the cap (amount_cents, or
  percent of the fee) a line of (cap - sum), negative, brings the total down to the cap.
An indicator that was not measured deducts nothing; its line says so.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from server.db.models import DeductionRule, RuleKind
from server.domain.scorecards.measures import Measure, Unit
from server.domain.scorecards.scorecard import decimal_of

WHOLE = Decimal(1)
HUNDRED = Decimal(100)


def cents(value: Decimal) -> int:
    return int(value.quantize(WHOLE, ROUND_HALF_UP))


def money(amount_cents: int) -> str:
    sign = "-" if amount_cents < 0 else ""
    whole, part = divmod(abs(amount_cents), 100)
    return f"{sign}{whole:,}.{part:02d}"


@dataclass
class DraftLine:
    rule_id: uuid.UUID | None
    rule_kind: str
    rule_text: str
    indicator_code: str | None
    unit: str
    measured: str | None
    basis: int
    amount_cents: int
    evidence: list[dict[str, Any]] = field(default_factory=list)


def evidence_of(measure: Measure | None) -> list[dict[str, Any]]:
    if measure is None:
        return []
    return [
        {
            "kind": item.kind,
            "record_id": str(item.record_id),
            "label": item.label,
            "op_hash": item.op_hash,
        }
        for item in measure.evidence
    ]


def describe(rule: DeductionRule) -> str:
    if rule.kind == RuleKind.PER_UNIT:
        free = f" above {rule.threshold}" if rule.threshold else ""
        return f"{money(rule.amount_cents or 0)} per unit of {rule.indicator_code}{free}"
    if rule.kind == RuleKind.PERCENT_PER_POINT:
        return f"{rule.percent} % of fee per point of {rule.indicator_code} below {rule.threshold}"
    if rule.amount_cents is not None:
        return f"Deductions capped at {money(rule.amount_cents)} a month"
    return f"Deductions capped at {rule.percent} % of the fee a month"


def _per_unit(rule: DeductionRule, value: Decimal) -> Decimal:
    units = max(Decimal(0), value - Decimal(rule.threshold or 0))
    return units * Decimal(rule.amount_cents or 0)


def _per_point(rule: DeductionRule, value: Decimal, unit: Unit, fee_cents: int) -> Decimal:
    points = Decimal(rule.threshold or 0) - value
    if unit == Unit.RATIO:
        points *= HUNDRED
    if points <= 0:
        return Decimal(0)
    return Decimal(fee_cents) * Decimal(rule.percent or 0) / HUNDRED * points


def cap_cents(rule: DeductionRule, fee_cents: int) -> int:
    if rule.amount_cents is not None:
        return rule.amount_cents
    return cents(Decimal(fee_cents) * Decimal(rule.percent or 0) / HUNDRED)


def cap_line_cents(caps: list[int], others: int) -> int:
    """The (negative) amount that brings `others` down to the lowest cap; 0 under it."""
    if not caps:
        return 0
    return min(0, min(caps) - others)


def draft_lines(
    rules: list[DeductionRule], measures: dict[str, Measure], fee_cents: int
) -> list[DraftLine]:
    lines: list[DraftLine] = []
    ordered = sorted(rules, key=lambda r: (r.kind == RuleKind.MONTHLY_CAP, r.position))
    for rule in ordered:
        if rule.kind == RuleKind.MONTHLY_CAP:
            continue
        measure = measures.get(rule.indicator_code or "")
        value = decimal_of(measure.value) if measure and measure.value is not None else None
        amount = 0
        if measure is not None and value is not None:
            if rule.kind == RuleKind.PER_UNIT:
                amount = cents(_per_unit(rule, value))
            else:
                amount = cents(_per_point(rule, value, measure.unit, fee_cents))
        lines.append(
            DraftLine(
                rule.id,
                rule.kind.value,
                describe(rule),
                rule.indicator_code,
                measure.unit.value if measure else "",
                str(value) if value is not None else None,
                measure.basis if measure else 0,
                amount,
                evidence_of(measure),
            )
        )
    caps = [rule for rule in ordered if rule.kind == RuleKind.MONTHLY_CAP]
    others = sum(line.amount_cents for line in lines)
    for index, rule in enumerate(caps):
        # Only the first cap line carries the adjustment: the lowest cap decides.
        amount = (
            cap_line_cents([cap_cents(r, fee_cents) for r in caps], others) if index == 0 else 0
        )
        lines.append(DraftLine(rule.id, rule.kind.value, describe(rule), None, "", None, 0, amount))
    return lines
