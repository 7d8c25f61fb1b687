"""Keys the board, order page and callback queue build from a value (two-part prefixes, which
the catalogue test's enum check does not cover): every value has its message."""

from __future__ import annotations

from server.console.callbacks import OUTCOMES
from server.console.i18n import MESSAGES
from server.domain.work.board import GROUPS
from server.domain.work.states import MOVES


def test_every_built_key_of_the_board_pages_is_in_the_catalogue() -> None:
    keys = {f"order.action.{action}" for action in {*MOVES, "report", "callback"}}
    keys |= {f"board.group.{group}" for group in GROUPS}
    keys |= {f"callbacks.outcome.{outcome}" for outcome in OUTCOMES}
    assert sorted(keys - MESSAGES.keys()) == []
