"""Closing the loop: the requester's confirmation, the rating and the desk's callback."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import (
    Attachment,
    Callback,
    Role,
    User,
    WorkOrder,
)
from server.domain.accounts.actor import Actor
from server.domain.work.audience import tell, users_with_role
from server.domain.work.workflow.core import (
    DESK,
    POOR_RATING,
    Meta,
    _event,
    _move,
    _require,
    load,
)
from server.domain.work.workflow.loop import reopen
from server.errors import (
    InvalidConfirmation,
    InvalidInput,
    InvalidTransition,
    NotFound,
    NotRequestingDepartment,
)


async def confirm(
    session: AsyncSession,
    actor: Actor,
    meta: Meta,
    order: WorkOrder,
    employee_no: str,
    signature_sha256: str,
) -> None:
    """The requester confirms on the spot: their employee number and signature, checked
    here: the person exists and belongs to the requesting department."""
    person = await session.scalar(select(User).where(col(User.employee_no) == employee_no.strip()))
    if person is None or not person.active:
        raise InvalidConfirmation(f"No colleague has the employee number {employee_no!r}.")
    if order.department_id is None or person.department_id != order.department_id:
        raise InvalidConfirmation("The person confirming must belong to the requesting department.")
    _move(session, order, actor, "confirm", meta, f"by {person.name}")
    order.confirmed_at, order.confirmed_by_id = meta.when, person.id
    order.signature_sha256 = signature_sha256
    session.add(
        Attachment(
            work_order_id=order.id, sha256=signature_sha256, kind="signature", op_id=meta.op_id
        )
    )


async def rate(
    session: AsyncSession,
    actor: Actor,
    meta: Meta,
    order: WorkOrder,
    score: int,
    comment: str,
    fixed: bool,
) -> Callback | None:
    """Only the requesting department rates, with no default; a poor rating or "not
    fixed" opens a callback for the desk."""
    if order.department_id is None or actor.department_id != order.department_id:
        raise NotRequestingDepartment("Only the requesting department rates a repair.")
    if not 1 <= score <= 5:
        raise InvalidInput("A rating runs from 1 to 5.", field="score")
    _move(session, order, actor, "rate", meta, f"{score}/5")
    order.rating, order.rating_comment, order.fixed, order.closed_at = (
        score,
        comment.strip(),
        fixed,
        meta.when,
    )
    if score > POOR_RATING and fixed:
        return None
    reason = "not fixed" if not fixed else f"rated {score}/5"
    callback = Callback(work_order_id=order.id, reason=f"{reason}: {comment.strip()}"[:200])
    session.add(callback)
    desk = await users_with_role(session, Role.DESK)
    await tell(session, desk, "poor_rating", f"{reason}: call the department back", order, comment)
    return callback


async def record_callback(
    session: AsyncSession,
    actor: Actor,
    meta: Meta,
    callback_id: uuid.UUID,
    outcome: str,
    note_text: str,
) -> Callback:
    _require(actor, DESK, "record callbacks")
    callback = await session.get(Callback, callback_id, with_for_update=True)
    if callback is None:
        raise NotFound("No such callback.")
    if callback.status != "open":
        raise InvalidTransition("This callback was already made.")
    if outcome not in {"reopen", "explained", "escalated"}:
        raise InvalidInput("The outcome is reopen, explained or escalated.", field="outcome")
    callback.status, callback.outcome, callback.note = "done", outcome, note_text.strip()
    callback.called_by_id, callback.called_at = actor.user_id, meta.when
    order = await load(session, actor, callback.work_order_id)
    _event(session, order, actor, "callback", meta, None, f"{outcome}: {note_text}")
    if outcome == "reopen":
        await reopen(session, actor, meta, order, f"callback: {note_text}")
    return callback
