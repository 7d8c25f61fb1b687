"""The field app's copy of the server's rules (pwa/src/shared/rules.js) is current, says what
the server's tables say, and the assignee-only actions are the ones the workflow guards."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from server.db.models import Role, WorkOrder, WorkOrderStatus
from server.domain.accounts.actor import Actor
from server.domain.stock.op_args import AdjustReason
from server.domain.work import workflow as wf
from server.domain.work.states import ASSIGNEE_ONLY, MOVES
from server.errors import NotAssignee
from server.field_app.__main__ import main
from server.field_app.precache import PWA_DIR
from server.field_app.rules import OUTPUT, render, rules


def committed_rules() -> dict[str, Any]:
    text = (PWA_DIR / OUTPUT).read_text()
    body = text.split("export default Object.freeze(", 1)[1].rstrip().removesuffix(");")
    parsed: dict[str, Any] = json.loads(body)
    return parsed


def test_the_committed_rules_are_current() -> None:
    assert (PWA_DIR / OUTPUT).read_text() == render(rules()), "run `make pwa-rules`"


def test_the_rules_say_what_the_server_does() -> None:
    data = committed_rules()
    for action, move in MOVES.items():
        assert set(data["moves"][action]["from"]) == {s.value for s in move.allowed_from}
        assert data["moves"][action]["to"] == (move.to.value if move.to else None)
    assert data["sla_minutes"]["1"] == {"response": 30, "resolution": 240}
    assert data["desk_roles"] == ["admin", "desk", "supervisor"]
    assert data["ops"]["work_order.rate@1"]["roles"] == ["requester"]
    assert "technician" in data["ops"]["work_order.start@1"]["roles"]
    assert "unknown_work_order" in data["outcome_codes"]
    assert data["stock"]["adjust_reasons"] == [reason.value for reason in AdjustReason]
    assert data["stock"]["expiry_warning_days"] == 30  # ROUNDS_STOCK_EXPIRY_WARNING_DAYS's default


def test_the_command_writes_then_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pwa = tmp_path / "pwa"
    (pwa / OUTPUT).parent.mkdir(parents=True)
    assert main(["rules", "--check", "--pwa-dir", str(pwa)]) == 1
    assert "stale: run `make pwa-rules`" in capsys.readouterr().out
    assert main(["rules", "--pwa-dir", str(pwa)]) == 0
    assert main(["rules", "--check", "--pwa-dir", str(pwa)]) == 0
    (pwa / OUTPUT).write_text((pwa / OUTPUT).read_text().replace('"on_hold"', '"paused"'))
    assert main(["rules", "--check", "--pwa-dir", str(pwa)]) == 1


class _Recorder:
    """Collects what a step adds, in place of a database session (no I/O happens)."""

    def __init__(self) -> None:
        self.added: list[Any] = []

    def add(self, row: Any) -> None:
        self.added.append(row)


Step = Callable[[Any, Actor, WorkOrder], Awaitable[object] | object]
# Each technician action of the workflow, called as the op handlers call it.
STEPS: dict[str, Step] = {
    **{
        action: lambda s, a, o, action=action: wf.technician_step(s, a, wf.Meta(), o, action)
        for action in ("accept", "start", "hold", "resume")
    },
    "complete": lambda s, a, o: wf.complete(s, a, wf.Meta(), o, "Replaced the fuse"),
    "log_labour": lambda s, a, o: wf.log_labour(s, a, wf.Meta(), o, 30, "technician"),
    "add_part": lambda s, a, o: wf.add_part(s, a, wf.Meta(), o, uuid.uuid4(), 1),
    "attach": lambda s, a, o: wf.attach(s, a, wf.Meta(), o, "a" * 64, "photo"),
    "note": lambda s, a, o: wf.note(s, a, wf.Meta(), o, "Called the ward"),
    "inspect": lambda s, a, o: wf.record_inspection(s, a, wf.Meta(), o, "[]"),
}
OTHER = Actor(
    uuid.uuid4(), "T9", "Other Tech", frozenset({Role.TECHNICIAN}), None, None, None, frozenset()
)


@pytest.mark.parametrize("action", sorted(STEPS))
def test_only_the_assignee_may_take_the_assignee_only_actions(action: str) -> None:
    allowed = MOVES[action].allowed_from if action in MOVES else {WorkOrderStatus.IN_PROGRESS}
    order = WorkOrder(
        status=sorted(allowed)[0], number="WO-T", priority=3, assignee_id=uuid.uuid4()
    )
    recorder = _Recorder()

    async def attempt() -> None:
        outcome = STEPS[action](recorder, OTHER, order)
        if asyncio.iscoroutine(outcome):
            await outcome

    if action in ASSIGNEE_ONLY:
        with pytest.raises(NotAssignee):
            asyncio.run(attempt())
        assert recorder.added == []
    else:
        asyncio.run(attempt())
        assert recorder.added, f"{action} by someone who is not the assignee is recorded"


def test_every_assignee_only_action_is_checked() -> None:
    assert STEPS.keys() >= ASSIGNEE_ONLY


def test_the_patrol_words_are_the_servers() -> None:
    from server.db.models import ExpectedStatus, ScanMethod
    from server.domain.patrol.field_terms import INCIDENT_CATEGORIES, SCAN_OUTCOMES

    patrol = committed_rules()["patrol"]
    assert patrol["scan_methods"] == [m.value for m in ScanMethod]
    assert patrol["incident_categories"] == list(INCIDENT_CATEGORIES)
    assert patrol["scan_outcomes"] == list(SCAN_OUTCOMES)
    assert patrol["expected_statuses"] == [s.value for s in ExpectedStatus]
