"""The deduction rules and the weighting as pure arithmetic: exact decimals, each line
rounded once to the cent half-up, caps, and indicators that were not measured."""

from __future__ import annotations

import uuid
from decimal import Decimal

from server.db.models import ContractIndicator, DeductionRule, RuleKind
from server.domain.scorecards.measures import Measure, Unit
from server.domain.scorecards.scorecard import indicator_score, weigh
from server.domain.settlement.rules import cents, draft_lines, money

CONTRACT = uuid.uuid4()


def rule(kind: RuleKind, code: str | None = None, **values: object) -> DeductionRule:
    return DeductionRule(contract_id=CONTRACT, kind=kind, indicator_code=code, **values)


def test_a_half_cent_goes_up_not_to_the_even_cent() -> None:
    assert [cents(Decimal(v)) for v in ("0.5", "1.5", "2.5", "2.4999")] == [1, 2, 3, 2]
    assert money(-515_000) == "-5,150.00"
    assert money(7) == "0.07"


def test_per_unit_above_a_free_allowance() -> None:
    measures = {"security.missed_checkpoints": Measure(23.0, Unit.COUNT, basis=40)}
    lines = draft_lines(
        [
            rule(
                RuleKind.PER_UNIT, "security.missed_checkpoints", amount_cents=2_500, threshold="20"
            )
        ],
        measures,
        18_500_000,
    )
    assert [line.amount_cents for line in lines] == [7_500]  # (23 - 20) x 25.00


def test_percent_per_point_on_a_score_scale_rounds_once() -> None:
    # satisfaction 3.87 against 4.2: 0.33 points x 0.7 % x 1,000.01 = 2.3100231 -> 2.31
    measures = {"satisfaction.average": Measure(3.87, Unit.SCORE, basis=30)}
    lines = draft_lines(
        [rule(RuleKind.PERCENT_PER_POINT, "satisfaction.average", percent="0.7", threshold="4.2")],
        measures,
        100_001,
    )
    assert lines[0].amount_cents == 231
    assert lines[0].measured == "3.8700"


def test_an_indicator_not_measured_deducts_nothing_and_says_so() -> None:
    lines = draft_lines(
        [rule(RuleKind.PERCENT_PER_POINT, "security.attendance", percent="1", threshold="0.98")],
        {"security.attendance": Measure(None, Unit.RATIO)},
        1_000_000,
    )
    assert (lines[0].amount_cents, lines[0].measured) == (0, None)


def test_the_lowest_of_two_caps_decides() -> None:
    measures = {"maintenance.repeat_faults": Measure(10.0, Unit.COUNT, basis=10)}
    rules = [
        rule(RuleKind.PER_UNIT, "maintenance.repeat_faults", amount_cents=50_000, position=1),
        rule(RuleKind.MONTHLY_CAP, amount_cents=300_000, position=2),
        rule(RuleKind.MONTHLY_CAP, percent="2", position=3),  # 2 % of 9,600,000 = 192,000
    ]
    lines = draft_lines(rules, measures, 9_600_000)
    assert [line.amount_cents for line in lines] == [500_000, -308_000, 0]
    assert sum(line.amount_cents for line in lines) == 192_000


def test_weights_are_renormalised_over_what_was_measured() -> None:
    indicators = [
        ContractIndicator(contract_id=CONTRACT, code="a.ratio", weight=1, target="0.9"),
        ContractIndicator(contract_id=CONTRACT, code="b.count", weight=3, target="2"),
        ContractIndicator(contract_id=CONTRACT, code="c.unmeasured", weight=6, target="1"),
    ]
    measures = {
        "a.ratio": Measure(0.45, Unit.RATIO, basis=20),  # 0.45 / 0.9 -> 50.00
        "b.count": Measure(1.0, Unit.COUNT, basis=20),  # under the target -> 100.00
        "c.unmeasured": Measure(None, Unit.RATIO),
    }
    lines, score = weigh(indicators, measures)
    assert [line.score for line in lines] == [Decimal("50.00"), Decimal("100.00"), None]
    assert score == Decimal("87.50")  # (1 x 50 + 3 x 100) / 4, the 6 left out
    assert weigh(indicators, {})[1] is None


def test_lower_is_better_scores_target_over_value() -> None:
    assert indicator_score(Decimal(90), Decimal(30), Unit.MINUTES) == Decimal("33.33")
    assert indicator_score(Decimal(1), Decimal(0), Unit.COUNT) == Decimal("0.00")
    assert indicator_score(Decimal("1.2"), Decimal(1), Unit.RATIO) == Decimal("100.00")
