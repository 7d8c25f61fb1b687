"""The pure stock rules: first expired first out, alert crossings, lot warnings."""

from __future__ import annotations

import doctest
from datetime import date

from server.domain.stock import alerts, fefo, parts
from server.domain.stock.fefo import LotStock, suggest, warnings_for


def test_doctests_pass() -> None:
    for module in (fefo, alerts, parts):
        assert doctest.testmod(module).failed == 0, module.__name__


def test_a_recalled_lot_is_never_suggested_even_when_it_expires_first() -> None:
    today = date(2026, 12, 1)
    lots = [LotStock("R1", date(2027, 1, 1), 9, recalled=True), LotStock("N1", None, 1)]
    chosen = suggest(lots, today)
    assert chosen is not None
    assert chosen.lot == "N1"
    assert warnings_for(lots[0], today, 45) == ["recalled", "expiring"]
    assert suggest([LotStock("E", date(2026, 11, 30), 5)], today) is None
