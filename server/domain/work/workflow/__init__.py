"""The one service that changes work orders. The console's buttons, the API and the ops
pushed by phones all call these functions, so every path obeys the same rules and every
node of the loop leaves an event with who, which device, the claimed and received time.
"""

from server.domain.work.workflow.closing import confirm, rate, record_callback
from server.domain.work.workflow.core import (
    DESK,
    POOR_RATING,
    SLA_MINUTES,
    Meta,
    _event,
    _move,
    _next_number,
    _require,
    _require_assignee,
    _require_biller,
    load,
    load_tied,
    tie,
)
from server.domain.work.workflow.loop import (
    assign,
    cancel,
    complete,
    create_planned,
    dispatch,
    record_inspection,
    reopen,
    report,
    technician_step,
)
from server.domain.work.workflow.records import add_part, attach, log_labour, note

__all__ = [
    "DESK",
    "POOR_RATING",
    "SLA_MINUTES",
    "Meta",
    "_event",
    "_move",
    "_next_number",
    "_require",
    "_require_assignee",
    "_require_biller",
    "add_part",
    "assign",
    "attach",
    "cancel",
    "complete",
    "confirm",
    "create_planned",
    "dispatch",
    "load",
    "load_tied",
    "log_labour",
    "note",
    "rate",
    "record_callback",
    "record_inspection",
    "reopen",
    "report",
    "technician_step",
    "tie",
]
