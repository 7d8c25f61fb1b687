"""A contract's scorecard for a month: each configured indicator measured from the records,
scored 0..100 against its target, and weighed.

Scoring an indicator (exact decimals, the score rounded half-up to 2 places):

* higher is better (RATIO, SCORE): 100 * min(1, value / target); a target of 0 scores 100.
* lower is better (COUNT, MINUTES): 100 when value <= target, else 100 * target / value
  (0 when the target is 0).

The month's score is sum(weight * score) / sum(weight) over the indicators measured. An
indicator whose value is None (nothing to measure, or no provider for it) is left out and
the other weights renormalised; it is shown as "not measured", never as 0 or 100.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Contract, ContractIndicator, Contractor
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import scope_contracts
from server.domain.scorecards.measures import Measure, Unit
from server.domain.scorecards.providers import providers_for
from server.errors import NotFound

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
LOWER_IS_BETTER = frozenset({Unit.COUNT, Unit.MINUTES})


def decimal_of(value: float) -> Decimal:
    """A measured float as the exact decimal a reader sees: four places, half-up."""
    return Decimal(repr(value)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def indicator_score(value: Decimal, target: Decimal, unit: Unit) -> Decimal:
    if unit in LOWER_IS_BETTER:
        if value <= target:
            score = HUNDRED
        else:
            score = HUNDRED * target / value if target > 0 else Decimal(0)
    else:
        score = HUNDRED if target <= 0 else HUNDRED * min(Decimal(1), value / target)
    return score.quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class IndicatorLine:
    code: str
    weight: int
    target: Decimal
    measure: Measure | None  # None: no provider of the contract's service measures it
    value: Decimal | None
    score: Decimal | None

    @property
    def measured(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Scorecard:
    contract: Contract
    contractor: Contractor
    month: date
    lines: tuple[IndicatorLine, ...]
    measures: dict[str, Measure]
    score: Decimal | None


async def measure_contract(
    session: AsyncSession, contract: Contract, month: date
) -> dict[str, Measure]:
    measures: dict[str, Measure] = {}
    for provider in providers_for(contract.service):
        measures.update(await provider(session, contract.contractor_id, month))
    return measures


def weigh(
    indicators: list[ContractIndicator], measures: dict[str, Measure]
) -> tuple[tuple[IndicatorLine, ...], Decimal | None]:
    lines: list[IndicatorLine] = []
    for indicator in sorted(indicators, key=lambda i: i.code):
        measure = measures.get(indicator.code)
        target = Decimal(indicator.target)
        if measure is None or measure.value is None:
            lines.append(
                IndicatorLine(indicator.code, indicator.weight, target, measure, None, None)
            )
            continue
        value = decimal_of(measure.value)
        score = indicator_score(value, target, measure.unit)
        lines.append(IndicatorLine(indicator.code, indicator.weight, target, measure, value, score))
    weighed = [line for line in lines if line.score is not None and line.weight > 0]
    total_weight = sum(line.weight for line in weighed)
    if not total_weight:
        return tuple(lines), None
    total = sum(
        (line.weight * line.score for line in weighed if line.score is not None), Decimal(0)
    )
    return tuple(lines), (total / total_weight).quantize(CENT, ROUND_HALF_UP)


async def contract_indicators(
    session: AsyncSession, contract_id: uuid.UUID
) -> list[ContractIndicator]:
    return list(
        (
            await session.scalars(
                select(ContractIndicator).where(col(ContractIndicator.contract_id) == contract_id)
            )
        ).all()
    )


async def visible_contract(session: AsyncSession, actor: Actor, contract_id: uuid.UUID) -> Contract:
    contract = await session.scalar(
        scope_contracts(actor, select(Contract).where(col(Contract.id) == contract_id))
    )
    if contract is None:
        raise NotFound("No such contract among those you may see.")
    return contract


async def scorecard(session: AsyncSession, contract: Contract, month: date) -> Scorecard:
    contractor = await session.get(Contractor, contract.contractor_id)
    assert contractor is not None  # a foreign key
    measures = await measure_contract(session, contract, month)
    lines, score = weigh(await contract_indicators(session, contract.id), measures)
    return Scorecard(contract, contractor, month, lines, measures, score)


def previous_months(month: date, count: int) -> list[date]:
    """`count` months ending with `month`, oldest first."""
    months = []
    year, number = month.year, month.month
    for _ in range(count):
        months.append(date(year, number, 1))
        year, number = (year - 1, 12) if number == 1 else (year, number - 1)
    return months[::-1]


async def history(
    session: AsyncSession, contract: Contract, month: date, count: int = 6
) -> list[tuple[date, Decimal | None]]:
    """The weighted score of each of the `count` months up to `month`, oldest first."""
    indicators = await contract_indicators(session, contract.id)
    out = []
    for first in previous_months(month, count):
        _, score = weigh(indicators, await measure_contract(session, contract, first))
        out.append((first, score))
    return out
