"""What the settlement API sends and takes. Money in integer cents; measured values and
scores as decimal text, exactly as stored and hashed."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import msgspec

from server.db.models import Contract, Contractor, LineDispute, StatementLine
from server.domain.scorecards.scorecard import Scorecard
from server.domain.settlement.service import StatementView


class EvidenceOut(msgspec.Struct):
    kind: str
    record_id: str
    label: str
    op_hash: str | None


class ContractOut(msgspec.Struct):
    id: uuid.UUID
    code: str
    contractor_id: uuid.UUID
    contractor: str
    service: str
    starts_on: date
    ends_on: date | None
    monthly_fee_cents: int


class IndicatorOut(msgspec.Struct):
    code: str
    weight: int
    target: str
    unit: str | None
    value: str | None  # None: not measured
    score: str | None
    basis: int
    evidence: list[EvidenceOut]


class ScorecardOut(msgspec.Struct):
    contract_id: uuid.UUID
    month: str
    score: str | None
    indicators: list[IndicatorOut]


class DisputeOut(msgspec.Struct):
    id: uuid.UUID
    line_id: uuid.UUID
    comment: str
    raised_by_id: uuid.UUID
    raised_at: datetime
    outcome: str | None
    new_amount_cents: int | None
    reason: str
    resolved_by_id: uuid.UUID | None
    resolved_at: datetime | None


class LineOut(msgspec.Struct):
    id: uuid.UUID
    position: int
    indicator_code: str | None
    unit: str
    measured: str | None
    basis: int
    rule_id: uuid.UUID | None
    rule_kind: str
    rule_text: str
    computed_cents: int
    amount_cents: int
    adjustment_reason: str
    evidence: list[EvidenceOut]


class StatementOut(msgspec.Struct):
    id: uuid.UUID
    contract_id: uuid.UUID
    contract: str
    contractor_id: uuid.UUID
    month: str
    status: str
    fee_cents: int
    deductions_cents: int
    payable_cents: int
    score: str | None
    issued_at: datetime | None
    responded_at: datetime | None
    frozen_at: datetime | None
    frozen_by_id: uuid.UUID | None
    frozen_hash: str | None
    lines: list[LineOut]
    disputes: list[DisputeOut]


class StatementSummary(msgspec.Struct):
    id: uuid.UUID
    contract: str
    contractor_id: uuid.UUID
    month: str
    status: str
    deductions_cents: int
    payable_cents: int


class MonthScore(msgspec.Struct):
    month: str
    score: str | None  # None: nothing measured that month


class ComputeIn(msgspec.Struct):
    month: str


class DisputeIn(msgspec.Struct):
    comment: str


class ResolveIn(msgspec.Struct):
    outcome: str  # upheld | rejected
    reason: str
    new_amount_cents: int | None = None


class VerifyOut(msgspec.Struct):
    frozen_hash: str | None
    matches: bool


def evidence_out(items: list[dict[str, Any]]) -> list[EvidenceOut]:
    return [
        EvidenceOut(
            str(i.get("kind", "")), str(i.get("record_id", "")), str(i.get("label", "")),
            i.get("op_hash"),
        )
        for i in items
    ]  # fmt: skip


def contract_out(contract: Contract, contractor: Contractor) -> ContractOut:
    return ContractOut(
        contract.id, contract.code, contract.contractor_id, contractor.name, contract.service,
        contract.starts_on, contract.ends_on, contract.monthly_fee_cents,
    )  # fmt: skip


def scorecard_out(card: Scorecard) -> ScorecardOut:
    return ScorecardOut(
        card.contract.id,
        f"{card.month:%Y-%m}",
        str(card.score) if card.score is not None else None,
        [
            IndicatorOut(
                line.code, line.weight, str(line.target),
                line.measure.unit.value if line.measure else None,
                str(line.value) if line.value is not None else None,
                str(line.score) if line.score is not None else None,
                line.measure.basis if line.measure else 0,
                [
                    EvidenceOut(e.kind, str(e.record_id), e.label, e.op_hash)
                    for e in (line.measure.evidence if line.measure else ())
                ],
            )
            for line in card.lines
        ],
    )  # fmt: skip


def _line(line: StatementLine) -> LineOut:
    return LineOut(
        line.id, line.position, line.indicator_code, line.unit, line.measured, line.basis,
        line.rule_id, line.rule_kind, line.rule_text, line.computed_cents, line.amount_cents,
        line.adjustment_reason, evidence_out(line.evidence),
    )  # fmt: skip


def _dispute(d: LineDispute) -> DisputeOut:
    return DisputeOut(
        d.id, d.line_id, d.comment, d.raised_by_id, d.raised_at,
        d.outcome.value if d.outcome else None, d.new_amount_cents, d.reason,
        d.resolved_by_id, d.resolved_at,
    )  # fmt: skip


def statement_out(view: StatementView) -> StatementOut:
    s = view.statement
    return StatementOut(
        s.id, s.contract_id, view.contract.code, s.contractor_id, f"{s.month:%Y-%m}",
        s.status.value, s.fee_cents, s.deductions_cents, s.payable_cents, s.score,
        s.issued_at, s.responded_at, s.frozen_at, s.frozen_by_id,
        s.frozen_hash, [_line(line) for line in view.lines],
        [_dispute(d) for d in view.disputes],
    )  # fmt: skip
