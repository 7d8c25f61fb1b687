"""Every move the state machine does not allow is refused, from every state."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from server.db.models import Role, WorkOrder, WorkOrderStatus
from server.domain.accounts.actor import Actor
from server.domain.work.states import MOVES
from server.domain.work.workflow import Meta, _move
from server.errors import InvalidTransition


class _Recorder:
    """Collects what the move adds, in place of a database session (no I/O happens)."""

    def __init__(self) -> None:
        self.added: list[Any] = []

    def add(self, row: Any) -> None:
        self.added.append(row)


DESK = Actor(uuid.uuid4(), "D1", "Desk", frozenset({Role.DESK}), None, None, None, frozenset())
CASES = [
    (action, status, status in move.allowed_from)
    for action, move in MOVES.items()
    for status in WorkOrderStatus
]


@pytest.mark.parametrize(("action", "status", "allowed"), CASES, ids=str)
def test_each_action_from_each_state(action: str, status: WorkOrderStatus, allowed: bool) -> None:
    order = WorkOrder(status=status, number="WO-T", priority=3)
    recorder = _Recorder()
    if allowed:
        _move(recorder, order, DESK, action, Meta(), "")  # type: ignore[arg-type]
        expected = MOVES[action].to or status
        assert order.status == expected
        assert recorder.added[-1].action == action
    else:
        with pytest.raises(InvalidTransition) as refused:
            _move(recorder, order, DESK, action, Meta(), "")  # type: ignore[arg-type]
        assert refused.value.code == "invalid_transition"
        assert order.status == status
        assert recorder.added == []


def test_the_loop_reaches_closed_only_through_confirmation() -> None:
    closing = [action for action, move in MOVES.items() if move.to == WorkOrderStatus.CLOSED]
    assert closing == ["rate"]
    assert MOVES["rate"].allowed_from == {WorkOrderStatus.CONFIRMED}
    assert MOVES["confirm"].allowed_from == {WorkOrderStatus.COMPLETED}
