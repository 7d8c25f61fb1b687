"""The device's inbox: the signed-in user's rejected and conflicting ops, with what to do."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import SyncOp
from server.errors import (
    OP_REFUSALS,
    DeviceRequired,
    Forbidden,
    InvalidConfirmation,
    InvalidInput,
    InvalidSubscription,
    InvalidTransition,
    NotAssignee,
    NotFound,
    NotRequestingDepartment,
    PushEndpointNotPublic,
    RoundsError,
)

# The errors of the modules the op handlers use, which a handler passes on as its refusal
# (`Rejected(exc.code, ...)`); tests/unit/test_outcome_codes.py finds every one they raise.
HANDLER_ERRORS: tuple[type[RoundsError], ...] = (
    DeviceRequired,
    Forbidden,
    InvalidConfirmation,
    InvalidInput,
    InvalidSubscription,
    InvalidTransition,
    NotAssignee,
    NotFound,
    NotRequestingDepartment,
    PushEndpointNotPublic,
)

ADVICE = {
    "conflict": "The desk has both versions and will decide; nothing you recorded is lost.",
    "seq_reused": "This action was sent twice under different ids; the desk can re-submit it.",
    "unknown_op": "Update the app; the desk can re-submit this action.",
}
DEFAULT_ADVICE = "Nothing you recorded is lost: the desk can correct and re-submit this action."


def outcome_codes() -> list[str]:
    """Every `code` a rejected or conflicting op can carry into the inbox (the field app
    translates each: server/field_app/rules.py hands it the list)."""
    return sorted({*OP_REFUSALS, *(error.code for error in HANDLER_ERRORS)})


class InboxEntry(msgspec.Struct):
    op_id: uuid.UUID
    name: str
    seq: int
    status: str
    code: str | None
    message: str | None
    conflict_id: uuid.UUID | None
    received_at: datetime
    advice: str
    args: dict[str, Any]


async def device_inbox(
    session: AsyncSession, device_id: uuid.UUID, user_id: uuid.UUID
) -> list[InboxEntry]:
    """The user's own unresolved ops sent from this device: a shared phone changes hands
    between shifts, and one person's refused work is not the next person's to read."""
    rows = await session.scalars(
        select(SyncOp)
        .where(
            col(SyncOp.device_id) == device_id,
            col(SyncOp.user_id) == user_id,
            col(SyncOp.status).in_(("rejected", "conflict")),
            col(SyncOp.resolved_at).is_(None),
        )
        .order_by(col(SyncOp.received_at))
        .limit(200)
    )
    entries = []
    for row in rows:
        raw = msgspec.json.decode(row.raw.encode()) if row.raw else {}
        args = raw.get("args", {}) if isinstance(raw, dict) else {}
        entries.append(
            InboxEntry(
                op_id=row.op_id,
                name=row.name,
                seq=row.seq,
                status=row.status,
                code=row.code,
                message=row.message,
                conflict_id=row.conflict_id,
                received_at=row.received_at,
                advice=ADVICE.get(row.code or "", DEFAULT_ADVICE)
                if row.status == "rejected"
                else ADVICE["conflict"],
                args=args if isinstance(args, dict) else {},
            )
        )
    return entries
