"""The desk's queue: conflicting and rejected ops, and what the desk decides about each.

An item of the queue is a `Conflict` (an op that met a state it could not apply to, with
both sides) or a rejected `SyncOp` that nobody has resolved. The desk resolves an item by

- `keep_server`: close it. The device's content stays in the op log and in the conflict
  record; nothing else changes.
- `resubmit`: apply the op's intent again as a new op (new op_id, same name and version,
  the original args) of the desk's own "console" stream, through the same path a phone's
  push takes (`push.apply_op`), so the same handler, savepoint and op log apply.
- `merge`: the same, with args the desk edited.

Every resolution records who, when, which and the desk's note on a `Conflict` row (for a
rejected op, which has none, one is written at resolution as the record of the decision)
and sets the original op's `resolved_at`, so it leaves the device's inbox.

A re-submission that conflicts or is rejected again leaves the item open: the original
op's `resubmitted_as` names the attempt, whose own outcome says why. The attempt is
folded into the original (its `resolved_at` is set, a conflict it opened is closed as
`superseded`), so one intent is never two items of the queue.

`cases` says what an item is and how it is shown, `queue` lists them, `detail` reads one
with both sides, `decisions` resolves one, and `console` is the desk's own stream that
re-submissions go through.
"""

from server.domain.sync.resolution.cases import (
    RESOLUTIONS,
    SUPERSEDED,
    Person,
    QueueItem,
    QueueKind,
    QueueStatus,
    Resolution,
)
from server.domain.sync.resolution.console import (
    CONSOLE_DEVICE_NAME,
    CONSOLE_NAMESPACE,
    console_device,
)
from server.domain.sync.resolution.decisions import ResolveOutcome, resolve
from server.domain.sync.resolution.detail import (
    Attempt,
    ConflictDetail,
    FieldRow,
    conflict_detail,
)
from server.domain.sync.resolution.queue import QueuePage, count_open, list_queue

__all__ = [
    "CONSOLE_DEVICE_NAME",
    "CONSOLE_NAMESPACE",
    "RESOLUTIONS",
    "SUPERSEDED",
    "Attempt",
    "ConflictDetail",
    "FieldRow",
    "Person",
    "QueueItem",
    "QueueKind",
    "QueuePage",
    "QueueStatus",
    "Resolution",
    "ResolveOutcome",
    "conflict_detail",
    "console_device",
    "count_open",
    "list_queue",
    "resolve",
]
