"""Editing a contract: its fee, the indicators it scores (weight, target) and its
deduction rules. Only the hospital edits (the route's permission); a statement already
computed keeps the lines it was computed with."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    Contract,
    ContractIndicator,
    Contractor,
    DeductionRule,
    RuleKind,
    Team,
)
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import scope_contracts
from server.domain.settlement.rules import HUNDRED
from server.errors import AlreadyExists, InvalidInput, NotFound


def decimal_text(text: str, field: str, *, optional: bool = False) -> str | None:
    """Decimal text as stored: "0.95", "12.5"; a comma or a dot both read as the point."""
    cleaned = text.strip().replace(",", ".")
    if not cleaned and optional:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInput("Give a number, e.g. 0.95.", field=field) from None
    if not value.is_finite() or value < 0:
        raise InvalidInput("Give a number of 0 or more.", field=field)
    return str(value.normalize()) if value else "0"


def cents_of(text: str, field: str) -> int:
    """ "12,500.00" or "12500" -> 1250000 cents; more than two decimals is refused."""
    cleaned = text.strip().replace(",", "").replace(" ", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInput("Give an amount, e.g. 12500.00.", field=field) from None
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        raise InvalidInput("Give an amount of 0 or more, to the cent.", field=field)
    return int(value * HUNDRED)


async def list_contracts(session: AsyncSession, actor: Actor) -> list[tuple[Contract, Contractor]]:
    contracts = (
        await session.scalars(scope_contracts(actor, select(Contract).order_by(col(Contract.code))))
    ).all()
    companies = {
        c.id: c
        for c in await session.scalars(
            select(Contractor).where(col(Contractor.id).in_({c.contractor_id for c in contracts}))
        )
    }
    return [(contract, companies[contract.contractor_id]) for contract in contracts]


async def create_contract(
    session: AsyncSession,
    code: str,
    contractor_id: uuid.UUID,
    service: str,
    starts_on: date,
    fee_cents: int,
) -> Contract:
    code = code.strip().upper()
    if not code or len(code) > 24:
        raise InvalidInput("Give the contract a code of up to 24 characters.", field="code")
    if await session.get(Contractor, contractor_id) is None:
        raise InvalidInput("No such contractor.", field="contractor_id")
    if await session.scalar(select(Contract).where(col(Contract.code) == code)) is not None:
        raise AlreadyExists(f"A contract {code} exists already.")
    contract = Contract(
        code=code,
        contractor_id=contractor_id,
        service=service.strip().lower(),
        starts_on=starts_on,
        monthly_fee_cents=fee_cents,
    )
    session.add(contract)
    await session.flush()
    return contract


async def set_indicator(
    session: AsyncSession, contract: Contract, code: str, weight: int, target: str
) -> ContractIndicator:
    code = code.strip()
    if "." not in code or len(code) > 60:
        raise InvalidInput(
            "An indicator code reads service.name, e.g. security.attendance.", field="code"
        )
    if not 0 <= weight <= 100:
        raise InvalidInput("A weight is a whole number from 0 to 100.", field="weight")
    stored = decimal_text(target, "target")
    assert stored is not None
    indicator = await session.scalar(
        select(ContractIndicator).where(
            col(ContractIndicator.contract_id) == contract.id, col(ContractIndicator.code) == code
        )
    )
    if indicator is None:
        indicator = ContractIndicator(
            contract_id=contract.id, code=code, weight=weight, target=stored
        )
        session.add(indicator)
    else:
        indicator.weight, indicator.target = weight, stored
    await session.flush()
    return indicator


async def remove_indicator(
    session: AsyncSession, contract: Contract, indicator_id: uuid.UUID
) -> None:
    indicator = await session.get(ContractIndicator, indicator_id)
    if indicator is None or indicator.contract_id != contract.id:
        raise NotFound("No such indicator on this contract.")
    await session.delete(indicator)


async def add_rule(
    session: AsyncSession,
    contract: Contract,
    kind: RuleKind,
    indicator_code: str,
    amount_cents: int | None,
    percent: str | None,
    threshold: str | None,
) -> DeductionRule:
    code = indicator_code.strip() or None
    if kind == RuleKind.PER_UNIT and (code is None or amount_cents is None):
        raise InvalidInput(
            "A per-unit rule names an indicator and an amount per unit.", field="amount"
        )
    if kind == RuleKind.PERCENT_PER_POINT and (
        code is None or percent is None or threshold is None
    ):
        raise InvalidInput(
            "A percent-per-point rule names an indicator, a percent and a threshold.",
            field="percent",
        )
    if kind == RuleKind.MONTHLY_CAP:
        code = None
        if (amount_cents is None) == (percent is None):
            raise InvalidInput("A cap is either an amount or a percent of the fee.", field="amount")
    last = await session.scalar(
        select(col(DeductionRule.position))
        .where(col(DeductionRule.contract_id) == contract.id)
        .order_by(col(DeductionRule.position).desc())
        .limit(1)
    )
    rule = DeductionRule(
        contract_id=contract.id,
        position=(last or 0) + 1,
        kind=kind,
        indicator_code=code,
        amount_cents=amount_cents,
        percent=percent,
        threshold=threshold,
    )
    session.add(rule)
    await session.flush()
    return rule


async def remove_rule(session: AsyncSession, contract: Contract, rule_id: uuid.UUID) -> None:
    rule = await session.get(DeductionRule, rule_id)
    if rule is None or rule.contract_id != contract.id:
        raise NotFound("No such rule on this contract.")
    await session.delete(rule)


async def rules_of(session: AsyncSession, contract_id: uuid.UUID) -> list[DeductionRule]:
    return list(
        (
            await session.scalars(
                select(DeductionRule)
                .where(col(DeductionRule.contract_id) == contract_id)
                .order_by(col(DeductionRule.position))
            )
        ).all()
    )


async def contractor_teams(session: AsyncSession, contractor_id: uuid.UUID) -> list[Team]:
    """The maintenance crews that are the contractor's staff: their orders are measured."""
    return list(
        (
            await session.scalars(
                select(Team)
                .where(col(Team.contractor_id) == contractor_id)
                .order_by(col(Team.code))
            )
        ).all()
    )


async def all_teams(session: AsyncSession) -> list[Team]:
    return list((await session.scalars(select(Team).order_by(col(Team.code)))).all())


async def link_team(
    session: AsyncSession, contract: Contract, team_id: uuid.UUID, linked: bool
) -> None:
    """Make a crew the contract's contractor's (or the hospital's own again)."""
    team = await session.get(Team, team_id)
    if team is None:
        raise InvalidInput("No such team.", field="team_id")
    if linked:
        if team.contractor_id not in (None, contract.contractor_id):
            raise InvalidInput("That team is another contractor's.", field="team_id")
        team.contractor_id = contract.contractor_id
    elif team.contractor_id == contract.contractor_id:
        team.contractor_id = None
    await session.flush()
