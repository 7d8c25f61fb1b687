"""Audits of cleans by a supervisor or infection control: each item passed or failed (a
fluorescent marker removed, an ATP swab at or under the threshold, a visual check), the
share passed as the score (0..100), and a re-clean request that opens a new task."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import AuditKind, CleaningAudit
from server.domain.accounts.actor import Actor
from server.domain.cleaning.op_args import AuditItem
from server.domain.cleaning.records import visible_task
from server.domain.cleaning.requests import reclean
from server.domain.cleaning.terms import ATP_PASS_RLU
from server.domain.patrol.records import Meta
from server.errors import InvalidInput


def judge(item: AuditItem) -> dict[str, Any]:
    """An item as stored: an ATP result is judged by its RLU, the others as the auditor said.

    >>> judge(AuditItem("bed_rail", "atp", rlu=180))["passed"]
    True
    >>> judge(AuditItem("bed_rail", "atp", rlu=400))["passed"]
    False
    """
    if item.method == "atp":
        if item.rlu is None:
            raise InvalidInput(f"The ATP result of {item.item} needs its RLU.", field="items")
        passed = item.rlu <= ATP_PASS_RLU
    else:
        if item.passed is None:
            raise InvalidInput(f"Say whether {item.item} passed.", field="items")
        passed = item.passed
    return {"item": item.item, "method": item.method, "passed": passed, "rlu": item.rlu}


def score_of(items: list[dict[str, Any]]) -> int:
    """The share of items passed, 0..100, rounded half up.

    >>> score_of([{"passed": True}, {"passed": True}, {"passed": False}])
    67
    """
    passed = sum(1 for item in items if item["passed"])
    return (200 * passed + len(items)) // (2 * len(items))


async def audit(
    session: AsyncSession,
    actor: Actor,
    meta: Meta,
    *,
    audit_id: uuid.UUID,
    task_id: uuid.UUID,
    kind: AuditKind,
    items: list[AuditItem],
    note: str = "",
    reclean_task_id: uuid.UUID | None = None,
) -> CleaningAudit:
    existing = await session.get(CleaningAudit, audit_id)
    if existing is not None:
        return existing
    task = await visible_task(session, actor, task_id)
    judged = [judge(item) for item in items]
    row = CleaningAudit(
        id=audit_id,
        task_id=task.id,
        room_id=task.room_id,
        site_id=task.site_id,
        contractor_id=task.contractor_id,
        auditor_id=actor.user_id,
        kind=kind,
        items=judged,
        score=score_of(judged),
        note=note[:400],
        reclean_task_id=reclean_task_id,
        audited_at=meta.when,
        received_at=meta.received_at,
        op_id=meta.op_id,
        op_hash=meta.op_hash,
    )
    session.add(row)
    if reclean_task_id is not None and await session.get(type(task), reclean_task_id) is None:
        again = reclean(task, reclean_task_id, audit_id, meta.when)
        again.requested_by_id = actor.user_id
        again.request_op_hash = meta.op_hash
        session.add(again)
    await session.flush()
    return row
