"""The statement's life: computed as a draft, issued, accepted or disputed line by line by
the contractor's manager, each dispute resolved by the hospital, then frozen.

    draft -> issued -> accepted ----------------------> frozen
                    -> disputed -> resolved (all answered) -> frozen

A draft may be computed again (it is replaced); from issue on, only a dispute's outcome
changes a line's amount. A frozen statement never changes: every action refuses it.
Who may act is the route's permission; whose statements they reach is `scope_statements`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    Contract,
    DeductionRule,
    DisputeOutcome,
    LineDispute,
    RuleKind,
    SettlementStatement,
    StatementLine,
    StatementStatus,
)
from server.db.types import utcnow
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import scope_statements
from server.domain.scorecards.scorecard import scorecard
from server.domain.settlement.freeze import statement_hash
from server.domain.settlement.rules import cap_cents, cap_line_cents, draft_lines
from server.errors import InvalidInput, InvalidTransition, NotFound

S = StatementStatus


@dataclass(frozen=True)
class StatementView:
    statement: SettlementStatement
    contract: Contract
    lines: list[StatementLine]
    disputes: list[LineDispute]

    def disputes_of(self, line_id: uuid.UUID) -> list[LineDispute]:
        return [d for d in self.disputes if d.line_id == line_id]


async def _rules(session: AsyncSession, contract_id: uuid.UUID) -> list[DeductionRule]:
    return list(
        (
            await session.scalars(
                select(DeductionRule).where(col(DeductionRule.contract_id) == contract_id)
            )
        ).all()
    )


async def compute_draft(
    session: AsyncSession, actor: Actor, contract: Contract, month: date
) -> SettlementStatement:
    """The month's draft statement of `contract`, computed afresh from the records."""
    month = month.replace(day=1)
    if month < contract.starts_on.replace(day=1) or (
        contract.ends_on is not None and month > contract.ends_on
    ):
        raise InvalidInput(
            f"Contract {contract.code} does not run in {month:%Y-%m}.", field="month"
        )
    existing = await session.scalar(
        select(SettlementStatement).where(
            col(SettlementStatement.contract_id) == contract.id,
            col(SettlementStatement.month) == month,
        )
    )
    if existing is not None and existing.status != S.DRAFT:
        raise InvalidTransition(
            f"The statement of {month:%Y-%m} is {existing.status.value}; only a draft is "
            "computed again."
        )
    card = await scorecard(session, contract, month)
    drafted = draft_lines(
        await _rules(session, contract.id), card.measures, contract.monthly_fee_cents
    )
    now = utcnow()
    if existing is None:
        statement = SettlementStatement(
            contract_id=contract.id,
            contractor_id=contract.contractor_id,
            month=month,
            fee_cents=contract.monthly_fee_cents,
            computed_at=now,
        )
        session.add(statement)
    else:
        statement = existing
        await session.execute(
            delete(StatementLine).where(col(StatementLine.statement_id) == statement.id)
        )
        statement.fee_cents = contract.monthly_fee_cents
        statement.computed_at = now
    statement.computed_by_id = actor.user_id
    statement.score = str(card.score) if card.score is not None else None
    total = sum(line.amount_cents for line in drafted)
    statement.deductions_cents = total
    statement.payable_cents = statement.fee_cents - total
    await session.flush()
    for position, line in enumerate(drafted, start=1):
        session.add(
            StatementLine(
                statement_id=statement.id,
                position=position,
                indicator_code=line.indicator_code,
                unit=line.unit,
                measured=line.measured,
                basis=line.basis,
                rule_id=line.rule_id,
                rule_kind=line.rule_kind,
                rule_text=line.rule_text,
                computed_cents=line.amount_cents,
                amount_cents=line.amount_cents,
                evidence=line.evidence,
            )
        )
    await session.flush()
    return statement


async def visible_statement(
    session: AsyncSession, actor: Actor, statement_id: uuid.UUID
) -> SettlementStatement:
    statement = await session.scalar(
        scope_statements(
            actor, select(SettlementStatement).where(col(SettlementStatement.id) == statement_id)
        )
    )
    if statement is None:
        raise NotFound("No such statement among those you may see.")
    return statement


async def view(session: AsyncSession, statement: SettlementStatement) -> StatementView:
    contract = await session.get(Contract, statement.contract_id)
    assert contract is not None
    lines = (
        await session.scalars(
            select(StatementLine)
            .where(col(StatementLine.statement_id) == statement.id)
            .order_by(col(StatementLine.position))
        )
    ).all()
    disputes = (
        await session.scalars(
            select(LineDispute)
            .where(col(LineDispute.statement_id) == statement.id)
            .order_by(col(LineDispute.raised_at))
        )
    ).all()
    return StatementView(statement, contract, list(lines), list(disputes))


async def list_statements(
    session: AsyncSession, actor: Actor, month: date | None = None
) -> list[tuple[SettlementStatement, Contract]]:
    stmt = select(SettlementStatement)
    if month is not None:
        stmt = stmt.where(col(SettlementStatement.month) == month)
    statements = (await session.scalars(scope_statements(actor, stmt))).all()
    contracts = {
        c.id: c
        for c in await session.scalars(
            select(Contract).where(col(Contract.id).in_({s.contract_id for s in statements}))
        )
    }
    pairs = [(s, contracts[s.contract_id]) for s in statements]
    return sorted(pairs, key=lambda pair: (-pair[0].month.toordinal(), pair[1].code))


def outcome_of(text: str) -> DisputeOutcome:
    try:
        return DisputeOutcome(text.strip().lower())
    except ValueError:
        raise InvalidInput("The outcome is upheld or rejected.", field="outcome") from None


