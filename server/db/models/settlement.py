"""Contracts with outside contractors and the monthly settlement statements made of them.

Money is kept in integer cents; rates, percentages and thresholds as decimal text (exact,
the same on both databases). A statement's lines quote the records they were computed
from (`evidence`), and a frozen statement carries the SHA-256 of its canonical form
(server/domain/settlement/freeze.py), so it can be checked against the server later.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field

from server.db.models.base import Entity
from server.db.types import UTCDateTime, string_enum


class Contract(Entity, table=True):
    """What a contractor is paid a month for one service, between two dates."""

    code: str = Field(unique=True, max_length=24)
    contractor_id: uuid.UUID = Field(foreign_key="contractor.id", index=True)
    service: str = Field(max_length=40)  # the provider registry's key: security, maintenance...
    starts_on: date
    ends_on: date | None = None
    monthly_fee_cents: int


class ContractIndicator(Entity, table=True):
    """An indicator the contract scores, with its weight and the value it aims at."""

    __tablename__ = "contract_indicator"
    __table_args__ = (UniqueConstraint("contract_id", "code"),)

    contract_id: uuid.UUID = Field(foreign_key="contract.id", index=True, ondelete="CASCADE")
    code: str = Field(max_length=60)  # "security.round_completion"
    weight: int = 1
    target: str = Field(max_length=24)  # decimal text in the indicator's unit (0.95, 3, 4.2)


class RuleKind(StrEnum):
    PER_UNIT = "per_unit"  # amount_cents per unit of a COUNT indicator
    PERCENT_PER_POINT = "percent_per_point"  # percent of fee per point below threshold
    MONTHLY_CAP = "monthly_cap"  # all deductions together at most amount_cents / percent


class DeductionRule(Entity, table=True):
    __tablename__ = "deduction_rule"

    contract_id: uuid.UUID = Field(foreign_key="contract.id", index=True, ondelete="CASCADE")
    position: int = 0
    kind: RuleKind = Field(sa_type=string_enum(RuleKind, 24))
    indicator_code: str | None = Field(default=None, max_length=60)
    amount_cents: int | None = None
    percent: str | None = Field(default=None, max_length=24)  # decimal text, 0.5 = 0.5 %
    threshold: str | None = Field(default=None, max_length=24)  # in the indicator's unit


class StatementStatus(StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    ACCEPTED = "accepted"
    DISPUTED = "disputed"
    RESOLVED = "resolved"
    FROZEN = "frozen"


class SettlementStatement(Entity, table=True):
    __tablename__ = "settlement_statement"
    __table_args__ = (UniqueConstraint("contract_id", "month"),)

    contract_id: uuid.UUID = Field(foreign_key="contract.id", index=True)
    # Kept on the statement so scoping needs no join.
    contractor_id: uuid.UUID = Field(foreign_key="contractor.id", index=True)
    month: date  # its first day
    status: StatementStatus = Field(
        default=StatementStatus.DRAFT, sa_type=string_enum(StatementStatus, 16), index=True
    )
    fee_cents: int
    deductions_cents: int = 0
    payable_cents: int = 0
    score: str | None = Field(default=None, max_length=24)  # weighted score 0..100, text
    computed_at: datetime = Field(sa_type=UTCDateTime)
    computed_by_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    issued_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    issued_by_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    responded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    responded_by_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    frozen_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    frozen_by_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    frozen_hash: str | None = Field(default=None, max_length=64)


class StatementLine(Entity, table=True):
    """One rule applied to one indicator's month: what was measured, what it costs, and
    the records it stands on (kind, record_id, label, op_hash)."""

    __tablename__ = "statement_line"

    statement_id: uuid.UUID = Field(
        foreign_key="settlement_statement.id", index=True, ondelete="CASCADE"
    )
    position: int
    indicator_code: str | None = Field(default=None, max_length=60)
    unit: str = Field(default="", max_length=16)
    measured: str | None = Field(default=None, max_length=24)  # decimal text; None: not measured
    basis: int = 0
    rule_id: uuid.UUID | None = Field(default=None, foreign_key="deduction_rule.id")
    rule_kind: str = Field(max_length=24)
    rule_text: str = Field(default="", max_length=240)
    computed_cents: int  # what the rule gave, kept when a dispute changes `amount_cents`
    amount_cents: int
    adjustment_reason: str = Field(default="", max_length=400)
    evidence: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))


class DisputeOutcome(StrEnum):
    UPHELD = "upheld"  # the contractor is right: the line's amount changes (or is waived)
    REJECTED = "rejected"  # the line stands


class LineDispute(Entity, table=True):
    __tablename__ = "line_dispute"

    statement_id: uuid.UUID = Field(foreign_key="settlement_statement.id", index=True)
    line_id: uuid.UUID = Field(foreign_key="statement_line.id", index=True)
    comment: str = Field(max_length=1000)
    raised_by_id: uuid.UUID = Field(foreign_key="app_user.id")
    raised_at: datetime = Field(sa_type=UTCDateTime)
    outcome: DisputeOutcome | None = Field(default=None, sa_type=string_enum(DisputeOutcome, 16))
    new_amount_cents: int | None = None
    reason: str = Field(default="", max_length=1000)
    resolved_by_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id")
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
