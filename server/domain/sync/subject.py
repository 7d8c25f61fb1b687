"""What an op is about: its aggregate and the id of the row its args name.

`asset.add_note` is about the asset in `args.asset_id`, `work_order.complete` about the
work order in `args.work_order_id`. The op log keeps it, so the desk's queue can be
scoped by the site of that row without reading every op's JSON.

>>> subject_of("asset.add_note", {"asset_id": "6f1c1b8e-52a4-4d52-9d8d-8a57c0f0c0de"})
('asset', UUID('6f1c1b8e-52a4-4d52-9d8d-8a57c0f0c0de'))
>>> subject_of("work_order.callback", {"callback_id": "6f1c1b8e-52a4-4d52-9d8d-8a57c0f0c0de"})
(None, None)
>>> subject_of("asset.add_note", {"asset_id": "not an id"})
(None, None)
"""

from __future__ import annotations

import uuid
from typing import Any


def subject_of(name: str, args: Any) -> tuple[str | None, uuid.UUID | None]:
    aggregate = name.split(".", 1)[0]
    if not aggregate or not isinstance(args, dict):
        return (None, None)
    try:
        return (aggregate, uuid.UUID(str(args[f"{aggregate}_id"])))
    except (KeyError, ValueError):
        return (None, None)
