"""The arithmetic of stock analytics on figures worked out by hand."""

from __future__ import annotations

from datetime import date

from server.domain.stock.analytics import (
    abc_classes,
    daily_on_hand,
    turnover_days,
    twelve_months_before,
)
from server.domain.stock.desk import suggested_quantity


def test_abc_splits_at_80_and_95_percent_of_value() -> None:
    # 10000 + 1600 + 300 = 11900: the first item is A (0 % before it), the second B (84 %
    # before it), the third C (97.5 % before it); an item that consumed nothing is C.
    assert abc_classes({"Q": 10_000, "S": 1_600, "P": 300, "R": 0}) == {
        "Q": "A",
        "S": "B",
        "P": "C",
        "R": "C",
    }
    # The item that crosses 80 % is still A: 50 before the second of 50 + 40 + 10.
    assert abc_classes({"x": 50, "y": 40, "z": 10}) == {"x": "A", "y": "A", "z": "B"}
    assert abc_classes({"only": 0}) == {"only": "C"}


def test_on_hand_at_each_days_end_and_turnover_days() -> None:
    ends = daily_on_hand(10, {11: -4, 21: 1}, 31)
    assert ends == [10] * 10 + [6] * 10 + [7] * 11
    assert sum(ends) == 237
    # Average 237/31 over a daily consumption of 3/31: 79 days of stock.
    assert turnover_days(sum(ends) / 31, 3, 31) == 79.0
    assert turnover_days(5.0, 0, 31) is None


def test_the_twelve_months_that_end_with_a_month() -> None:
    assert twelve_months_before(date(2032, 5, 1)).date() == date(2031, 6, 1)
    assert twelve_months_before(date(2032, 12, 1)).date() == date(2032, 1, 1)


def test_the_suggested_reorder_brings_stock_to_reorder_point_plus_safety() -> None:
    assert suggested_quantity(3, 10, 4) == 11
    assert suggested_quantity(20, 10, 4) == 1