def _expect(statement: SettlementStatement, *allowed: StatementStatus) -> None:
    if statement.status == S.FROZEN:
        raise InvalidTransition("The statement is frozen; it never changes.")
    if statement.status not in allowed:
        raise InvalidTransition(
            f"The statement is {statement.status.value}; this needs it "
            + " or ".join(s.value for s in allowed)
            + "."
        )


async def issue(session: AsyncSession, actor: Actor, statement: SettlementStatement) -> None:
    _expect(statement, S.DRAFT)
    statement.status = S.ISSUED
    statement.issued_at = utcnow()
    statement.issued_by_id = actor.user_id


async def accept(session: AsyncSession, actor: Actor, statement: SettlementStatement) -> None:
    """The contractor's manager accepts every line as it stands."""
    _expect(statement, S.ISSUED)
    statement.status = S.ACCEPTED
    statement.responded_at = utcnow()
    statement.responded_by_id = actor.user_id


async def dispute(
    session: AsyncSession,
    actor: Actor,
    statement: SettlementStatement,
    line_id: uuid.UUID,
    comment: str,
) -> LineDispute:
    """The contractor's manager disputes one line, saying why; more lines may follow."""
    _expect(statement, S.ISSUED, S.DISPUTED)
    comment = comment.strip()
    if not comment:
        raise InvalidInput("Say why the line is disputed.", field="comment")
    if len(comment) > 1000:
        raise InvalidInput("The comment is at most 1000 characters.", field="comment")
    line = await session.get(StatementLine, line_id)
    if line is None or line.statement_id != statement.id:
        raise NotFound("No such line on this statement.")
    open_already = await session.scalar(
        select(LineDispute).where(
            col(LineDispute.line_id) == line_id, col(LineDispute.outcome).is_(None)
        )
    )
    if open_already is not None:
        raise InvalidTransition("This line is already disputed and waits for the hospital.")
    now = utcnow()
    raised = LineDispute(
        statement_id=statement.id,
        line_id=line_id,
        comment=comment,
        raised_by_id=actor.user_id,
        raised_at=now,
    )
    session.add(raised)
    statement.status = S.DISPUTED
    statement.responded_at = now
    statement.responded_by_id = actor.user_id
    await session.flush()
    return raised


async def _retotal(session: AsyncSession, statement: SettlementStatement) -> None:
    """Sum the lines again after an amount changed; a cap line follows the others."""
    current = await view(session, statement)
    rules = {r.id: r for r in await _rules(session, statement.contract_id)}
    cap_lines = [line for line in current.lines if line.rule_kind == RuleKind.MONTHLY_CAP.value]
    others = sum(
        line.amount_cents for line in current.lines if line.rule_kind != RuleKind.MONTHLY_CAP.value
    )
    caps = [
        cap_cents(rules[line.rule_id], statement.fee_cents)
        for line in cap_lines
        if line.rule_id in rules
    ]
    for index, line in enumerate(cap_lines):
        line.amount_cents = cap_line_cents(caps, others) if index == 0 else 0
        line.computed_cents = line.amount_cents
    total = others + sum(line.amount_cents for line in cap_lines)
    statement.deductions_cents = total
    statement.payable_cents = statement.fee_cents - total


async def resolve(
    session: AsyncSession,
    actor: Actor,
    statement: SettlementStatement,
    dispute_id: uuid.UUID,
    outcome: DisputeOutcome,
    reason: str,
    new_amount_cents: int | None,
) -> None:
    """The hospital answers a dispute: upheld changes (or waives, 0) the line's amount,
    rejected leaves it; a reason either way. When none is left open: resolved."""
    _expect(statement, S.DISPUTED)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("Give the reason for the decision.", field="reason")
    found = await session.get(LineDispute, dispute_id)
    if found is None or found.statement_id != statement.id:
        raise NotFound("No such dispute on this statement.")
    if found.outcome is not None:
        raise InvalidTransition("This dispute has already been resolved.")
    line = await session.get(StatementLine, found.line_id)
    assert line is not None
    if outcome == DisputeOutcome.UPHELD:
        if new_amount_cents is None or new_amount_cents < 0:
            raise InvalidInput(
                "An upheld dispute sets the line's new amount (0 waives it).", field="amount"
            )
        if new_amount_cents > line.amount_cents:
            raise InvalidInput(
                "Upholding a dispute cannot raise the line's amount.", field="amount"
            )
        line.amount_cents = new_amount_cents
        line.adjustment_reason = reason
    found.outcome = outcome
    found.reason = reason
    found.new_amount_cents = new_amount_cents if outcome == DisputeOutcome.UPHELD else None
    found.resolved_by_id = actor.user_id
    found.resolved_at = utcnow()
    await session.flush()
    await _retotal(session, statement)
    still_open = await session.scalar(
        select(LineDispute).where(
            col(LineDispute.statement_id) == statement.id, col(LineDispute.outcome).is_(None)
        )
    )
    if still_open is None:
        statement.status = S.RESOLVED
    await session.flush()


async def freeze(session: AsyncSession, actor: Actor, statement: SettlementStatement) -> str:
    _expect(statement, S.ACCEPTED, S.RESOLVED)
    statement.status = S.FROZEN
    statement.frozen_at = utcnow().replace(microsecond=0)
    statement.frozen_by_id = actor.user_id
    await session.flush()
    current = await view(session, statement)
    statement.frozen_hash = statement_hash(statement, current.lines, current.disputes)
    await session.flush()
    return statement.frozen_hash


async def verify(session: AsyncSession, statement: SettlementStatement) -> bool:
    """Whether the stored rows still hash to the hash stored when it was frozen."""
    if statement.frozen_hash is None:
        return False
    current = await view(session, statement)
    return statement_hash(statement, current.lines, current.disputes) == statement.frozen_hash
