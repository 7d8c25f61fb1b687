"""The repair loop's state machine: which action moves an order from which states to which.

reported -> dispatched -> accepted_by_team -> accepted -> in_progress <-> on_hold
-> completed -> confirmed -> closed; cancelled from any open state; reopened after
completion. Actions that record without moving (labour, parts, photos, notes) list the
states they are allowed in and keep the status.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.db.models import WorkOrderStatus as S

OPEN = frozenset(
    {S.REPORTED, S.DISPATCHED, S.ACCEPTED_BY_TEAM, S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD}
)
WORKING = frozenset({S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD})
FINISHED = frozenset({S.COMPLETED, S.CONFIRMED, S.CLOSED})


@dataclass(frozen=True)
class Move:
    allowed_from: frozenset[S]
    to: S | None  # None: records without changing the status


MOVES: dict[str, Move] = {
    "dispatch": Move(frozenset({S.REPORTED, S.DISPATCHED, S.ACCEPTED_BY_TEAM}), S.DISPATCHED),
    "assign": Move(frozenset({S.DISPATCHED, S.ACCEPTED_BY_TEAM}) | WORKING, S.ACCEPTED_BY_TEAM),
    "accept": Move(frozenset({S.ACCEPTED_BY_TEAM}), S.ACCEPTED),
    "start": Move(frozenset({S.ACCEPTED}), S.IN_PROGRESS),
    "hold": Move(frozenset({S.IN_PROGRESS}), S.ON_HOLD),
    "resume": Move(frozenset({S.ON_HOLD}), S.IN_PROGRESS),
    "complete": Move(frozenset({S.IN_PROGRESS, S.ON_HOLD}), S.COMPLETED),
    "confirm": Move(frozenset({S.COMPLETED}), S.CONFIRMED),
    "rate": Move(frozenset({S.CONFIRMED}), S.CLOSED),
    "cancel": Move(OPEN, S.CANCELLED),
    "reopen": Move(FINISHED, S.DISPATCHED),
    "log_labour": Move(WORKING | {S.COMPLETED}, None),
    "add_part": Move(WORKING | {S.COMPLETED}, None),
    "attach": Move(OPEN | {S.COMPLETED}, None),
    "note": Move(frozenset(S), None),
}

# Actions a technician takes in the field: when the order moved on meanwhile (even out of
# the sender's sight), what they carried is kept as a late report and the desk gets a
# conflict, never a refusal (server/domain/work/late.py).
FIELD_ACTIONS = frozenset(
    {"accept", "start", "hold", "resume", "complete", "log_labour", "add_part", "attach", "note"}
)

# Actions only the order's assignee (or the desk) may take (workflow `_require_assignee`);
# the field app's copy of this rule is generated from here (server/field_app/rules.py).
ASSIGNEE_ONLY = frozenset(
    {"accept", "start", "hold", "resume", "complete", "log_labour", "add_part", "inspect"}
)
